"""Personal data (AVG): what is stored about a person, found for an export, and taken out of
a trajectory's rows when its people are pseudonymised."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Text, cast, delete, or_, select, update

from storage import schema
from storage.base import Repository, quoted
from storage.database import Conn
from storage.documents import CLOSED_STATUSES, DOCUMENT, read_document
from wasstraat.model import Trajectory
from wasstraat.privacy import names_person, replace_ids


async def pseudonymize_rows(conn: Conn, trajectory_id: str, mapping: Mapping[str, str]) -> None:
    """After the trajectory's document was pseudonymised: its audit rows under the
    pseudonyms (actor and detail); its messages and timers that name a replaced person,
    and every message already delivered (they carry names), deleted; the conversation
    references of replaced people who take part in nothing any more, deleted; channel
    references that name them as the last sender, without that sender."""
    mapping = dict(mapping)
    audit, outbox, timers = schema.audit, schema.outbox, schema.timers
    rows = await conn.execute(
        select(audit.c.id, audit.c.actor, audit.c.detail).where(
            audit.c.trajectory_id == trajectory_id
        )
    )
    for row in rows.all():
        actor = mapping.get(row.actor, row.actor) if row.actor else row.actor
        detail = replace_ids(row.detail, mapping)
        if actor != row.actor or detail != row.detail:
            await conn.execute(
                update(audit).where(audit.c.id == row.id).values(actor=actor, detail=detail)
            )
    messages = await conn.execute(
        select(outbox.c.id, outbox.c.recipient, outbox.c.payload, outbox.c.sent_at)
        .add_columns(outbox.c.dead_at)
        .where(outbox.c.trajectory_id == trajectory_id)
    )
    doomed = [
        row.id
        for row in messages.all()
        if row.sent_at is not None
        or row.dead_at is not None
        or any(names_person([row.recipient, row.payload], old) for old in mapping)
    ]
    if doomed:
        await conn.execute(delete(outbox).where(outbox.c.id.in_(doomed)))
    due = await conn.execute(
        select(timers.c.id, timers.c.payload).where(timers.c.trajectory_id == trajectory_id)
    )
    stale = [row.id for row in due.all() if any(names_person(row.payload, o) for o in mapping)]
    if stale:
        await conn.execute(delete(timers).where(timers.c.id.in_(stale)))
    await _forget_references(conn, list(mapping))


async def _forget_references(conn: Conn, people: list[str]) -> None:
    refs, members = schema.conversation_refs, schema.memberships
    for person in people:
        still_member = (
            select(members.c.aad_object_id).where(members.c.aad_object_id == person).exists()
        )
        await conn.execute(delete(refs).where(refs.c.aad_object_id == person, ~still_member))
        # nor which team they were in, once they take part in no trajectory any more
        team_members = schema.team_members
        await conn.execute(
            delete(team_members).where(team_members.c.aad_object_id == person, ~still_member)
        )
        naming = await conn.execute(
            select(refs.c.conversation_id, refs.c.reference).where(
                refs.c.conversation_type != "personal",
                cast(refs.c.reference, Text).contains(quoted(person), autoescape=True),
            )
        )
        for row in naming.all():
            if names_person(row.reference.get("user"), person):
                await conn.execute(
                    update(refs)
                    .where(refs.c.conversation_id == row.conversation_id)
                    .values(reference={**row.reference, "user": None})
                )


class PersonalData(Repository):
    """Finding what is stored about a person, and the trajectories due for anonymising."""

    async def trajectories_mentioning(self, aad_object_id: str) -> list[Trajectory]:
        """Every trajectory whose document names the person (roles, answers, audit …): the whole
        id as a value or a key, never a fragment of something else."""
        document = cast(schema.trajectories.c.document, Text)
        async with self._db.connect() as conn:
            rows = await conn.scalars(
                select(DOCUMENT)
                .where(document.contains(quoted(aad_object_id), autoescape=True))
                .order_by(schema.trajectories.c.created_at)
            )
            found = [read_document(row) for row in rows]
        return [t for t in found if names_person(t.model_dump(mode="json"), aad_object_id)]

    async def closed_before(self, cutoff: datetime, *, limit: int = 100) -> list[Trajectory]:
        """Finished or cancelled trajectories, not yet anonymised, that closed before
        ``cutoff`` (whatever was done to them since)."""
        table = schema.trajectories
        async with self._db.connect() as conn:
            rows = await conn.scalars(
                select(DOCUMENT)
                .where(
                    table.c.status.in_(CLOSED_STATUSES),
                    table.c.closed_at < cutoff,
                    table.c.anonymized_at.is_(None),
                )
                .order_by(table.c.closed_at)
                .limit(limit)
            )
            return [read_document(row) for row in rows]

    async def audit(self, aad_object_id: str) -> list[dict[str, Any]]:
        """Audit entries made by the person or naming them in their detail (outside any
        trajectory's document too)."""
        audit = schema.audit
        async with self._db.connect() as conn:
            rows = await conn.execute(
                select(audit)
                .where(
                    or_(
                        audit.c.actor == aad_object_id,
                        cast(audit.c.detail, Text).contains(quoted(aad_object_id), autoescape=True),
                    )
                )
                .order_by(audit.c.id)
            )
            found = [dict(row._mapping) for row in rows]
        return [
            row
            for row in found
            if row["actor"] == aad_object_id or names_person(row["detail"], aad_object_id)
        ]

    async def rows(self, aad_object_id: str) -> dict[str, list[dict[str, Any]]]:
        """Everything else stored under the person's id: messages to or about them, their
        conversation references and memberships (for an AVG export)."""
        needle = quoted(aad_object_id)
        outbox, refs, members = schema.outbox, schema.conversation_refs, schema.memberships
        async with self._db.connect() as conn:
            messages = await conn.execute(
                select(outbox)
                .where(
                    or_(
                        cast(outbox.c.recipient, Text).contains(needle, autoescape=True),
                        cast(outbox.c.payload, Text).contains(needle, autoescape=True),
                    )
                )
                .order_by(outbox.c.id)
            )
            references = await conn.execute(
                select(refs).where(
                    or_(
                        refs.c.aad_object_id == aad_object_id,
                        cast(refs.c.reference, Text).contains(needle, autoescape=True),
                    )
                )
            )
            memberships = await conn.execute(
                select(members).where(members.c.aad_object_id == aad_object_id)
            )
            result = {
                "outbox": [dict(row._mapping) for row in messages],
                "conversation_references": [dict(row._mapping) for row in references],
                "memberships": [dict(row._mapping) for row in memberships],
            }
        result["outbox"] = [
            row
            for row in result["outbox"]
            if names_person([row["recipient"], row["payload"]], aad_object_id)
        ]
        result["conversation_references"] = [
            row
            for row in result["conversation_references"]
            if row["aad_object_id"] == aad_object_id
            or names_person(row["reference"], aad_object_id)
        ]
        return result
