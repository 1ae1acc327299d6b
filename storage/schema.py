"""The database schema. Migrations under ``migrations/`` create exactly this."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


metadata = MetaData()

trajectories = Table(
    "trajectories",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("tenant_id", String(64), nullable=True),
    Column("channel_key", String(512), nullable=False),
    Column("product", String(200), nullable=False),
    Column("status", String(16), nullable=False),
    Column("document", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    # retention counts from closing; nothing done to a closed trajectory moves it
    Column("closed_at", UtcDateTime(), nullable=True),
    Column("anonymized_at", UtcDateTime(), nullable=True),
    Index("ix_trajectories_channel", "channel_key", "created_at"),
    Index("ix_trajectories_closed", "closed_at"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("trajectory_id", String(64), ForeignKey("trajectories.id"), nullable=True),
    Column("kind", String(64), nullable=False),
    Column("recipient", JSON, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("not_before", UtcDateTime(), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("claimed_by", String(64), nullable=True),
    Column("claimed_until", UtcDateTime(), nullable=True),
    Column("sent_at", UtcDateTime(), nullable=True),
    Column("sent_activity_id", String(256), nullable=True),
    Column("dead_at", UtcDateTime(), nullable=True),
    Column("last_error", Text, nullable=True),
    Index("ix_outbox_pending", "sent_at", "dead_at", "not_before"),
)

# the task cards the bot sent that can still be acted on: when their trajectory moves on, each is
# drawn again and, once nothing on it can be done any more, updated in place to what happened
open_cards = Table(
    "open_cards",
    metadata,
    Column("id", Integer, ForeignKey("outbox.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "trajectory_id",
        String(64),
        ForeignKey("trajectories.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("activity_id", String(256), nullable=False),
    Column("checked_version", Integer, nullable=False),  # the trajectory's, when last drawn
    Column("claimed_by", String(64), nullable=True),
    Column("claimed_until", UtcDateTime(), nullable=True),
    Index("ix_open_cards_trajectory", "trajectory_id"),
)

timers = Table(
    "timers",
    metadata,
    Column("id", String(256), primary_key=True),  # deterministic: {trajectory}:{step}:{kind}
    Column("trajectory_id", String(64), ForeignKey("trajectories.id"), nullable=True),
    Column("kind", String(64), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("due_at", UtcDateTime(), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("claimed_by", String(64), nullable=True),
    Column("claimed_until", UtcDateTime(), nullable=True),
    Column("fired_at", UtcDateTime(), nullable=True),
    Index("ix_timers_due", "fired_at", "due_at"),
)

inbox = Table(
    "inbox",
    metadata,
    Column("activity_id", String(256), primary_key=True),
    Column("received_at", UtcDateTime(), nullable=False),
)

conversation_refs = Table(
    "conversation_refs",
    metadata,
    Column("conversation_id", String(512), primary_key=True),
    Column("tenant_id", String(64), nullable=True),
    Column("conversation_type", String(32), nullable=False),
    # for personal chats: whose chat it is, so that proactive 1:1 messages can find it
    Column("aad_object_id", String(64), nullable=True, index=True),
    Column("reference", JSON, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("trajectory_id", String(64), nullable=True, index=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("actor", String(64), nullable=True),  # Entra object id, never a display name
    Column("action", String(64), nullable=False),
    Column("detail", JSON, nullable=False),
)

dialog_state = Table(
    "dialog_state",
    metadata,
    Column("key", String(512), primary_key=True),
    Column("etag", String(64), nullable=False),
    Column("document", JSON, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

memberships = Table(
    "memberships",
    metadata,
    Column("aad_object_id", String(64), primary_key=True),
    Column(
        "trajectory_id",
        String(64),
        ForeignKey("trajectories.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)

threads = Table(
    "threads",
    metadata,
    Column(
        "trajectory_id",
        String(64),
        ForeignKey("trajectories.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("conversation_id", String(512), nullable=False),
    Column("activity_id", String(256), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)


# every wasstraat (template and version) trajectories were started with: a running trajectory
# keeps following the one it started with when the deployment moves to a new version
templates = Table(
    "templates",
    metadata,
    Column("key", String(128), primary_key=True),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

app_secrets = Table(
    "app_secrets",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", String(256), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)


# The portfolio (the tab's view of every trajectory): one row per trajectory with what the
# portfolio filters and sorts on, kept beside the trajectory in the same transaction
# (wasstraat.portfolio.facts); its additive counts per trajectory; and their sums per team and
# year ("*" and 0: all), so that a summary reads a few rows however many trajectories there are.
portfolio = Table(
    "portfolio",
    metadata,
    Column(
        "trajectory_id",
        String(64),
        ForeignKey("trajectories.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("tenant_id", String(64), nullable=True),
    Column("team_id", String(512), nullable=False),
    Column("team_name", String(200), nullable=False),
    Column("year", Integer, nullable=False),
    Column("step", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("overdue_at", UtcDateTime(), nullable=True),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("evaluated_at", UtcDateTime(), nullable=True),
    Column("lessons", Text, nullable=False),
    Column("facts_version", Integer, nullable=False),
    Index("ix_portfolio_started", "started_at", "trajectory_id"),
    Index("ix_portfolio_team", "team_id", "started_at"),
    Index("ix_portfolio_evaluated", "evaluated_at"),
)

portfolio_counts = Table(
    "portfolio_counts",
    metadata,
    Column(
        "trajectory_id",
        String(64),
        ForeignKey("trajectories.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("metric", String(80), primary_key=True),
    Column("bucket", String(80), primary_key=True),
    Column("n", Integer, nullable=False),
)

portfolio_totals = Table(
    "portfolio_totals",
    metadata,
    Column("team_id", String(512), primary_key=True),  # "*": every team
    Column("year", Integer, primary_key=True),  # 0: every year
    Column("metric", String(80), primary_key=True),
    Column("bucket", String(80), primary_key=True),
    Column("n", Integer, nullable=False),
)

# every team with trajectories, by the name Teams gave it when its first trajectory started
portfolio_teams = Table(
    "portfolio_teams",
    metadata,
    Column("team_id", String(512), primary_key=True),
    Column("name", String(200), nullable=False),
)

# who is in which team, as Teams told the bot (the roster when roles are given, members added
# and removed): the portfolio shows people their teams' trajectories. Object ids only.
team_members = Table(
    "team_members",
    metadata,
    Column("team_id", String(512), primary_key=True),
    Column("aad_object_id", String(64), primary_key=True, index=True),
)
