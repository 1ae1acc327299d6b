"""What every repository shares: the database, the one queue of writers on SQLite, and the
lease by which replicas share work (outbox messages, timers)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, or_, select, update

from storage.database import Conn, Database


class Writer:
    """Opens write transactions. SQLite has one writer at a time; queueing writers here
    (instead of in SQLite's busy handler) keeps a busy event loop from turning lock waits into
    "database is locked". Every repository of one store shares it."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._lock = asyncio.Lock() if database.dialect == "sqlite" else None

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Conn]:
        if self._lock is None:
            async with self.database.begin() as conn:
                yield conn
            return
        async with self._lock, self.database.begin() as conn:
            yield conn


class Repository:
    """One concept's rows, read and written through the store's database and writer."""

    def __init__(self, writer: Writer) -> None:
        self._writer = writer
        self._db = writer.database


async def claim(
    writer: Writer,
    table: Table,
    due: list[Any],
    *,
    order_by: list[Any],
    worker: str,
    until: datetime,
    now: datetime,
    limit: int,
) -> list[dict[str, Any]]:
    """Lease the due rows of ``table`` (outbox or timers) that nobody holds a live lease on;
    on PostgreSQL concurrent claimers skip each other's rows (SKIP LOCKED)."""
    async with writer.write() as conn:
        query = (
            select(table.c.id)
            .where(*due, or_(table.c.claimed_until.is_(None), table.c.claimed_until < now))
            .order_by(*order_by)
            .limit(limit)
        )
        if conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = await conn.execute(
            update(table)
            .where(table.c.id.in_(query.scalar_subquery()))
            .values(claimed_by=worker, claimed_until=until)
            .returning(*table.c)
        )
        return [dict(row._mapping) for row in rows]


def quoted(value: str) -> str:
    """A string as stored JSON writes it: a whole value or key, not a fragment."""
    return json.dumps(value)


def aware(moment: datetime | None) -> datetime | None:
    """Aggregates (min/max) skip the column type: make them aware UTC again."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
