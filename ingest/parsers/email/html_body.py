"""HTML message bodies as rows of cells: each table row a row, every other block of text a line.

Scripts, styles and the head are dropped, and so is quoted text (``<blockquote>``, where Gmail,
Outlook.com and Thunderbird put a reply's quote; Yahoo's ``yahoo_quoted``): a reply's quoted
original order is not a new order. A table nested in a cell
(HTML mail is laid out with tables) ends the outer cell: its rows stand on their own, and the
outer cell's own text becomes lines. A one-cell row is split into its lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

_SKIPPED = frozenset({"script", "style", "head", "title", "template", "noscript", "blockquote"})
_BREAKS = frozenset(
    {"br", "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "pre", "section", "tr"}
)
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "col", "wbr", "area", "base", "source"})
_QUOTE_CLASSES = ("yahoo_quoted",)  # Gmail forwards sit in "gmail_quote" too: only its blockquote is skipped
_MAX_COLSPAN = 20


@dataclass
class _Table:
    row: list[str] | None = None
    cell: list[str] | None = None
    colspan: int = 1
    container: bool = False  # holds a nested table: its rows are not a table row
    rows_out: int = 0


@dataclass
class _State:
    rows: list[list[str]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    tables: list[_Table] = field(default_factory=list)
    skip: str | None = None  # the tag whose content is being skipped
    skip_depth: int = 0


class _HtmlRows(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.s = _State()

    # text ---------------------------------------------------------------------------------------

    def _buffer(self) -> list[str]:
        table = self.s.tables[-1] if self.s.tables else None
        return table.cell if table is not None and table.cell is not None else self.s.text

    def _flush_text(self, parts: list[str]) -> None:
        for line in "".join(parts).split("\n"):
            if line.strip():
                self.s.rows.append([" ".join(line.split())])
        parts.clear()

    def handle_data(self, data: str) -> None:
        if self.s.skip is None:
            self._buffer().append(data.replace("\n", " ").replace("\xa0", " "))

    # tags ---------------------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = " ".join(v or "" for k, v in attrs if k == "class")
        if self.s.skip is not None:
            self.s.skip_depth += tag == self.s.skip
            return
        if tag == "blockquote" and self._after_forward_intro():
            return  # Apple Mail quotes a forwarded message: it is the content, not a quote
        if tag not in _VOID and (tag in _SKIPPED or any(c in classes for c in _QUOTE_CLASSES)):
            self.s.skip, self.s.skip_depth = tag, 1
            return
        if tag == "table":
            self._start_table()
        elif tag == "tr" and self.s.tables:
            self._end_row()
            self.s.tables[-1].row = []
        elif tag in ("td", "th") and self.s.tables:
            self._start_cell(attrs)
        elif tag in _BREAKS:
            self._buffer().append("\n")
        elif tag in ("span", "font", "b", "strong", "i", "em", "a", "u"):
            return
        else:
            self._buffer().append(" ")

    def _after_forward_intro(self) -> bool:
        recent = "".join(self._buffer()).strip() or (self.s.rows[-1][-1] if self.s.rows else "")
        return recent.lower().endswith("begin forwarded message:")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.s.skip is None and tag in ("br", "hr"):
            self._buffer().append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.s.skip is not None:
            self.s.skip_depth -= tag == self.s.skip
            if self.s.skip_depth <= 0:
                self.s.skip = None
            return
        if tag == "table" and self.s.tables:
            self._end_row()
            self.s.tables.pop()
        elif tag == "tr" and self.s.tables:
            self._end_row()
        elif tag in ("td", "th") and self.s.tables:
            self._end_cell()
        elif tag in _BREAKS:
            self._buffer().append("\n")

    # tables -------------------------------------------------------------------------------------

    def _start_table(self) -> None:
        outer = self.s.tables[-1] if self.s.tables else None
        if outer is not None and outer.cell is not None:
            self._flush_text(outer.cell)
            outer.container = True
        elif outer is None:
            self._flush_text(self.s.text)
        self.s.tables.append(_Table())

    def _start_cell(self, attrs: list[tuple[str, str | None]]) -> None:
        table = self.s.tables[-1]
        self._end_cell()
        if table.row is None:
            table.row = []
        span = next((v for k, v in attrs if k == "colspan"), None) or "1"
        table.colspan = min(int(span), _MAX_COLSPAN) if span.strip().isdigit() else 1
        table.cell = []

    def _end_cell(self) -> None:
        table = self.s.tables[-1]
        if table.cell is None:
            return
        if table.row is None:
            table.row = []
        text = "".join(table.cell)
        table.row.append(text)
        table.row.extend([""] * (max(table.colspan, 1) - 1))
        table.cell = None

    def _end_row(self) -> None:
        table = self.s.tables[-1]
        self._end_cell()
        row, table.row = table.row, None
        if row is None:
            return
        filled = [c for c in row if c.strip()]
        if table.container or len(filled) <= 1:
            for cell in filled:
                self._flush_text([cell])
            table.container = False
            return
        self.s.rows.append([" ".join(c.split()) for c in row])

    def rows(self) -> list[list[str]]:
        while self.s.tables:
            self._end_row()
            self.s.tables.pop()
        self._flush_text(self.s.text)
        return self.s.rows


def html_rows(html: str) -> list[list[str]]:
    """The rows of cells and lines of text of an HTML document, in reading order."""
    parser = _HtmlRows()
    parser.feed(html)
    parser.close()
    return parser.rows()


def rows_text(rows: list[list[str]]) -> str:
    """Rows as plain text: cells separated by tabs, one row a line."""
    return "\n".join("\t".join(row) for row in rows)
