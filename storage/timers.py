"""Timers: a moment a trajectory waits for (a deadline, the evaluation, a follow-up), set in
the transaction that decided it and fired once by whichever replica claims it when due."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update

from storage import schema
from storage.base import Repository, claim
from storage.database import Conn, dialect_insert


async def set_timer(
    conn: Conn,
    *,
    timer_id: str,
    kind: str,
    due_at: datetime,
    now: datetime,
    trajectory_id: str | None = None,
    payload: Mapping[str, Any] | None = None,
) -> None:
    """Create or move a timer; its id is deterministic, so setting it again replaces it."""
    stmt = dialect_insert(conn, schema.timers).values(
        id=timer_id,
        trajectory_id=trajectory_id,
        kind=kind,
        payload=dict(payload or {}),
        due_at=due_at,
        created_at=now,
    )
    await conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["id"],
            set_={
                "due_at": due_at,
                "payload": dict(payload or {}),
                "fired_at": None,
                "claimed_by": None,
                "claimed_until": None,
            },
        )
    )


async def cancel_timer(conn: Conn, timer_id: str) -> None:
    await conn.execute(delete(schema.timers).where(schema.timers.c.id == timer_id))


class Timers(Repository):
    """Claiming due timers and settling them."""

    async def claim_due(
        self, *, worker: str, now: datetime, lease: timedelta, limit: int = 500
    ) -> list[dict[str, Any]]:
        """Lease due, unfired timers to ``worker`` (a timer whose lease ran out is claimed
        again); on PostgreSQL concurrent sweeps skip each other's rows."""
        table = schema.timers
        rows = await claim(
            self._writer,
            table,
            [table.c.fired_at.is_(None), table.c.due_at <= now],
            order_by=[table.c.due_at, table.c.id],
            worker=worker,
            until=now + lease,
            now=now,
            limit=limit,
        )
        return sorted(rows, key=lambda row: (row["due_at"], row["id"]))

    async def mark_fired(
        self, timer_id: str, *, worker: str, due_at: datetime, now: datetime
    ) -> None:
        """Fired, unless the timer was moved meanwhile (then it waits for its new moment)."""
        async with self._writer.write() as conn:
            await conn.execute(
                update(schema.timers)
                .where(
                    schema.timers.c.id == timer_id,
                    schema.timers.c.claimed_by == worker,
                    schema.timers.c.due_at == due_at,
                )
                .values(fired_at=now, claimed_until=None)
            )

    async def release(self, timer_id: str, *, worker: str) -> None:
        async with self._writer.write() as conn:
            await conn.execute(
                update(schema.timers)
                .where(schema.timers.c.id == timer_id, schema.timers.c.claimed_by == worker)
                .values(claimed_by=None, claimed_until=None)
            )

    async def next_due(self) -> datetime | None:
        async with self._db.connect() as conn:
            due: datetime | None = await conn.scalar(
                select(func.min(schema.timers.c.due_at)).where(schema.timers.c.fired_at.is_(None))
            )
        if due is not None and due.tzinfo is None:
            due = due.replace(tzinfo=UTC)
        return due
