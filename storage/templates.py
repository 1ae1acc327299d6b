"""Every template a trajectory was started with, kept under its key, so that a running
trajectory keeps following the wasstraat it began with."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from storage import schema
from storage.base import Repository
from storage.database import dialect_insert


class Templates(Repository):
    """Keep a template's text; read every one kept."""

    async def keep(self, key: str, body: str, *, now: datetime) -> None:
        """Keep a template's text under its key (the first one kept under a key stays)."""
        async with self._writer.write() as conn:
            await conn.execute(
                dialect_insert(conn, schema.templates)
                .values(key=key, body=body, created_at=now)
                .on_conflict_do_nothing(index_elements=["key"])
            )

    async def kept(self) -> dict[str, str]:
        """Every template kept, by key."""
        async with self._db.connect() as conn:
            rows = await conn.execute(select(schema.templates.c.key, schema.templates.c.body))
            return {str(key): str(body) for key, body in rows}
