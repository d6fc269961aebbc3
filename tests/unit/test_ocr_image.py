"""Page images made ready for tesseract (ingest/parsers/pdf/ocr_image.py): rulings found as long
runs of ink and erased whole, stubs past a crossing rule included; glyph strokes kept."""

from __future__ import annotations

import numpy as np
from PIL import Image

from ingest.parsers.pdf.ocr_image import close_gaps, dark_fill, long_runs, prepare, rulings


def _row(text: str) -> np.ndarray:
    return np.array([[c == "#" for c in text]])


def test_long_runs_keeps_only_runs_of_the_length() -> None:
    ink = _row("##.#####..###.")
    assert "".join("#" if v else "." for v in long_runs(ink, 3)[0]) == "...#####..###."
    assert not long_runs(ink, 6).any()


def test_long_runs_at_the_edges_of_the_image() -> None:
    ink = _row("####..####")
    assert long_runs(ink, 4).tolist() == ink.tolist()


def test_close_gaps_fills_short_holes_only() -> None:
    ink = _row("###..###...###")
    assert "".join("#" if v else "." for v in close_gaps(ink, 2)[0]) == "########...###"
    assert close_gaps(ink, 0).tolist() == ink.tolist()


def _ruled_table() -> np.ndarray:
    """A white page (False) with a ruled box whose vertical rules run 12 pixels past the bottom
    rule (as a printed table's do once scanned), and two glyph-like strokes inside it."""
    ink = np.zeros((220, 320), dtype=bool)
    ink[20:23, 20:300] = True  # top rule
    ink[150:153, 20:300] = True  # bottom rule
    for x in (20, 120, 297):
        ink[20:165, x : x + 3] = True  # vertical rules with a 12-pixel stub below the bottom one
    ink[60:90, 60:64] = True  # an "l" 30 pixels tall
    ink[100:104, 150:180] = True  # a "-" 30 pixels wide
    return ink


def test_rulings_take_whole_rules_and_their_stubs_but_not_glyphs() -> None:
    ink = _ruled_table()
    found = rulings(ink, 60)
    left = ink & ~found
    assert not left[:, :58].any() and not left[:, 115:130].any()
    assert not left[150:, :].any(), "stubs below the bottom rule are rulings too"
    assert left[60:90, 60:64].all() and left[100:104, 150:180].all()


def test_a_rule_broken_by_a_dropout_is_still_a_rule() -> None:
    ink = np.zeros((40, 200), dtype=bool)
    ink[10:13, 10:190] = True
    ink[10:13, 100:102] = False  # two pixels lost in the scan
    assert not (ink & ~rulings(ink, 120)).any()


def test_prepare_gives_a_binary_and_a_grey_page_without_rulings() -> None:
    ink = _ruled_table()
    grey = np.where(ink, 40, 235).astype(np.uint8)
    grey[70:80, 200:240] = 120  # a grey glyph stroke: kept with its own grey in the grey page
    prepared = prepare(Image.fromarray(grey), dpi=180)  # rulings: runs of 60 pixels
    binary = np.asarray(prepared.binary)
    kept = np.asarray(prepared.grey)
    assert prepared.binary.size == prepared.grey.size == (320, 220)
    assert set(np.unique(binary)) <= {0, 255}
    assert (binary[150:, :] == 255).all() and (binary[:, 20:23] == 255).all()
    assert (binary[60:90, 60:64] == 0).mean() > 0.8
    assert (kept == 255).sum() == (binary == 255).sum()  # the same pixels are paper in both
    assert 100 <= kept[75, 220] <= 140


def _header_band() -> np.ndarray:
    """A grey page (75 dpi) with a table header printed white on a dark band, and a thick dark
    stroke of a heading glyph beside it."""
    grey = np.full((120, 360), 235, dtype=np.uint8)
    grey[20:50, 20:300] = 45  # the band
    grey[28:42, 60:63] = 250  # a white "l"
    grey[28:31, 100:112] = 250  # a white "T": its bar ...
    grey[28:42, 105:107] = 250  # ... and its stem
    grey[70:88, 320:324] = 30  # a heading's stroke, 4 pixels wide
    return grey


def test_dark_fill_takes_the_band_with_its_letters_and_no_strokes() -> None:
    fill = dark_fill(_header_band(), dpi=75)
    assert fill[20:50, 24:296].all()
    assert fill[28:42, 60:63].all(), "the letters' holes in the fill belong to it"
    assert not fill[70:100, 310:330].any() and not fill[:15].any() and not fill[55:].any()
    assert not dark_fill(np.full((100, 300), 235, dtype=np.uint8), dpi=75).any()


def test_prepare_turns_light_letters_on_a_dark_band_into_dark_letters_on_paper() -> None:
    binary = np.asarray(prepare(Image.fromarray(_header_band()), dpi=75).binary)
    assert (binary[28:42, 60:63] == 0).mean() > 0.8 and (binary[29:42, 105:107] == 0).mean() > 0.8
    band = binary[20:50, 20:300].copy()
    band[28 - 20 : 42 - 20, 60 - 20 : 63 - 20] = 255
    band[28 - 20 : 31 - 20, 100 - 20 : 112 - 20] = 255
    band[28 - 20 : 42 - 20, 105 - 20 : 107 - 20] = 255
    assert (band == 255).mean() > 0.99, "the band itself is paper"
    assert (binary[72:86, 320:324] == 0).mean() > 0.8
