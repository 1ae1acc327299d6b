"""The task cards that can still be acted on, to update in place once their task is over.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from storage.schema import UtcDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "open_cards",
        sa.Column(
            "id", sa.Integer(), sa.ForeignKey("outbox.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(
            "trajectory_id",
            sa.String(64),
            sa.ForeignKey("trajectories.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("activity_id", sa.String(256), nullable=False),
        sa.Column("checked_version", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("claimed_until", UtcDateTime(), nullable=True),
    )
    op.create_index("ix_open_cards_trajectory", "open_cards", ["trajectory_id"])


def downgrade() -> None:
    op.drop_index("ix_open_cards_trajectory", table_name="open_cards")
    op.drop_table("open_cards")
