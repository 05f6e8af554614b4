"""Alembic environment: uses the connection weframe hands over, or builds one from Settings."""

from __future__ import annotations

from alembic import context
from app.store.models import SQLModel

target_metadata = SQLModel.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from app.settings import get_settings
    from app.store.database import make_engine

    settings = get_settings()
    engine = make_engine(settings.effective_database_url(), busy_timeout_ms=settings.sqlite_busy_timeout_ms)
    try:
        with engine.begin() as new_connection:
            _run(new_connection)
    finally:
        engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("weframe migrations run online only: use `alembic upgrade head`.")
run_migrations()
