"""What only tests read from the store: every outbox row, timer and audit entry as stored."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, select

from storage import Store, schema


class ReadingStore:
    """The bot's store, with the readers only tests need beside it."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    @property
    def store(self) -> Store:
        return self._store

    async def _rows(self, table: Table, *order: Any, trajectory_id: str | None) -> list[dict]:
        query = select(table).order_by(*order)
        if trajectory_id is not None:
            query = query.where(table.c.trajectory_id == trajectory_id)
        async with self._store.database.connect() as conn:
            return [dict(row._mapping) for row in await conn.execute(query)]

    async def outbox_messages(self, *, trajectory_id: str | None = None) -> list[dict[str, Any]]:
        outbox = schema.outbox
        return await self._rows(outbox, outbox.c.id, trajectory_id=trajectory_id)

    async def timer_rows(self, *, trajectory_id: str | None = None) -> list[dict[str, Any]]:
        timers = schema.timers
        return await self._rows(timers, timers.c.due_at, timers.c.id, trajectory_id=trajectory_id)

    async def audit_entries(self, *, trajectory_id: str | None = None) -> list[dict[str, Any]]:
        audit = schema.audit
        return await self._rows(audit, audit.c.id, trajectory_id=trajectory_id)
