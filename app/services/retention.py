"""Retention: rehearsals untouched for longer than the retention period are deleted."""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import col

from app.services.rehearsals import Rehearsals, now_utc
from app.store.database import write_scope
from app.store.models import Rehearsal


def purge_expired(ctx: Rehearsals) -> int:
    """Delete expired rehearsals (their turns and messages go with them); return how many."""
    cutoff = now_utc(ctx) - ctx.retention
    with write_scope(ctx.engine) as session:
        result = session.execute(
            delete(Rehearsal)
            .where(col(Rehearsal.updated_at) < cutoff)
            .execution_options(synchronize_session=False)
        )
        session.commit()
        return int(result.rowcount)  # type: ignore[attr-defined]
