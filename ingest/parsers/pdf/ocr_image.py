"""A rendered page image made easy for tesseract: straightened, despeckled, black on white, and
without table rulings. Pure functions of a Pillow image (and numpy arrays); no I/O.

Rulings are found as runs of ink at least a third of an inch long along a pixel row (horizontal
rules) or a pixel column (vertical rules), after closing gaps of a pixel or two along the run. A
whole run is erased, so the ends of a rule that stick out past a crossing rule go with it: left
behind, those stubs read as "i", "l" or "1" and make a noise row under a ruled table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageFilter

THRESHOLD = 170  # grey level (0..255) above which a pixel is paper
MAX_SKEW = 2.0  # degrees either way that a page is straightened by
GAP = 2  # pixels of missing ink along a rule that still count as one rule

Mask = npt.NDArray[np.bool_]


def _ink_table(threshold: int) -> list[int]:
    return [255 if v < threshold else 0 for v in range(256)]


def _row_spread(ink: Image.Image, angle: float) -> float:
    """How much the ink's row sums vary with the image turned by ``angle``: text lines and rules
    lined up with the rows give sharp peaks and empty gaps, the most variance."""
    turned = ink.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=0)
    rows = list(turned.resize((1, turned.height), Image.Resampling.BOX).convert("L").tobytes())
    mean = sum(rows) / len(rows)
    return float(sum((v - mean) ** 2 for v in rows))


def skew_angle(image: Image.Image, limit: float = MAX_SKEW) -> float:
    """The angle (degrees, counter-clockwise) that straightens a page scanned slightly askew,
    found by maximizing the row projection variance over +-``limit`` degrees (0.25 then 0.05 steps)
    on a copy of about 75 pixels per inch."""
    factor = max(1, image.width // 640)
    small = image.reduce(factor) if factor > 1 else image
    ink = small.point(_ink_table(THRESHOLD))
    best, best_spread = 0.0, _row_spread(ink, 0.0)
    coarse = [step * 0.25 for step in range(-int(limit * 4), int(limit * 4) + 1)]
    for angle in coarse:
        spread = _row_spread(ink, angle)
        if spread > best_spread:
            best, best_spread = angle, spread
    for angle in [best + step * 0.05 for step in (-4, -3, -2, -1, 1, 2, 3, 4)]:
        spread = _row_spread(ink, angle)
        if spread > best_spread:
            best, best_spread = angle, spread
    return round(best, 2)


def close_gaps(ink: Mask, gap: int = GAP) -> Mask:
    """``ink`` with holes of at most ``gap`` pixels between ink along each row filled (a closing
    along axis 1): a rule broken by a scan's dropout still reads as one run."""
    if gap <= 0 or ink.shape[1] <= gap:
        return ink
    grown = ink.copy()
    for dx in range(1, gap + 1):
        grown[:, dx:] |= ink[:, :-dx]
    shrunk = grown.copy()
    for dx in range(1, gap + 1):
        shrunk[:, :-dx] &= grown[:, dx:]
    return ink | shrunk


def long_runs(ink: Mask, length: int) -> Mask:
    """The pixels of ``ink`` that lie in a run of ink at least ``length`` pixels long along a row."""
    height, width = ink.shape
    padded = np.zeros((height, width + 2), dtype=np.int8)
    padded[:, 1:-1] = ink
    edges = np.diff(padded, axis=1)
    rows, starts = np.nonzero(edges == 1)
    end_rows, ends = np.nonzero(edges == -1)  # same order: one end per start, row by row
    keep = (ends - starts) >= length
    delta = np.zeros((height, width + 1), dtype=np.int8)
    delta[rows[keep], starts[keep]] = 1
    delta[end_rows[keep], ends[keep]] = -1
    covered: Mask = np.cumsum(delta, axis=1, dtype=np.int8)[:, :width] > 0
    return covered


def _grow(mask: Mask) -> Mask:
    """``mask`` grown by one pixel in every direction (a 3x3 dilation)."""
    out = mask.copy()
    out[1:, :] |= mask[:-1, :]
    out[:-1, :] |= mask[1:, :]
    wide = out.copy()
    out[:, 1:] |= wide[:, :-1]
    out[:, :-1] |= wide[:, 1:]
    return out


def rulings(ink: Mask, length: int) -> Mask:
    """Table rulings in ``ink``: runs at least ``length`` pixels long along rows or columns (gaps of
    :data:`GAP` pixels closed), grown by a pixel to take their anti-aliased edges."""
    horizontal = long_runs(close_gaps(ink), length)
    vertical = long_runs(close_gaps(np.ascontiguousarray(ink.T)), length).T
    return _grow(horizontal | vertical)


@dataclass(frozen=True)
class Prepared:
    """A page ready for tesseract: ``binary`` black on white for the page reading, ``grey`` with
    the same rulings and faint marks erased but the glyphs' grey edges kept (a single word is
    read better from it)."""

    binary: Image.Image
    grey: Image.Image


def prepare(image: Image.Image, dpi: int) -> Prepared:
    """A rendered page made easy for tesseract: straightened, specks taken out (median filter),
    black on white (threshold), and table rulings erased (they read as "|", "[" and "_")."""
    image = image.convert("L")
    angle = skew_angle(image)
    if angle:
        image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    image = image.filter(ImageFilter.MedianFilter(3))
    grey = np.asarray(image)
    ink: Mask = grey < THRESHOLD
    run = max(20, dpi // 3)  # a third of an inch: longer than any glyph's stroke
    paper = ~ink | rulings(ink, run)
    return Prepared(
        binary=Image.fromarray(np.where(paper, 255, 0).astype(np.uint8)),
        grey=Image.fromarray(np.where(paper, 255, grey).astype(np.uint8)),
    )
