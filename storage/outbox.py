"""The outbox: every message the bot is to send, written in the transaction that decided it,
then claimed, delivered and settled by a worker (at least once; a dead letter is kept).

A message goes to a person (by Entra object id) or to a trajectory's channel; its body is one
of the engine's typed message bodies, written as its payload and read back as that body once,
when the row is claimed.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Discriminator, Tag, ValidationError
from sqlalchemy import false, or_, select, update

from storage import schema
from storage.base import Repository, claim
from storage.database import Conn, dialect_insert
from wasstraat.effects import Body, read_payload


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ToPerson(Frozen):
    """A person's 1:1 chat, by their Entra object id (the name only to say whom we missed)."""

    aad_object_id: str
    name: str = ""


class ToChannel(Frozen):
    """The channel (or group chat) a trajectory lives in."""

    channel: str | None = None
    conversation_id: str | None = None


def _which(value: Any) -> str:
    if isinstance(value, dict):
        return "person" if "aad_object_id" in value else "channel"
    return "person" if isinstance(value, ToPerson) else "channel"


Recipient = Annotated[
    Annotated[ToPerson, Tag("person")] | Annotated[ToChannel, Tag("channel")],
    Discriminator(_which),
]


class Outgoing(Frozen):
    """A message to write to the outbox: to whom, its body, and for which trajectory."""

    recipient: Recipient
    body: Body
    trajectory_id: str | None = None
    version: int | None = None  # the trajectory's version that decided it
    not_before: datetime | None = None  # prompts wait for working time

    def payload(self) -> dict[str, Any]:
        envelope = {"trajectory_id": self.trajectory_id, "version": self.version}
        return {**{k: v for k, v in envelope.items() if v is not None}, **self.body.payload()}


class OutboxRow(Frozen):
    """A claimed outbox message: whom it is for, its typed body (None for a row that does not
    fit its kind, which the dispatcher sets aside), and how often it was tried."""

    id: int
    kind: str
    recipient: Recipient
    body: Body | None
    attempts: int
    trajectory_id: str | None = None

    @classmethod
    def of(cls, row: dict[str, Any]) -> OutboxRow:
        payload = dict(row["payload"])
        try:
            body: Body | None = read_payload(row["kind"], payload)
        except ValidationError:
            body = None
        return cls(
            id=row["id"],
            kind=row["kind"],
            recipient=row["recipient"],
            body=body,
            attempts=row["attempts"],
            trajectory_id=row.get("trajectory_id") or payload.get("trajectory_id"),
        )

    @property
    def person(self) -> ToPerson | None:
        return self.recipient if isinstance(self.recipient, ToPerson) else None


async def insert(conn: Conn, messages: list[Outgoing], *, now: datetime) -> None:
    """Several outbox messages in one statement."""
    if messages:
        await conn.execute(
            schema.outbox.insert(),
            [
                {
                    "trajectory_id": message.trajectory_id,
                    "kind": message.body.kind,
                    "recipient": message.recipient.model_dump(exclude_none=True),
                    "payload": message.payload(),
                    "created_at": now,
                    "not_before": message.not_before or now,
                    "attempts": 0,
                }
                for message in messages
            ],
        )


def _due(now: datetime) -> list[Any]:
    """Not sent, not set aside, and its moment come."""
    table = schema.outbox
    return [table.c.sent_at.is_(None), table.c.dead_at.is_(None), table.c.not_before <= now]


class Outbox(Repository):
    """Claiming, delivering and settling the outbox's messages."""

    async def claim(
        self, *, worker: str, now: datetime, lease: timedelta, limit: int = 100
    ) -> list[OutboxRow]:
        """Lease up to ``limit`` due, undelivered messages to ``worker``.

        A message whose lease ran out (its worker died) is claimed again: delivery is at least
        once. On PostgreSQL concurrent claimers skip each other's rows (SKIP LOCKED).
        """
        table = schema.outbox
        rows = await claim(
            self._writer,
            table,
            _due(now),
            order_by=[table.c.id],
            worker=worker,
            until=now + lease,
            now=now,
            limit=limit,
        )
        return sorted((OutboxRow.of(row) for row in rows), key=lambda row: row.id)

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
        rows = await claim(
            self._writer,
            table,
            [
                *_due(now),
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
        return [OutboxRow.of(row) for row in rows]

    async def mark_sent(
        self,
        message_id: int,
        *,
        worker: str,
        now: datetime,
        activity_id: str | None,
        open_at: int | None = None,
    ) -> None:
        """Sent (``open_at``: a task card that can still be acted on, drawn at that version of
        its trajectory: kept, in the same transaction, to update once its task is over)."""
        async with self._writer.write() as conn:
            settled = await conn.execute(
                _settling(message_id, worker).values(sent_at=now, sent_activity_id=activity_id)
            )
            row = await conn.execute(
                select(schema.outbox.c.trajectory_id).where(schema.outbox.c.id == message_id)
            )
            trajectory_id = row.scalar()
            if open_at is not None and activity_id and trajectory_id and settled.rowcount:
                await _keep_open(
                    conn,
                    message_id,
                    trajectory_id=trajectory_id,
                    activity_id=activity_id,
                    version=open_at,
                )

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

    async def enqueue(self, message: Outgoing, *, now: datetime) -> None:
        """One outbox message in a transaction of its own (e.g. a dead-letter report)."""
        async with self._writer.write() as conn:
            await insert(conn, [message], now=now)

    async def _settle(self, message_id: int, *, worker: str, **values: Any) -> None:
        """Record what became of a claimed outbox message (only by the worker holding it)."""
        async with self._writer.write() as conn:
            await conn.execute(_settling(message_id, worker).values(**values))


async def _keep_open(
    conn: Conn, message_id: int, *, trajectory_id: str, activity_id: str, version: int
) -> None:
    """Keep a card just sent (in the transaction that marks its message sent); a message sent
    again (its first mark lost) keeps its newest card."""
    values = {
        "trajectory_id": trajectory_id,
        "activity_id": activity_id,
        "checked_version": version,
    }
    statement = dialect_insert(conn, schema.open_cards).values(id=message_id, **values)
    await conn.execute(
        statement.on_conflict_do_update(
            index_elements=[schema.open_cards.c.id],
            set_={**values, "claimed_by": None, "claimed_until": None},
        )
    )


def _settling(message_id: int, worker: str) -> Any:
    """The update that settles a claimed message, if ``worker`` still holds it."""
    table = schema.outbox
    return (
        update(table)
        .where(table.c.id == message_id, table.c.claimed_by == worker)
        .values(attempts=table.c.attempts + 1, claimed_until=None)
    )
