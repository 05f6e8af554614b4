"""One strict loader for every TOML data file (rules, scenarios, texts).

Unknown keys, missing keys, wrong types and unknown ids are errors that name the
file and the key, so a bad data file stops start-up with a message a person can act on.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.paths import BUILD_DIR


class DataError(Exception):
    """A data file is malformed; the message names the file and the key."""

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        self.path = str(path)
        self.key = key
        self.problem = problem
        super().__init__(f"{self.path}: {key}: {problem}" if key else f"{self.path}: {problem}")


def read_toml(path: Path) -> dict[str, Any]:
    """Parse one TOML file, turning syntax errors into a DataError naming the file.

    What a file parses to is kept in build/data-cache, under a digest of its bytes: TOML
    parsing was a sixth of a process's start-up, and marshal reads the same tables ~30x
    faster. An edited file has another digest; a cache that cannot be read or written is
    passed over."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(path, "", f"cannot read: {exc.strerror}") from exc
    digest = hashlib.sha256(raw).hexdigest()
    cached = _cached(digest)
    if cached is not None:
        return cached
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise DataError(path, "", f"not UTF-8 text: {exc.reason} at byte {exc.start}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise DataError(path, "", f"invalid TOML: {exc}") from exc
    _keep(digest, data)
    return data


# One folder per marshal format (it may change between Python versions).
_CACHE = BUILD_DIR / "data-cache" / f"py{sys.version_info[0]}{sys.version_info[1]}-m{marshal.version}"


def _cached(digest: str) -> dict[str, Any] | None:
    try:
        data = marshal.loads((_CACHE / f"{digest}.marshal").read_bytes())
    except (OSError, EOFError, ValueError, TypeError):  # none yet, or unreadable: parse
        return None
    return data if isinstance(data, dict) else None


def _keep(digest: str, data: dict[str, Any]) -> None:
    try:
        encoded = marshal.dumps(data)  # ValueError for TOML dates and times: not kept
        _CACHE.mkdir(parents=True, exist_ok=True)
        spare = _CACHE / f"{digest}.{os.getpid()}.part"
        spare.write_bytes(encoded)
        os.replace(spare, _CACHE / f"{digest}.marshal")  # whole or not at all
    except (OSError, ValueError):
        pass


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
