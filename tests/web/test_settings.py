"""One Settings class, documented: every field is in the README table and in .env.example."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from app.paths import ROOT
from app.settings import Settings


def _env_names() -> list[str]:
    names = []
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        if alias is not None and hasattr(alias, "choices"):
            names.append(str(alias.choices[0]))
        else:
            names.append(f"WEFRAME_{name.upper()}")
    return names


@pytest.mark.parametrize("variable", _env_names())
def test_every_setting_is_documented(variable: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"| `{variable}` |" in readme, f"{variable} is missing from the README's settings table"
    assert variable in (ROOT / ".env.example").read_text(encoding="utf-8"), f"{variable} not in .env.example"


# local_server.py starts weframe as a child process for tests and scripts: it copies the parent's
# environment minus every WEFRAME_ variable, so that no setting leaks in unasked; it reads none.
# native.py reads WEFRAME_PURE, which is not a setting: it tells the engine, before anything
# else is loaded, to run as plain Python even when a compiled build of it matches.
ALLOWED = {ROOT / "app" / "settings.py", ROOT / "app" / "web" / "local_server.py", ROOT / "app" / "native.py"}


def test_only_settings_reads_the_environment() -> None:
    offenders = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        if path in ALLOWED:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv", "environb"}:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders


def test_database_url_comes_from_database_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("WEFRAME_RETENTION_DAYS", "7")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.effective_database_url() == "postgresql+psycopg://u@h/db"
    assert settings.retention_days == 7
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.setenv("WEFRAME_DATA_DIR", str(tmp_path))
    assert Settings(_env_file=None).effective_database_url()  # type: ignore[call-arg] == f"sqlite:///{tmp_path / 'weframe.db'}"


def test_bad_settings_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    monkeypatch.setenv("WEFRAME_RETENTION_DAYS", "0")
    with pytest.raises(ValidationError):
        Settings(_env_file=None)  # type: ignore[call-arg]
