"""The pure cores import nothing from the web, the store or their frameworks."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = (
    "fastapi",
    "starlette",
    "sqlmodel",
    "sqlalchemy",
    "jinja2",
    "uvicorn",
    "alembic",
    "app.web",
    "app.store",
    "app.services",
)


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("package", ["engine", "dialogue"])
def test_core_is_pure(package: str) -> None:
    files = sorted((ROOT / "app" / package).glob("*.py"))
    assert files, f"app/{package} has no modules"
    for path in files:
        for name in _imports(path):
            assert not any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN), (
                f"{path.relative_to(ROOT)} imports {name}"
            )
