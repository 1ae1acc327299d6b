"""Where the bot reaches people: the conversation references Teams gave it (1:1 chats,
channels, group chats) and the channel post of each trajectory."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from storage import schema
from storage.base import Repository
from storage.database import dialect_insert


class References(Repository):
    """Conversation references and channel threads."""

    async def save(
        self,
        *,
        conversation_id: str,
        conversation_type: str,
        reference: Mapping[str, Any],
        now: datetime,
        tenant_id: str | None = None,
        aad_object_id: str | None = None,
        keep_existing: bool = False,
    ) -> None:
        values = {
            "conversation_id": conversation_id,
            "tenant_id": tenant_id,
            "conversation_type": conversation_type,
            "aad_object_id": aad_object_id,
            "reference": dict(reference),
            "updated_at": now,
        }
        async with self._writer.write() as conn:
            stmt = dialect_insert(conn, schema.conversation_refs).values(**values)
            if keep_existing:
                await conn.execute(stmt.on_conflict_do_nothing(index_elements=["conversation_id"]))
                return
            await conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["conversation_id"],
                    set_={k: v for k, v in values.items() if k != "conversation_id"},
                )
            )

    async def forget(self, conversation_id: str) -> None:
        """Delete a conversation's stored reference (the app was removed from it)."""
        async with self._writer.write() as conn:
            await conn.execute(
                delete(schema.conversation_refs).where(
                    schema.conversation_refs.c.conversation_id == conversation_id
                )
            )

    async def of_conversation(self, conversation_id: str) -> dict[str, Any] | None:
        async with self._db.connect() as conn:
            reference = await conn.scalar(
                select(schema.conversation_refs.c.reference).where(
                    schema.conversation_refs.c.conversation_id == conversation_id
                )
            )
        return None if reference is None else dict(reference)

    async def personal(self, aad_object_id: str) -> dict[str, Any] | None:
        """The stored 1:1 chat with a person, if the bot has one."""
        async with self._db.connect() as conn:
            reference = await conn.scalar(
                select(schema.conversation_refs.c.reference)
                .where(
                    schema.conversation_refs.c.aad_object_id == aad_object_id,
                    schema.conversation_refs.c.conversation_type == "personal",
                )
                .order_by(schema.conversation_refs.c.updated_at.desc())
                .limit(1)
            )
        return None if reference is None else dict(reference)

    async def user_ids(self, aad_object_ids: Collection[str]) -> dict[str, str]:
        """The Teams user ids (``29:…``) of these people, by object id, from their 1:1 chats
        with the bot (someone the bot never wrote to is left out)."""
        if not aad_object_ids:
            return {}
        table = schema.conversation_refs
        async with self._db.connect() as conn:
            rows = await conn.execute(
                select(table.c.aad_object_id, table.c.reference)
                .where(
                    table.c.aad_object_id.in_(sorted(aad_object_ids)),
                    table.c.conversation_type == "personal",
                )
                .order_by(table.c.updated_at)
            )
            found: dict[str, str] = {}
            for row in rows:
                user = (row.reference or {}).get("user") or {}
                if isinstance(user.get("id"), str) and user["id"]:
                    found[row.aad_object_id] = user["id"]
        return found

    async def thread(self, trajectory_id: str) -> tuple[str, str] | None:
        """(conversation id, activity id) of the trajectory's channel post, if posted."""
        async with self._db.connect() as conn:
            row = (
                await conn.execute(
                    select(schema.threads.c.conversation_id, schema.threads.c.activity_id).where(
                        schema.threads.c.trajectory_id == trajectory_id
                    )
                )
            ).first()
        return None if row is None else (row.conversation_id, row.activity_id)

    async def save_thread(
        self, trajectory_id: str, *, conversation_id: str, activity_id: str, now: datetime
    ) -> None:
        async with self._writer.write() as conn:
            await conn.execute(
                dialect_insert(conn, schema.threads)
                .values(
                    trajectory_id=trajectory_id,
                    conversation_id=conversation_id,
                    activity_id=activity_id,
                    created_at=now,
                )
                .on_conflict_do_nothing(index_elements=["trajectory_id"])
            )
