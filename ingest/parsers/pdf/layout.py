"""The generic, layout-aware PDF order reader (no template per customer).

:func:`read_order` works on the page model only (words with positions and drawn rules), so it
reads text-layer pages and OCR'd pages alike. The work is split over :mod:`.geometry` (phrases,
habits, confidences), :mod:`.fields` (header fields by label), :mod:`.parties` (address blocks),
:mod:`.table` (the item table) and :mod:`.reader` (the order and its cross-checks).
"""

from __future__ import annotations

from ingest.parsers.pdf.reader import read_order

__all__ = ["read_order"]
