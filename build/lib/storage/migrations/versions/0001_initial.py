"""Initial schema: trajectories, outbox, timers, inbox, conversation references, audit, dialog state.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

from storage.schema import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trajectories",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=True),
        sa.Column("channel_key", sa.String(512), nullable=False),
        sa.Column("product", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_trajectories_channel", "trajectories", ["channel_key", "created_at"])

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("trajectory_id", sa.String(64), sa.ForeignKey("trajectories.id"), nullable=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("recipient", sa.JSON, nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("not_before", UtcDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("claimed_until", UtcDateTime(), nullable=True),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        sa.Column("sent_activity_id", sa.String(256), nullable=True),
        sa.Column("dead_at", UtcDateTime(), nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
    )
    op.create_index("ix_outbox_pending", "outbox", ["sent_at", "dead_at", "not_before"])

    op.create_table(
        "timers",
        sa.Column("id", sa.String(256), primary_key=True),
        sa.Column("trajectory_id", sa.String(64), sa.ForeignKey("trajectories.id"), nullable=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("due_at", UtcDateTime(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("claimed_until", UtcDateTime(), nullable=True),
        sa.Column("fired_at", UtcDateTime(), nullable=True),
    )
    op.create_index("ix_timers_due", "timers", ["fired_at", "due_at"])

    op.create_table(
        "inbox",
        sa.Column("activity_id", sa.String(256), primary_key=True),
        sa.Column("received_at", UtcDateTime(), nullable=False),
    )

    op.create_table(
        "conversation_refs",
        sa.Column("conversation_id", sa.String(512), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=True),
        sa.Column("conversation_type", sa.String(32), nullable=False),
        sa.Column("aad_object_id", sa.String(64), nullable=True),
        sa.Column("reference", sa.JSON, nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_index(
        "ix_conversation_refs_aad_object_id", "conversation_refs", ["aad_object_id"]
    )

    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("trajectory_id", sa.String(64), nullable=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_index("ix_audit_trajectory_id", "audit", ["trajectory_id"])

    op.create_table(
        "dialog_state",
        sa.Column("key", sa.String(512), primary_key=True),
        sa.Column("etag", sa.String(64), nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "dialog_state",
        "audit",
        "conversation_refs",
        "inbox",
        "timers",
        "outbox",
        "trajectories",
    ):
        op.drop_table(table)
