"""Persistence: SQLModel tables, the engine (SQLite or PostgreSQL) and the migrations runner."""

from app.store.database import is_sqlite, make_engine, ping, session_scope, write_scope
from app.store.migrations import upgrade_to_head
from app.store.models import Rehearsal, RehearsalMessage, RehearsalTurn

__all__ = [
    "Rehearsal",
    "RehearsalMessage",
    "RehearsalTurn",
    "is_sqlite",
    "make_engine",
    "ping",
    "session_scope",
    "upgrade_to_head",
    "write_scope",
]
