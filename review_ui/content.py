"""How a document's raw bytes are shown: as text when they are text, else as "binary, N bytes"."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

TEXT_LIMIT_BYTES = 200 * 1024
"""At most this much of a document is shown as text on its page; the download has it all."""

_SNIFF_BYTES = 8 * 1024
_BINARY_MAGIC = (
    b"%PDF",  # PDF
    b"PK\x03\x04",  # ZIP, XLSX, DOCX
    b"\xd0\xcf\x11\xe0",  # OLE: XLS, DOC, MSG
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"\x1f\x8b",  # gzip
)
_CONTROL = frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}


@dataclass(frozen=True)
class RawView:
    """The raw content as the document page shows it."""

    size: int
    binary: bool
    text: str | None = None
    truncated: bool = False
    shown_bytes: int = 0


def is_binary(content: bytes) -> bool:
    """True for content that is not meant to be read as text (PDF, spreadsheets, images, ...)."""
    head = content[:_SNIFF_BYTES]
    if head.startswith(_BINARY_MAGIC) or b"\x00" in head:
        return True
    return not _mostly_text(head)


def _mostly_text(head: bytes) -> bool:
    """Few control characters. Bytes that are not UTF-8 do not count against text: a Latin-1
    or Windows-1252 export is still text (shown with replacement characters)."""
    if not head:
        return True
    controls = sum(1 for b in head if b in _CONTROL)
    return controls / len(head) < 0.05


def raw_view(content: bytes, limit: int = TEXT_LIMIT_BYTES) -> RawView:
    """Text decoded as UTF-8 (bad bytes replaced), cut at ``limit`` bytes; or just the size."""
    if is_binary(content):
        return RawView(size=len(content), binary=True)
    shown = content[:limit]
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    # final=False keeps a character split by the cut out instead of showing it as garbage
    text = decoder.decode(shown, final=len(content) <= limit)
    return RawView(
        size=len(content),
        binary=False,
        text=text,
        truncated=len(content) > limit,
        shown_bytes=len(shown),
    )


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str | None, fallback: str) -> str:
    """A download name made of ``[A-Za-z0-9._-]`` only, without a path or a leading dot."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).strip("._")[:120]
    return cleaned or fallback
