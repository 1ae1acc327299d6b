"""Memberships: which people take part in which trajectory (for 'my tasks' and chat replies).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "memberships",
        sa.Column("aad_object_id", sa.String(64), primary_key=True),
        sa.Column(
            "trajectory_id",
            sa.String(64),
            sa.ForeignKey("trajectories.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_index("ix_memberships_trajectory_id", "memberships", ["trajectory_id"])


def downgrade() -> None:
    op.drop_table("memberships")
