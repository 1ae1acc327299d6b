"""The portfolio: a row per trajectory to filter and sort on, its counts and their totals, the
teams and their names, and the members of each team. Existing trajectories are added by the application at start-up
(``Store.refresh_portfolio``), which computes their facts.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from storage.schema import UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "portfolio",
        sa.Column(
            "trajectory_id",
            sa.String(64),
            sa.ForeignKey("trajectories.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("tenant_id", sa.String(64), nullable=True),
        sa.Column("team_id", sa.String(512), nullable=False),
        sa.Column("team_name", sa.String(200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("overdue_at", UtcDateTime(), nullable=True),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("evaluated_at", UtcDateTime(), nullable=True),
        sa.Column("lessons", sa.Text(), nullable=False),
        sa.Column("facts_version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_portfolio_started", "portfolio", ["started_at", "trajectory_id"])
    op.create_index("ix_portfolio_team", "portfolio", ["team_id", "started_at"])
    op.create_index("ix_portfolio_evaluated", "portfolio", ["evaluated_at"])
    op.create_table(
        "portfolio_counts",
        sa.Column(
            "trajectory_id",
            sa.String(64),
            sa.ForeignKey("trajectories.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("metric", sa.String(80), primary_key=True),
        sa.Column("bucket", sa.String(80), primary_key=True),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    op.create_table(
        "portfolio_totals",
        sa.Column("team_id", sa.String(512), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("metric", sa.String(80), primary_key=True),
        sa.Column("bucket", sa.String(80), primary_key=True),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    op.create_table(
        "portfolio_teams",
        sa.Column("team_id", sa.String(512), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
    )
    op.create_table(
        "team_members",
        sa.Column("team_id", sa.String(512), primary_key=True),
        sa.Column("aad_object_id", sa.String(64), primary_key=True),
    )
    op.create_index("ix_team_members_aad_object_id", "team_members", ["aad_object_id"])


def downgrade() -> None:
    op.drop_table("team_members")
    op.drop_table("portfolio_teams")
    op.drop_table("portfolio_totals")
    op.drop_table("portfolio_counts")
    op.drop_table("portfolio")
