"""Throw-away databases for tests and scripts: a SQLite file in a folder, or a fresh PostgreSQL
schema on an existing server, dropped afterwards. Never used by the running app."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def sqlite_file_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'weframe.db'}"


@contextmanager
def fresh_postgres_schema(base_url: str, prefix: str = "wf_test_") -> Iterator[str]:
    """A URL whose connections use a new, empty schema on base_url's server; dropped afterwards."""
    schema = prefix + secrets.token_hex(6)
    admin = create_engine(base_url)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def scratch_database(kind: str, folder: Path, postgres_url: str = POSTGRES_DEFAULT) -> Iterator[str]:
    """A fresh database of kind ("sqlite" or "postgres") for one run."""
    if kind == "sqlite":
        yield sqlite_file_url(folder)
        return
    if kind != "postgres":
        raise ValueError(f"unknown database kind {kind!r} (sqlite or postgres)")
    with fresh_postgres_schema(postgres_url) as url:
        yield url
