"""The narrow async storage interface the bot uses. Every write that matters is one transaction."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Collection, Iterable, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import (
    Text,
    bindparam,
    cast,
    delete,
    false,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from storage import portfolio, schema
from storage.database import Conn, Database, dialect_insert
from storage.documents import DOCUMENT as _DOCUMENT
from storage.documents import ReadCache, read_document
from storage.errors import AlreadyProcessed, EtagConflict, StaleVersion
from wasstraat.model import AuditEntry, Trajectory, TrajectoryStatus
from wasstraat.privacy import names_person, replace_ids

ANY_ETAG = "*"
# the audit action of a card action the bot refused (kept, but not part of a trajectory's history)
REFUSED = "card_action.refused"

# Statements of every turn, built once (their parameters come with each execution).
_SELECT_INBOX = select(schema.inbox.c.activity_id).where(
    schema.inbox.c.activity_id == bindparam("activity_id")
)
_INSERT_INBOX = schema.inbox.insert().values(
    activity_id=bindparam("activity_id"), received_at=bindparam("at")
)
_UPDATE_TRAJECTORY = (
    update(schema.trajectories)
    .where(
        schema.trajectories.c.id == bindparam("trajectory_id"),
        schema.trajectories.c.version == bindparam("expected_version"),
    )
    .values(
        product=bindparam("product"),
        status=bindparam("status"),
        document=bindparam("document"),
        version=bindparam("version"),
        updated_at=bindparam("updated_at"),
        # set once, when the trajectory closes: the basis of retention
        closed_at=func.coalesce(schema.trajectories.c.closed_at, bindparam("closed_at")),
        anonymized_at=bindparam("anonymized_at"),
    )
)
CLOSED_STATUSES = (TrajectoryStatus.FINISHED.value, TrajectoryStatus.CANCELLED.value)
_SELECT_DOCUMENT = select(_DOCUMENT).where(schema.trajectories.c.id == bindparam("id"))


def _quoted(value: str) -> str:
    """A string as stored JSON writes it: a whole value or key, not a fragment."""
    return json.dumps(value)


def _aware(moment: datetime | None) -> datetime | None:
    """Aggregates (min/max) skip the column type: make them aware UTC again."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _closed_at(trajectory: Trajectory, now: datetime) -> datetime | None:
    """When a write closes the trajectory, now (a closed one keeps its first closing time)."""
    return now if trajectory.status.value in CLOSED_STATUSES else None


class Transaction:
    """Writes inside one database transaction; obtained from :meth:`Store.transaction`."""

    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def insert_trajectory(self, trajectory: Trajectory, *, now: datetime) -> None:
        await self._conn.execute(
            schema.trajectories.insert().values(
                id=trajectory.id,
                tenant_id=trajectory.binding.tenant_id,
                channel_key=trajectory.binding.channel_key,
                product=trajectory.product,
                status=trajectory.status.value,
                document=trajectory.model_dump(mode="json"),
                version=trajectory.version,
                created_at=trajectory.created_at,
                updated_at=now,
                closed_at=_closed_at(trajectory, now),
                anonymized_at=trajectory.anonymized_at,
            )
        )
        await self._set_members(trajectory)
        await portfolio.keep(self._conn, trajectory)

    async def _set_members(self, trajectory: Trajectory) -> None:
        """Keep the person → trajectory index in step with the role holders."""
        await self._conn.execute(
            delete(schema.memberships).where(schema.memberships.c.trajectory_id == trajectory.id)
        )
        people = {p.aad_object_id for p in trajectory.members()} | {
            s.substitute.aad_object_id for subs in trajectory.substitutes.values() for s in subs
        }
        if people:
            await self._conn.execute(
                schema.memberships.insert(),
                [{"aad_object_id": p, "trajectory_id": trajectory.id} for p in sorted(people)],
            )

    async def update_trajectory(
        self,
        trajectory: Trajectory,
        *,
        expected_version: int,
        now: datetime,
        members_changed: bool = True,
        before: Trajectory | None = None,
    ) -> None:
        """Write the new state if the stored version is still ``expected_version``;
        ``before``: that stored version, when the caller has it (the portfolio then writes
        only what the change moved there)."""
        result = await self._conn.execute(
            _UPDATE_TRAJECTORY,
            {
                "trajectory_id": trajectory.id,
                "expected_version": expected_version,
                "product": trajectory.product,
                "status": trajectory.status.value,
                "document": trajectory.model_dump(mode="json"),
                "version": trajectory.version,
                "updated_at": now,
                "closed_at": _closed_at(trajectory, now),
                "anonymized_at": trajectory.anonymized_at,
            },
        )
        if result.rowcount != 1:
            raise StaleVersion(trajectory.id)
        if members_changed:
            await self._set_members(trajectory)
        if before is not None and before.version != expected_version:
            before = None  # not the stored version: read what is stored instead
        await portfolio.keep(self._conn, trajectory, before=before)

    async def add_outbox(
        self,
        *,
        kind: str,
        recipient: Mapping[str, Any],
        payload: Mapping[str, Any],
        now: datetime,
        trajectory_id: str | None = None,
        not_before: datetime | None = None,
    ) -> None:
        row = {"kind": kind, "recipient": recipient, "payload": payload}
        await self.add_outbox_many(
            [{**row, "trajectory_id": trajectory_id, "not_before": not_before}], now=now
        )

    async def add_outbox_many(self, rows: list[dict[str, Any]], *, now: datetime) -> None:
        """Several outbox messages in one statement (``kind``, ``recipient``, ``payload``,
        ``trajectory_id``, ``not_before``)."""
        if rows:
            await self._conn.execute(
                schema.outbox.insert(),
                [
                    {
                        "trajectory_id": row.get("trajectory_id"),
                        "kind": row["kind"],
                        "recipient": dict(row["recipient"]),
                        "payload": dict(row["payload"]),
                        "created_at": now,
                        "not_before": row.get("not_before") or now,
                        "attempts": 0,
                    }
                    for row in rows
                ],
            )

    async def audit_many(self, rows: list[dict[str, Any]]) -> None:
        """Several audit entries in one statement (``action``, ``at``, ``actor``,
        ``trajectory_id``, ``detail``)."""
        if rows:
            await self._conn.execute(
                schema.audit.insert(),
                [{**row, "detail": dict(row.get("detail") or {})} for row in rows],
            )

    async def set_timer(
        self,
        *,
        timer_id: str,
        kind: str,
        due_at: datetime,
        now: datetime,
        trajectory_id: str | None = None,
        payload: Mapping[str, Any] | None = None,
    ) -> None:
        """Create or move a timer; its id is deterministic, so setting it again replaces it."""
        stmt = dialect_insert(self._conn, schema.timers).values(
            id=timer_id,
            trajectory_id=trajectory_id,
            kind=kind,
            payload=dict(payload or {}),
            due_at=due_at,
            created_at=now,
        )
        await self._conn.execute(
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

    async def cancel_timer(self, timer_id: str) -> None:
        await self._conn.execute(delete(schema.timers).where(schema.timers.c.id == timer_id))

    async def audit(
        self,
        *,
        action: str,
        at: datetime,
        actor: str | None,
        trajectory_id: str | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        await self.audit_many(
            [
                {
                    "trajectory_id": trajectory_id,
                    "at": at,
                    "actor": actor,
                    "action": action,
                    "detail": detail,
                }
            ]
        )

    async def pseudonymize_rows(self, trajectory_id: str, mapping: Mapping[str, str]) -> None:
        """After the trajectory's document was pseudonymised: its audit rows under the
        pseudonyms (actor and detail); its messages and timers that name a replaced person,
        and every message already delivered (they carry names), deleted; the conversation
        references of replaced people who take part in nothing any more, deleted; channel
        references that name them as the last sender, without that sender."""
        mapping = dict(mapping)
        audit, outbox, timers = schema.audit, schema.outbox, schema.timers
        rows = await self._conn.execute(
            select(audit.c.id, audit.c.actor, audit.c.detail).where(
                audit.c.trajectory_id == trajectory_id
            )
        )
        for row in rows.all():
            actor = mapping.get(row.actor, row.actor) if row.actor else row.actor
            detail = replace_ids(row.detail, mapping)
            if actor != row.actor or detail != row.detail:
                await self._conn.execute(
                    update(audit).where(audit.c.id == row.id).values(actor=actor, detail=detail)
                )
        messages = await self._conn.execute(
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
            await self._conn.execute(delete(outbox).where(outbox.c.id.in_(doomed)))
        due = await self._conn.execute(
            select(timers.c.id, timers.c.payload).where(timers.c.trajectory_id == trajectory_id)
        )
        stale = [row.id for row in due.all() if any(names_person(row.payload, o) for o in mapping)]
        if stale:
            await self._conn.execute(delete(timers).where(timers.c.id.in_(stale)))
        await self._forget_references(list(mapping))

    async def _forget_references(self, people: list[str]) -> None:
        refs, members = schema.conversation_refs, schema.memberships
        for person in people:
            still_member = (
                select(members.c.aad_object_id).where(members.c.aad_object_id == person).exists()
            )
            await self._conn.execute(
                delete(refs).where(refs.c.aad_object_id == person, ~still_member)
            )
            # nor which team they were in, once they take part in no trajectory any more
            team_members = schema.team_members
            await self._conn.execute(
                delete(team_members).where(team_members.c.aad_object_id == person, ~still_member)
            )
            naming = await self._conn.execute(
                select(refs.c.conversation_id, refs.c.reference).where(
                    refs.c.conversation_type != "personal",
                    cast(refs.c.reference, Text).contains(_quoted(person), autoescape=True),
                )
            )
            for row in naming.all():
                if names_person(row.reference.get("user"), person):
                    await self._conn.execute(
                        update(refs)
                        .where(refs.c.conversation_id == row.conversation_id)
                        .values(reference={**row.reference, "user": None})
                    )


class OutboxRow(BaseModel):
    """A claimed outbox message: whom it is for, what kind, its payload (read as its typed
    message body by the dispatcher, which sets aside one that does not fit), and how often it
    was tried."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: int
    kind: str
    recipient: dict[str, Any]  # a person {aad_object_id, name} or a channel {channel, …}
    payload: dict[str, Any]
    attempts: int
    trajectory_id: str | None = None


class Store:
    """Repositories for trajectories, inbox, outbox, timers, audit, references and dialog state."""

    def __init__(self, database: Database) -> None:
        self._db = database
        # SQLite has one writer at a time; queueing writers here (instead of in SQLite's busy
        # handler) keeps a busy event loop from turning lock waits into "database is locked".
        self._write_lock = asyncio.Lock() if database.dialect == "sqlite" else None
        # the portfolio tab's pages: trajectories as last read, parsed again only when changed
        self._portfolio_cache = ReadCache()

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[Conn]:
        if self._write_lock is None:
            async with self._db.begin() as conn:
                yield conn
            return
        async with self._write_lock, self._db.begin() as conn:
            yield conn

    @property
    def database(self) -> Database:
        return self._db

    @asynccontextmanager
    async def transaction(
        self, *, activity_id: str | None = None, now: datetime
    ) -> AsyncIterator[Transaction]:
        """One transaction. With ``activity_id`` it also records the activity in the inbox
        first, so a redelivered activity raises :class:`AlreadyProcessed` and changes nothing."""
        try:
            async with self._write() as conn:
                if activity_id:
                    await conn.execute(_INSERT_INBOX, {"activity_id": activity_id, "at": now})
                yield Transaction(conn)
        except IntegrityError as error:
            if activity_id and await self.inbox_seen(activity_id):
                raise AlreadyProcessed(activity_id) from error
            raise

    # -- inbox ---------------------------------------------------------------------------

    async def inbox_seen(self, activity_id: str) -> bool:
        async with self._db.connect() as conn:
            found = await conn.scalar(_SELECT_INBOX, {"activity_id": activity_id})
        return found is not None

    async def remember_activity(self, activity_id: str, *, now: datetime) -> None:
        """Record an activity as processed, for a turn that wrote nothing else (one that did
        recorded it in that transaction)."""
        async with self._write() as conn:
            await conn.execute(
                dialect_insert(conn, schema.inbox)
                .values(activity_id=activity_id, received_at=now)
                .on_conflict_do_nothing(index_elements=["activity_id"])
            )

    # -- trajectories --------------------------------------------------------------------

    async def trajectory(self, trajectory_id: str) -> Trajectory | None:
        async with self._db.connect() as conn:
            document = await conn.scalar(_SELECT_DOCUMENT, {"id": trajectory_id})
        return None if document is None else read_document(document)

    async def trajectories_in_channel(
        self, channel_key: str, *, limit: int = 50
    ) -> list[Trajectory]:
        """The channel's trajectories, newest first."""
        async with self._db.connect() as conn:
            rows = await conn.scalars(
                select(_DOCUMENT)
                .where(schema.trajectories.c.channel_key == channel_key)
                .order_by(schema.trajectories.c.created_at.desc())
                .limit(limit)
            )
            return [read_document(document) for document in rows]

    async def trajectories_of(self, aad_object_id: str, *, limit: int = 50) -> list[Trajectory]:
        """The trajectories a person takes part in, newest first."""
        async with self._db.connect() as conn:
            rows = await conn.scalars(
                select(_DOCUMENT)
                .join(
                    schema.memberships,
                    schema.memberships.c.trajectory_id == schema.trajectories.c.id,
                )
                .where(schema.memberships.c.aad_object_id == aad_object_id)
                .order_by(schema.trajectories.c.created_at.desc())
                .limit(limit)
            )
            return [read_document(document) for document in rows]

    async def count_trajectories(self, *, channel_key: str | None = None) -> int:
        query = select(func.count()).select_from(schema.trajectories)
        if channel_key is not None:
            query = query.where(schema.trajectories.c.channel_key == channel_key)
        async with self._db.connect() as conn:
            return int(await conn.scalar(query) or 0)

    # -- conversation references ---------------------------------------------------------

    async def save_conversation_reference(
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
        async with self._write() as conn:
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

    async def forget_conversation(self, conversation_id: str) -> None:
        """Delete a conversation's stored reference (the app was removed from it)."""
        async with self._write() as conn:
            await conn.execute(
                delete(schema.conversation_refs).where(
                    schema.conversation_refs.c.conversation_id == conversation_id
                )
            )

    async def conversation_reference(self, conversation_id: str) -> dict[str, Any] | None:
        async with self._db.connect() as conn:
            reference = await conn.scalar(
                select(schema.conversation_refs.c.reference).where(
                    schema.conversation_refs.c.conversation_id == conversation_id
                )
            )
        return None if reference is None else dict(reference)

    async def personal_conversation_reference(self, aad_object_id: str) -> dict[str, Any] | None:
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

    # -- outbox delivery ---------------------------------------------------------------------

    async def claim_outbox(
        self, *, worker: str, now: datetime, lease: timedelta, limit: int = 100
    ) -> list[OutboxRow]:
        """Lease up to ``limit`` due, undelivered messages to ``worker``.

        A message whose lease ran out (its worker died) is claimed again: delivery is at least
        once. On PostgreSQL concurrent claimers skip each other's rows (SKIP LOCKED).
        """
        table = schema.outbox
        rows = await self._claim(
            table,
            [
                table.c.sent_at.is_(None),
                table.c.dead_at.is_(None),
                table.c.not_before <= now,
            ],
            order_by=[table.c.id],
            worker=worker,
            until=now + lease,
            now=now,
            limit=limit,
        )
        return sorted((OutboxRow.model_validate(row) for row in rows), key=lambda row: row.id)

    async def claim_reminders(
        self,
        *,
        worker: str,
        now: datetime,
        lease: timedelta,
        people: Collection[str],
        kind: str = "reminder",
        limit: int = 1000,
    ) -> list[OutboxRow]:
        """Lease the due, undelivered ``kind`` messages to ``people`` (by Entra object id) that
        were not asked for by someone (a nudge goes out on its own): what one digest gathers."""
        if not people:
            return []
        table = schema.outbox
        rows = await self._claim(
            table,
            [
                table.c.sent_at.is_(None),
                table.c.dead_at.is_(None),
                table.c.not_before <= now,
                table.c.kind == kind,
                table.c.recipient["aad_object_id"].as_string().in_(sorted(people)),
                or_(
                    table.c.payload["nudged"].as_boolean().is_(None),
                    table.c.payload["nudged"].as_boolean() == false(),
                ),
            ],
            order_by=[table.c.id],
            worker=worker,
            until=now + lease,
            now=now,
            limit=limit,
        )
        return [OutboxRow.model_validate(row) for row in rows]

    async def _claim(
        self,
        table: schema.Table,
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
        async with self._write() as conn:
            query = (
                select(table.c.id)
                .where(
                    *due,
                    or_(table.c.claimed_until.is_(None), table.c.claimed_until < now),
                )
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

    async def _settle(self, message_id: int, *, worker: str, **values: Any) -> None:
        """Record what became of a claimed outbox message (only by the worker holding it)."""
        async with self._write() as conn:
            await conn.execute(
                update(schema.outbox)
                .where(schema.outbox.c.id == message_id, schema.outbox.c.claimed_by == worker)
                .values(attempts=schema.outbox.c.attempts + 1, claimed_until=None, **values)
            )

    async def mark_sent(
        self, message_id: int, *, worker: str, now: datetime, activity_id: str | None
    ) -> None:
        await self._settle(message_id, worker=worker, sent_at=now, sent_activity_id=activity_id)

    async def mark_retry(
        self, message_id: int, *, worker: str, not_before: datetime, error: str
    ) -> None:
        await self._settle(
            message_id,
            worker=worker,
            not_before=not_before,
            claimed_by=None,
            last_error=error[:500],
        )

    async def mark_dead(self, message_id: int, *, worker: str, now: datetime, error: str) -> None:
        await self._settle(message_id, worker=worker, dead_at=now, last_error=error[:500])

    async def enqueue(
        self,
        *,
        kind: str,
        recipient: Mapping[str, Any],
        payload: Mapping[str, Any],
        now: datetime,
        trajectory_id: str | None = None,
    ) -> None:
        """One outbox message in a transaction of its own (e.g. a dead-letter report)."""
        async with self.transaction(now=now) as tx:
            await tx.add_outbox(
                kind=kind,
                recipient=recipient,
                payload=payload,
                now=now,
                trajectory_id=trajectory_id,
            )

    # -- timers -------------------------------------------------------------------------------

    async def claim_due_timers(
        self, *, worker: str, now: datetime, lease: timedelta, limit: int = 500
    ) -> list[dict[str, Any]]:
        """Lease due, unfired timers to ``worker`` (a timer whose lease ran out is claimed
        again); on PostgreSQL concurrent sweeps skip each other's rows."""
        table = schema.timers
        rows = await self._claim(
            table,
            [table.c.fired_at.is_(None), table.c.due_at <= now],
            order_by=[table.c.due_at, table.c.id],
            worker=worker,
            until=now + lease,
            now=now,
            limit=limit,
        )
        return sorted(rows, key=lambda row: (row["due_at"], row["id"]))

    async def mark_timer_fired(
        self, timer_id: str, *, worker: str, due_at: datetime, now: datetime
    ) -> None:
        """Fired, unless the timer was moved meanwhile (then it waits for its new moment)."""
        async with self._write() as conn:
            await conn.execute(
                update(schema.timers)
                .where(
                    schema.timers.c.id == timer_id,
                    schema.timers.c.claimed_by == worker,
                    schema.timers.c.due_at == due_at,
                )
                .values(fired_at=now, claimed_until=None)
            )

    async def release_timer(self, timer_id: str, *, worker: str) -> None:
        async with self._write() as conn:
            await conn.execute(
                update(schema.timers)
                .where(schema.timers.c.id == timer_id, schema.timers.c.claimed_by == worker)
                .values(claimed_by=None, claimed_until=None)
            )

    async def next_timer_due(self) -> datetime | None:
        async with self._db.connect() as conn:
            due: datetime | None = await conn.scalar(
                select(func.min(schema.timers.c.due_at)).where(schema.timers.c.fired_at.is_(None))
            )
        if due is not None and due.tzinfo is None:
            due = due.replace(tzinfo=UTC)
        return due

    # -- personal data (AVG) ----------------------------------------------------------------------

    async def trajectories_mentioning(self, aad_object_id: str) -> list[Trajectory]:
        """Every trajectory whose document names the person (roles, answers, audit …): the whole
        id as a value or a key, never a fragment of something else."""
        document = cast(schema.trajectories.c.document, Text)
        async with self._db.connect() as conn:
            rows = await conn.scalars(
                select(_DOCUMENT)
                .where(document.contains(_quoted(aad_object_id), autoescape=True))
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
                select(_DOCUMENT)
                .where(
                    table.c.status.in_(CLOSED_STATUSES),
                    table.c.closed_at < cutoff,
                    table.c.anonymized_at.is_(None),
                )
                .order_by(table.c.closed_at)
                .limit(limit)
            )
            return [read_document(row) for row in rows]

    async def personal_audit(self, aad_object_id: str) -> list[dict[str, Any]]:
        """Audit entries made by the person or naming them in their detail (outside any
        trajectory's document too)."""
        audit = schema.audit
        async with self._db.connect() as conn:
            rows = await conn.execute(
                select(audit)
                .where(
                    or_(
                        audit.c.actor == aad_object_id,
                        cast(audit.c.detail, Text).contains(
                            _quoted(aad_object_id), autoescape=True
                        ),
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

    async def personal_rows(self, aad_object_id: str) -> dict[str, list[dict[str, Any]]]:
        """Everything else stored under the person's id: messages to or about them, their
        conversation references and memberships (for an AVG export)."""
        needle = _quoted(aad_object_id)
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

    # -- operations ---------------------------------------------------------------------------

    async def operational_state(self, now: datetime) -> dict[str, Any]:
        """What a monitor wants to know: the outbox backlog and overdue timers."""
        outbox, timers = schema.outbox, schema.timers
        pending = (outbox.c.sent_at.is_(None), outbox.c.dead_at.is_(None))
        due = (timers.c.fired_at.is_(None), timers.c.due_at <= now)
        async with self._db.connect() as conn:
            backlog = (
                await conn.execute(
                    select(func.count(), func.min(outbox.c.created_at)).where(*pending)
                )
            ).one()
            dead = await conn.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.dead_at.is_not(None))
            )
            overdue = (
                await conn.execute(select(func.count(), func.min(timers.c.due_at)).where(*due))
            ).one()
        return {
            "outbox_pending": int(backlog[0]),
            "outbox_oldest": _aware(backlog[1]),
            "dead_letters": int(dead or 0),
            "timers_due": int(overdue[0]),
            "timer_oldest": _aware(overdue[1]),
        }

    # -- templates ------------------------------------------------------------------------------

    async def keep_template(self, key: str, body: str, *, now: datetime) -> None:
        """Keep a template's text under its key (the first one kept under a key stays)."""
        async with self._write() as conn:
            await conn.execute(
                dialect_insert(conn, schema.templates)
                .values(key=key, body=body, created_at=now)
                .on_conflict_do_nothing(index_elements=["key"])
            )

    async def kept_templates(self) -> dict[str, str]:
        """Every template kept, by key."""
        async with self._db.connect() as conn:
            rows = await conn.execute(select(schema.templates.c.key, schema.templates.c.body))
            return {str(key): str(body) for key, body in rows}

    # -- app secrets ----------------------------------------------------------------------------

    async def app_secret(self, name: str, *, new_value: str, now: datetime) -> str:
        """The secret ``name``; the first caller's ``new_value`` wins, every replica reads it."""
        async with self._write() as conn:
            await conn.execute(
                dialect_insert(conn, schema.app_secrets)
                .values(name=name, value=new_value, created_at=now)
                .on_conflict_do_nothing(index_elements=["name"])
            )
        async with self._db.connect() as conn:
            value = await conn.scalar(
                select(schema.app_secrets.c.value).where(schema.app_secrets.c.name == name)
            )
        return str(value)

    # -- channel threads --------------------------------------------------------------------

    # -- the portfolio (storage/portfolio.py) ---------------------------------------------

    async def refresh_portfolio(self, *, batch: int = 200) -> int:
        """Compute the portfolio facts of trajectories stored without them (or with an older
        version of them), in batches; how many were refreshed. Run at start-up."""
        done = 0
        while True:
            async with self._write() as conn:
                ids = await portfolio.stale(conn, limit=batch)
                if not ids:
                    return done
                rows = await conn.execute(
                    select(_DOCUMENT).where(schema.trajectories.c.id.in_(ids))
                )
                for row in rows.all():
                    await portfolio.keep(conn, read_document(row.document))
            done += len(ids)

    async def portfolio_page(
        self,
        viewer: portfolio.Viewer,
        filters: portfolio.Filters,
        now: datetime,
        *,
        offset: int,
        limit: int,
        evaluated: bool = False,
    ) -> tuple[list[Trajectory], bool, dict[str, tuple[str, str]]]:
        """A page of the viewer's trajectories (only evaluated ones: latest evaluation first),
        whether more follow, and their channel threads."""
        async with self._db.connect() as conn:
            found, more = await portfolio.page(
                conn,
                viewer,
                filters,
                now,
                offset=offset,
                limit=limit,
                cache=self._portfolio_cache,
                evaluated=evaluated,
            )
            threads = await portfolio.threads(conn, [t.id for t in found])
        return found, more, threads

    async def portfolio_counts(
        self, viewer: portfolio.Viewer, filters: portfolio.Filters, now: datetime
    ) -> dict[tuple[str, str], int]:
        async with self._db.connect() as conn:
            return await portfolio.counts(conn, viewer, filters, now)

    async def portfolio_choices(self, viewer: portfolio.Viewer) -> portfolio.Choices:
        async with self._db.connect() as conn:
            return await portfolio.choices(conn, viewer)

    async def set_team_members(self, team_id: str, people: Collection[str]) -> None:
        async with self._write() as conn:
            await portfolio.set_team_members(conn, team_id, sorted(people))

    async def change_team_members(
        self, team_id: str, *, added: Collection[str] = (), removed: Collection[str] = ()
    ) -> None:
        async with self._write() as conn:
            await portfolio.change_team_members(
                conn, team_id, added=sorted(added), removed=sorted(removed)
            )

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
        async with self._write() as conn:
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

    # -- outbox and timers (read side) -----------------------------------------------------

    async def outbox_messages(self, *, trajectory_id: str | None = None) -> list[dict[str, Any]]:
        query = select(schema.outbox).order_by(schema.outbox.c.id)
        if trajectory_id is not None:
            query = query.where(schema.outbox.c.trajectory_id == trajectory_id)
        async with self._db.connect() as conn:
            return [dict(row._mapping) for row in await conn.execute(query)]

    async def timers(self, *, trajectory_id: str | None = None) -> list[dict[str, Any]]:
        query = select(schema.timers).order_by(schema.timers.c.due_at, schema.timers.c.id)
        if trajectory_id is not None:
            query = query.where(schema.timers.c.trajectory_id == trajectory_id)
        async with self._db.connect() as conn:
            return [dict(row._mapping) for row in await conn.execute(query)]

    # -- audit ---------------------------------------------------------------------------

    async def audit_entries(self, *, trajectory_id: str | None = None) -> list[dict[str, Any]]:
        query = select(schema.audit).order_by(schema.audit.c.id)
        if trajectory_id is not None:
            query = query.where(schema.audit.c.trajectory_id == trajectory_id)
        async with self._db.connect() as conn:
            return [dict(row._mapping) for row in await conn.execute(query)]

    async def history(self, trajectory_id: str, *, action: str | None = None) -> list[AuditEntry]:
        """The trajectory's audit trail, oldest first: what was decided and done in it (refused
        card actions left out); with ``action``, only the entries of that action."""
        audit = schema.audit
        query = (
            select(audit.c.at, audit.c.actor, audit.c.action, audit.c.detail)
            .where(audit.c.trajectory_id == trajectory_id, audit.c.action != REFUSED)
            .order_by(audit.c.id)
        )
        if action is not None:
            query = query.where(audit.c.action == action)
        async with self._db.connect() as conn:
            return [
                AuditEntry(
                    at=row.at, actor=row.actor or "system", action=row.action, detail=row.detail
                )
                for row in await conn.execute(query)
            ]

    # -- dialog state (Bot Framework Storage semantics, serialized by the caller) --------

    async def read_state(self, keys: Iterable[str]) -> dict[str, tuple[Any, str]]:
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

    async def write_state(
        self, key: str, document: Any, *, expected_etag: str | None, now: datetime
    ) -> str:
        """Write one item; returns its new eTag.

        ``expected_etag`` None or ``"*"`` writes unconditionally; any other value must match the
        stored eTag (a missing item matches nothing), else :class:`EtagConflict`.
        """
        etag = uuid.uuid4().hex
        async with self._write() as conn:
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

    async def delete_state(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        if not keys:
            return
        async with self._write() as conn:
            await conn.execute(
                delete(schema.dialog_state).where(schema.dialog_state.c.key.in_(keys))
            )
