"""The narrow async storage interface the bot uses. Every write that matters is one transaction;
each concept beside the trajectories has its repository (outbox, timers, references, dialog
state, personal data, templates, portfolio)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from storage import outbox, personal, portfolio, schema, timers
from storage.base import Writer, aware
from storage.cards import OpenCards
from storage.database import Conn, Database, dialect_insert
from storage.dialogs import DialogState
from storage.documents import CLOSED_STATUSES, read_document
from storage.documents import DOCUMENT as _DOCUMENT
from storage.errors import AlreadyProcessed, StaleVersion
from storage.outbox import Outbox, Outgoing
from storage.personal import PersonalData
from storage.portfolio import Portfolio
from storage.references import References
from storage.templates import Templates
from storage.timers import Timers
from wasstraat.model import AuditEntry, Trajectory

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
_SELECT_DOCUMENT = select(_DOCUMENT).where(schema.trajectories.c.id == bindparam("id"))


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

    async def add_outbox(self, messages: list[Outgoing], *, now: datetime) -> None:
        """Messages to send, in this transaction: none is sent unless the change is kept."""
        await outbox.insert(self._conn, messages, now=now)

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
        await timers.set_timer(
            self._conn,
            timer_id=timer_id,
            kind=kind,
            due_at=due_at,
            now=now,
            trajectory_id=trajectory_id,
            payload=payload,
        )

    async def cancel_timer(self, timer_id: str) -> None:
        await timers.cancel_timer(self._conn, timer_id)

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
        """After the trajectory's document was pseudonymised: its rows too (see
        :func:`storage.personal.pseudonymize_rows`)."""
        await personal.pseudonymize_rows(self._conn, trajectory_id, mapping)


class Store:
    """The bot's storage: trajectories, the inbox and the audit here, one transaction across
    them all (:meth:`transaction`), and a repository per concept beside them."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self._writer = Writer(database)
        self.outbox = Outbox(self._writer)
        self.open_cards = OpenCards(self._writer)
        self.timers = Timers(self._writer)
        self.references = References(self._writer)
        self.dialogs = DialogState(self._writer)
        self.personal = PersonalData(self._writer)
        self.templates = Templates(self._writer)
        self.portfolio = Portfolio(self._writer)

    def _write(self) -> AbstractAsyncContextManager[Conn]:
        return self._writer.write()

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
            "outbox_oldest": aware(backlog[1]),
            "dead_letters": int(dead or 0),
            "timers_due": int(overdue[0]),
            "timer_oldest": aware(overdue[1]),
        }

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

    # -- audit ---------------------------------------------------------------------------

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
