"""Import boundaries between the packages (docs: CONVENTIONS.md, "The shape").

An AST check over every module under ``ingest/`` and ``review_ui/``; nothing is imported.
Every ``import`` and ``from ... import`` counts, wherever it stands (top level, inside a
function, under ``if TYPE_CHECKING``), relative imports resolved, and so do
``importlib.import_module("literal")`` calls.

Rules (a module is "under" a package when it is the package or inside it):

- ``ingest.domain`` imports nothing of ``ingest`` outside ``ingest.domain``;
- ``ingest.parsers`` and ``ingest.matching`` import of ``ingest`` only ``ingest.domain``,
  ``ingest.errors`` and themselves;
- only ``ingest.db`` imports ``sqlalchemy`` or ``alembic``;
- only ``ingest.queue`` imports ``rq`` or ``redis``;
- nothing under ``ingest`` imports ``review_ui``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CHECKED_PACKAGES = ("ingest", "review_ui")


def is_under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def is_under_any(module: str, packages: tuple[str, ...]) -> bool:
    return any(is_under(module, package) for package in packages)


@dataclass(frozen=True)
class Rule:
    """Modules under ``applies_to`` may import nothing under ``forbidden`` except under ``allowed``."""

    description: str
    applies_to: tuple[str, ...]
    forbidden: tuple[str, ...]
    allowed: tuple[str, ...] = ()
    exempt: tuple[str, ...] = ()
    """Modules to which the rule does not apply although they are under ``applies_to``."""

    def breaks(self, importer: str, imported: str) -> bool:
        return (
            is_under_any(importer, self.applies_to)
            and not is_under_any(importer, self.exempt)
            and is_under_any(imported, self.forbidden)
            and not is_under_any(imported, self.allowed)
        )


RULES = (
    Rule(
        "ingest.domain imports nothing of ingest outside ingest.domain",
        applies_to=("ingest.domain",),
        forbidden=("ingest",),
        allowed=("ingest.domain",),
    ),
    Rule(
        "ingest.parsers imports of ingest only ingest.domain, ingest.errors and itself",
        applies_to=("ingest.parsers",),
        forbidden=("ingest",),
        allowed=("ingest.domain", "ingest.errors", "ingest.parsers"),
    ),
    Rule(
        "ingest.matching imports of ingest only ingest.domain, ingest.errors and itself",
        applies_to=("ingest.matching",),
        forbidden=("ingest",),
        allowed=("ingest.domain", "ingest.errors", "ingest.matching"),
    ),
    Rule(
        "only ingest.db imports sqlalchemy or alembic",
        applies_to=CHECKED_PACKAGES,
        forbidden=("sqlalchemy", "alembic"),
        exempt=("ingest.db",),
    ),
    Rule(
        "only ingest.queue imports rq or redis",
        applies_to=CHECKED_PACKAGES,
        forbidden=("rq", "redis"),
        exempt=("ingest.queue",),
    ),
    Rule(
        "nothing under ingest imports review_ui, but the CLI that serves it",
        applies_to=("ingest",),
        forbidden=("review_ui",),
        exempt=("ingest.cli",),
    ),
)


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    importer: str
    imported: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.importer} imports {self.imported} ({self.rule})"


def module_name(path: Path, root: Path) -> str:
    """``ingest/parsers/x12/__init__.py`` -> ``ingest.parsers.x12``."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute module that ``from <level dots><target> import ...`` refers to."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (level - 1)] if level > 1 else package
    return ".".join([*base, target] if target else base)


def imports_of(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) for every import in ``tree``.

    ``from a.b import c`` yields ``a.b.c`` (``c`` may be a module or a name in ``a.b``; either
    way the import is of ``a.b`` or below it, which is what the rules ask about).
    """
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = (
                _resolve_relative(module, is_package, node.level, node.module)
                if node.level
                else node.module or ""
            )
            for alias in node.names:
                yield node.lineno, base if alias.name == "*" else f"{base}.{alias.name}"
        elif (
            isinstance(node, ast.Call)
            and (
                (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                or (isinstance(node.func, ast.Name) and node.func.id in {"import_module", "__import__"})
            )
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def check_source(
    source: str, module: str, path: str = "<string>", *, is_package: bool = False
) -> list[Violation]:
    """The boundary violations in one module's source."""
    tree = ast.parse(source, filename=path)
    return [
        Violation(path, line, module, imported, rule.description)
        for line, imported in imports_of(tree, module, is_package)
        for rule in RULES
        if rule.breaks(module, imported)
    ]


def python_files(root: Path) -> list[Path]:
    return sorted(
        path
        for package in CHECKED_PACKAGES
        for path in (root / package).rglob("*.py")
        if "__pycache__" not in path.parts
    )


def check_tree(root: Path) -> list[Violation]:
    violations: list[Violation] = []
    for path in python_files(root):
        violations += check_source(
            path.read_text(encoding="utf-8"),
            module_name(path, root),
            str(path.relative_to(root)),
            is_package=path.name == "__init__.py",
        )
    return violations


# --- the project ----------------------------------------------------------------------------------


def test_the_check_sees_the_packages() -> None:
    files = python_files(REPO_ROOT)
    assert any(path.parts[-2:] == ("ingest", "__init__.py") for path in files), files


def test_packages_keep_their_import_boundaries() -> None:
    violations = check_tree(REPO_ROOT)
    assert not violations, "import boundary violations:\n" + "\n".join(f"  {v}" for v in violations)


# --- the checker itself ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "source", "imported"),
    [
        ("ingest.domain.order", "from ingest.db import tables\n", "ingest.db.tables"),
        ("ingest.domain.order", "import ingest.config\n", "ingest.config"),
        ("ingest.domain.order", "from ingest import errors\n", "ingest.errors"),
        ("ingest.domain.order", "from .. import config\n", "ingest.config"),
        ("ingest.parsers.pdf.layout", "from ...matching import engine\n", "ingest.matching.engine"),
        (
            "ingest.parsers.email",
            "from ingest.services.intake import receive\n",
            "ingest.services.intake.receive",
        ),
        ("ingest.matching.engine", "from ingest.parsers.base import Parser\n", "ingest.parsers.base.Parser"),
        ("ingest.services.review", "from sqlalchemy.orm import Session\n", "sqlalchemy.orm.Session"),
        ("review_ui.routes", "import alembic.command\n", "alembic.command"),
        ("ingest.services.intake", "import redis\n", "redis"),
        ("review_ui.app", "from rq import Queue\n", "rq.Queue"),
        ("ingest.services", "def serve():\n    from review_ui import create_app\n", "review_ui.create_app"),
        ("ingest.services", "import importlib\nimportlib.import_module('review_ui.app')\n", "review_ui.app"),
        (
            "ingest.services.intake",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from rq.job import Job\n",
            "rq.job.Job",
        ),
    ],
)
def test_checker_reports_a_violation(module: str, source: str, imported: str) -> None:
    violations = check_source(source, module, "synthetic.py")
    assert [(v.importer, v.imported) for v in violations] == [(module, imported)]
    assert str(violations[0]).startswith(f"synthetic.py:{violations[0].line}: {module} imports {imported} (")


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("ingest.domain.order", "from decimal import Decimal\nfrom ingest.domain.uom import canonical_uom\n"),
        ("ingest.domain.order", "from .uom import canonical_uom\n"),
        (
            "ingest.parsers.x12.envelope",
            "from ingest.errors import DocumentError\nfrom ..base import Parser\n",
        ),
        (
            "ingest.matching.engine",
            "from ingest.domain import Order\nfrom ingest.matching.uom import convert\n",
        ),
        ("ingest.db.tables", "import sqlalchemy as sa\nfrom alembic import op\n"),
        ("ingest.queue.jobs", "from redis import Redis\nfrom rq import Queue\n"),
        ("ingest.services.review", "from ingest.db.repositories import Orders\n"),
        ("review_ui.app", "from ingest.services import review\n"),
        # prefixes match whole name segments: ingest.domainx is not ingest.domain, redisx not redis
        ("ingest.domainx", "import redisx\nfrom ingest.config import Settings\n"),
    ],
)
def test_checker_accepts_allowed_imports(module: str, source: str) -> None:
    assert check_source(source, module) == []


def test_relative_imports_resolve_from_a_package_init() -> None:
    [violation] = check_source("from ..db import session\n", "ingest.domain", is_package=True)
    assert violation.imported == "ingest.db.session"


def test_check_tree_names_the_offending_file(tmp_path: Path) -> None:
    (tmp_path / "ingest" / "domain").mkdir(parents=True)
    (tmp_path / "review_ui").mkdir()
    (tmp_path / "ingest" / "__init__.py").write_text("")
    (tmp_path / "ingest" / "domain" / "__init__.py").write_text("")
    (tmp_path / "ingest" / "domain" / "order.py").write_text(
        "import os\n\nfrom ingest.config import Settings\n"
    )
    [violation] = check_tree(tmp_path)
    assert str(violation) == (
        "ingest/domain/order.py:3: ingest.domain.order imports ingest.config.Settings "
        "(ingest.domain imports nothing of ingest outside ingest.domain)"
    )
