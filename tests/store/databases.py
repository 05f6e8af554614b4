"""Test databases: a SQLite file per test, and a fresh PostgreSQL schema per test.

PostgreSQL comes from WEFRAME_TEST_DATABASE_URL, else the server every machine of this
project has at 127.0.0.1:5432 (trust auth, database `test`). Where none answers, tests
skip with the reason locally and fail in CI (CI=true), so CI never skips them silently.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from app.store import scratch

PG_DEFAULT = scratch.POSTGRES_DEFAULT


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def skip_or_fail(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason} (CI=true, so this fails instead of skipping)")
    pytest.skip(reason)


def postgres_base_url() -> str:
    return os.environ.get("WEFRAME_TEST_DATABASE_URL") or PG_DEFAULT


@lru_cache(maxsize=1)
def _postgres_problem() -> str | None:
    url = postgres_base_url()
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        shown = make_url(url).render_as_string(hide_password=True)
        return f"no PostgreSQL server answers at {shown}: {type(exc).__name__}"
    finally:
        engine.dispose()
    return None


def postgres_server_url() -> str:
    """The test PostgreSQL server's URL; skips (fails in CI) when none answers."""
    problem = _postgres_problem()
    if problem:
        skip_or_fail(problem)
    return postgres_base_url()


@contextmanager
def fresh_postgres_schema() -> Iterator[str]:
    """A URL whose connections use a new, empty schema; the schema is dropped afterwards."""
    with scratch.fresh_postgres_schema(postgres_server_url()) as url:
        yield url


sqlite_file_url = scratch.sqlite_file_url


@contextmanager
def database_url(kind: str, folder: Path) -> Iterator[str]:
    """A fresh database of kind ("sqlite" or "postgres") for one test."""
    if kind == "sqlite":
        yield sqlite_file_url(folder)
        return
    with fresh_postgres_schema() as url:
        yield url


DATABASE_KINDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]
