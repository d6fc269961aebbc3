"""A rendered page image made easy for tesseract: straightened, despeckled, black on white, and
without table rulings. Pure functions of a Pillow image (and numpy arrays); no I/O.

Rulings are found as runs of ink at least a third of an inch long along a pixel row (horizontal
rules) or a pixel column (vertical rules), after closing gaps of a pixel or two along the run. A
whole run is erased, so the ends of a rule that stick out past a crossing rule go with it: left
behind, those stubs read as "i", "l" or "1" and make a noise row under a ruled table.

Light text on a dark fill (a table header printed white on a dark band) is turned black on white
first: the fill is found as ink that a square wider than any glyph stroke fits in, over at least an
inch of a row, with the holes the letters leave in it filled up and down. Read as it is, thresholded
and with the band's long rows erased as rulings, such a header comes out as "POE", "Ory", "CNTs".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


def _trailing_sum(values: npt.NDArray[Any], k: int, axis: int) -> npt.NDArray[np.int32]:
    """For every cell, how many of the ``k`` cells along ``axis`` ending at it are set."""
    moved = np.moveaxis(values, axis, 0)
    sums = np.zeros((moved.shape[0] + k, *moved.shape[1:]), dtype=np.int32)
    np.cumsum(moved, axis=0, dtype=np.int32, out=sums[k:])
    return np.moveaxis(sums[k:] - sums[:-k], 0, axis)


def opening(ink: Mask, k: int) -> Mask:
    """The pixels of ``ink`` covered by some ``k`` x ``k`` square that is all ink (a morphological
    opening): solid fills, not the strokes of glyphs thinner than ``k``."""
    full = _trailing_sum(_trailing_sum(ink, k, 0), k, 1) == k * k  # the square ending here is ink
    ahead = _trailing_sum(_trailing_sum(full[::-1, ::-1], k, 0), k, 1)[::-1, ::-1]
    covered: Mask = ahead > 0
    return covered


def dark_fill(grey: npt.NDArray[np.uint8], dpi: int) -> Mask:
    """The dark filled areas of a page (``grey`` at ``dpi``) at least an inch wide, the letters
    printed light inside them included."""
    factor = max(1, dpi // 75)
    small = grey[: grey.shape[0] // factor * factor, : grey.shape[1] // factor * factor]
    small = small.reshape(small.shape[0] // factor, factor, -1, factor).mean(axis=(1, 3))
    step = dpi / factor  # pixels per inch of the small copy
    ink: Mask = small < THRESHOLD
    solid = long_runs(opening(ink, max(3, round(step / 24))), round(step))
    if not solid.any():
        return np.zeros(grey.shape, dtype=bool)
    columns = np.ascontiguousarray(solid.T)
    holes = ~columns & ~long_runs(~columns, max(2, round(step / 4)))
    found = solid | holes.T
    full: Mask = np.zeros(grey.shape, dtype=bool)
    up = np.repeat(np.repeat(found, factor, axis=0), factor, axis=1)
    full[: up.shape[0], : up.shape[1]] = up
    return full


def _light_on_dark(grey: npt.NDArray[np.uint8], dpi: int) -> npt.NDArray[np.uint8]:
    """``grey`` with dark fills turned light and their light letters dark; the fill's ragged edge
    (a few pixels around it) made paper."""
    fill = dark_fill(grey, dpi)
    if not fill.any():
        return grey
    edge = fill
    for _ in range(max(2, dpi // 75)):
        edge = _grow(edge)
    out = np.where(edge & ~fill, 255, grey)
    return np.where(fill, 255 - grey, out).astype(np.uint8)


@dataclass(frozen=True)
class Prepared:
    """A page ready for tesseract: ``binary`` black on white for the page reading, ``grey`` with
    the same rulings and faint marks erased but the glyphs' grey edges kept (a single word is
    read better from it)."""

    binary: Image.Image
    grey: Image.Image


def prepare(image: Image.Image, dpi: int) -> Prepared:
    """A rendered page made easy for tesseract: straightened, specks taken out (median filter),
    light text on dark fills turned dark on light, black on white (threshold), and table rulings
    erased (they read as "|", "[" and "_")."""
    image = image.convert("L")
    angle = skew_angle(image)
    if angle:
        image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    image = image.filter(ImageFilter.MedianFilter(3))
    grey = _light_on_dark(np.asarray(image), dpi)
    ink: Mask = grey < THRESHOLD
    run = max(20, dpi // 3)  # a third of an inch: longer than any glyph's stroke
    paper = ~ink | rulings(ink, run)
    return Prepared(
        binary=Image.fromarray(np.where(paper, 255, 0).astype(np.uint8)),
        grey=Image.fromarray(np.where(paper, 255, grey).astype(np.uint8)),
    )
