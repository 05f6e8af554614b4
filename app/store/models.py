"""SQLModel tables: a rehearsal, its turns and its messages.

The rehearsal row carries the whole dialogue state, so any process can serve the next turn.
``turn`` on the rehearsal is the number of user turns taken: a turn is written only if it is
still the number the writer read (optimistic concurrency), and ``(rehearsal_id, turn)`` is
unique in ``rehearsal_turn`` as a second guard. Deleting a rehearsal cascades to the rest.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class RehearsalBase(SQLModel):
    scenario: str = Field(sa_column=Column(String(64), nullable=False))


class Rehearsal(RehearsalBase, table=True):
    __tablename__ = "rehearsal"

    id: str = Field(sa_column=Column(String(32), primary_key=True))
    token_hash: str = Field(sa_column=Column(String(64), nullable=False))
    turn: int = Field(default=0, nullable=False)
    state: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    safety: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False, index=True))


class RehearsalTurn(SQLModel, table=True):
    """One user turn: written in the same transaction as its messages and the new state."""

    __tablename__ = "rehearsal_turn"
    __table_args__ = (UniqueConstraint("rehearsal_id", "turn", name="uq_rehearsal_turn_number"),)

    id: int | None = Field(default=None, primary_key=True)
    rehearsal_id: str = Field(
        sa_column=Column(String(32), ForeignKey("rehearsal.id", ondelete="CASCADE"), nullable=False)
    )
    turn: int = Field(nullable=False)
    coach: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class RehearsalMessage(SQLModel, table=True):
    """One line of the conversation; turn 0 is the spouse's opening line."""

    __tablename__ = "rehearsal_message"
    __table_args__ = (
        UniqueConstraint("rehearsal_id", "turn", "position", name="uq_rehearsal_message_position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    rehearsal_id: str = Field(
        sa_column=Column(String(32), ForeignKey("rehearsal.id", ondelete="CASCADE"), nullable=False)
    )
    turn: int = Field(nullable=False)
    position: int = Field(nullable=False)
    role: str = Field(sa_column=Column(String(16), nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
