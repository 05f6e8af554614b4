"""Test databases: a SQLite file per test, and a fresh PostgreSQL schema per test.

PostgreSQL comes from WEFRAME_TEST_DATABASE_URL, else the server every machine of this
project has at 127.0.0.1:5432 (trust auth, database `test`). Where none answers, tests
skip with the reason locally and fail in CI (CI=true), so CI never skips them silently.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


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


@contextmanager
def fresh_postgres_schema() -> Iterator[str]:
    """A URL whose connections use a new, empty schema; the schema is dropped afterwards."""
    problem = _postgres_problem()
    if problem:
        skip_or_fail(problem)
    base = postgres_base_url()
    schema = "wf_test_" + secrets.token_hex(6)
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def sqlite_file_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'weframe.db'}"


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
