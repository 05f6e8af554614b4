"""Rehearsals, their turns and their messages.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rehearsal",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("scenario", sa.String(64), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("turn", sa.Integer(), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("safety", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_rehearsal_updated_at", "rehearsal", ["updated_at"])
    op.create_table(
        "rehearsal_turn",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "rehearsal_id", sa.String(32), sa.ForeignKey("rehearsal.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("turn", sa.Integer(), nullable=False),
        sa.Column("coach", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("rehearsal_id", "turn", name="uq_rehearsal_turn_number"),
    )
    op.create_table(
        "rehearsal_message",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "rehearsal_id", sa.String(32), sa.ForeignKey("rehearsal.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("turn", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.UniqueConstraint("rehearsal_id", "turn", "position", name="uq_rehearsal_message_position"),
    )


def downgrade() -> None:
    op.drop_table("rehearsal_message")
    op.drop_table("rehearsal_turn")
    op.drop_index("ix_rehearsal_updated_at", table_name="rehearsal")
    op.drop_table("rehearsal")
