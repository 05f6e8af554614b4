"""One strict loader for every TOML data file (rules, scenarios, texts).

Unknown keys, missing keys, wrong types and unknown ids are errors that name the
file and the key, so a bad data file stops start-up with a message a person can act on.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class DataError(Exception):
    """A data file is malformed; the message names the file and the key."""

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        self.path = str(path)
        self.key = key
        self.problem = problem
        super().__init__(f"{self.path}: {key}: {problem}" if key else f"{self.path}: {problem}")


def read_toml(path: Path) -> dict[str, Any]:
    """Parse one TOML file, turning syntax errors into a DataError naming the file."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(path, "", f"invalid TOML: {exc}") from exc
    except OSError as exc:
        raise DataError(path, "", f"cannot read: {exc.strerror}") from exc


@dataclass(frozen=True)
class Field:
    """One expected key of a table: its type(s) and whether it must be present."""

    types: type | tuple[type, ...]
    required: bool = True
    item: type | None = None  # element type when the field is a list


class Table:
    """Validates one TOML table against a schema of Fields."""

    def __init__(self, path: Path, where: str, schema: Mapping[str, Field]) -> None:
        self.path = path
        self.where = where
        self.schema = schema

    def check(self, table: Any) -> dict[str, Any]:
        if not isinstance(table, dict):
            raise DataError(self.path, self.where, "expected a table")
        for key in table:
            if key not in self.schema:
                known = ", ".join(sorted(self.schema))
                raise DataError(self.path, f"{self.where}.{key}", f"unknown key (known keys: {known})")
        for key, field in self.schema.items():
            name = f"{self.where}.{key}"
            if key not in table:
                if field.required:
                    raise DataError(self.path, name, "missing required key")
                continue
            value = table[key]
            if isinstance(value, bool) and bool not in _as_tuple(field.types):
                raise DataError(self.path, name, f"expected {_type_names(field.types)}, got a boolean")
            if not isinstance(value, field.types):
                raise DataError(self.path, name, f"expected {_type_names(field.types)}")
            if field.item is not None and isinstance(value, list):
                for index, element in enumerate(value):
                    if not isinstance(element, field.item):
                        raise DataError(self.path, f"{name}[{index}]", f"expected {field.item.__name__}")
            if isinstance(value, str) and field.required and not value.strip():
                raise DataError(self.path, name, "must not be empty")
        return table


def require_choice(path: Path, where: str, value: str, choices: Iterable[str]) -> str:
    """Fail unless value is one of choices (ids, categories, severities)."""
    allowed = sorted(choices)
    if value not in allowed:
        raise DataError(path, where, f"unknown value {value!r} (expected one of: {', '.join(allowed)})")
    return value


def require_unique(path: Path, where: str, value: str, seen: set[str]) -> None:
    """Fail when an id is used twice."""
    if value in seen:
        raise DataError(path, where, f"duplicate id {value!r}")
    seen.add(value)


def _as_tuple(types: type | tuple[type, ...]) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)


def _type_names(types: type | tuple[type, ...]) -> str:
    return " or ".join(t.__name__ for t in _as_tuple(types))
