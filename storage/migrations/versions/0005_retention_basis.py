"""Retention counts from closing: when a trajectory closed, and when it was anonymised.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from storage.schema import UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("trajectories") as batch:
        batch.add_column(sa.Column("closed_at", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("anonymized_at", UtcDateTime(), nullable=True))
        batch.create_index("ix_trajectories_closed", ["closed_at"])
    # the best basis there is for trajectories closed before this column: their last change
    op.execute(
        "UPDATE trajectories SET closed_at = updated_at "
        "WHERE status IN ('finished', 'cancelled')"
    )


def downgrade() -> None:
    with op.batch_alter_table("trajectories") as batch:
        batch.drop_index("ix_trajectories_closed")
        batch.drop_column("anonymized_at")
        batch.drop_column("closed_at")
