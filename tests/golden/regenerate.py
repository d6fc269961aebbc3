"""Rewrite fixtures/expected/<document>.json from the current parsers.

Run by hand, deliberately, after a change that is meant to alter the parse of the fixtures:
``.venv/bin/python tests/golden/regenerate.py``. Read the diff before
committing: the expected files are the definition of a right parse, not a snapshot to refresh.
"""

from __future__ import annotations

import sys

from golden_support import EXPECTED, documents, expected_path, parse_line, render


def main() -> int:
    EXPECTED.mkdir(parents=True, exist_ok=True)
    for document in documents():
        path = expected_path(document)
        text = render(parse_line(document))
        changed = not path.exists() or path.read_text(encoding="utf-8") != text
        path.write_text(text, encoding="utf-8")
        sys.stdout.write(
            f"{'updated ' if changed else 'same    '} {path.relative_to(EXPECTED.parent.parent)}\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
