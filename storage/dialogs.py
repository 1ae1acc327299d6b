"""Dialog state, with the Bot Framework's Storage semantics (documents serialised by the
caller, an eTag per item)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update

from storage import schema
from storage.base import Repository
from storage.database import dialect_insert
from storage.errors import EtagConflict

ANY_ETAG = "*"


class DialogState(Repository):
    """Read, write (optimistically, by eTag) and delete dialog state."""

    async def read(self, keys: Iterable[str]) -> dict[str, tuple[Any, str]]:
        """``{key: (document, etag)}`` for the keys that exist."""
        keys = list(keys)
        if not keys:
            return {}
        async with self._db.connect() as conn:
            rows = await conn.execute(
                select(
                    schema.dialog_state.c.key,
                    schema.dialog_state.c.document,
                    schema.dialog_state.c.etag,
                ).where(schema.dialog_state.c.key.in_(keys))
            )
            return {row.key: (row.document, row.etag) for row in rows}

    async def write(
        self, key: str, document: Any, *, expected_etag: str | None, now: datetime
    ) -> str:
        """Write one item; returns its new eTag.

        ``expected_etag`` None or ``"*"`` writes unconditionally; any other value must match the
        stored eTag (a missing item matches nothing), else :class:`EtagConflict`.
        """
        etag = uuid.uuid4().hex
        async with self._writer.write() as conn:
            if expected_etag in (None, ANY_ETAG):
                stmt = dialect_insert(conn, schema.dialog_state).values(
                    key=key, etag=etag, document=document, updated_at=now
                )
                await conn.execute(
                    stmt.on_conflict_do_update(
                        index_elements=["key"],
                        set_={"etag": etag, "document": document, "updated_at": now},
                    )
                )
            else:
                result = await conn.execute(
                    update(schema.dialog_state)
                    .where(
                        schema.dialog_state.c.key == key,
                        schema.dialog_state.c.etag == expected_etag,
                    )
                    .values(etag=etag, document=document, updated_at=now)
                )
                if result.rowcount != 1:
                    raise EtagConflict(key)
        return etag

    async def delete(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        if not keys:
            return
        async with self._writer.write() as conn:
            await conn.execute(
                delete(schema.dialog_state).where(schema.dialog_state.c.key.in_(keys))
            )
