"""The task cards the bot sent that can still be acted on: each kept with the id Teams gave its
activity, so that once its trajectory moves on it can be drawn again and, when nothing on it
can be done any more, updated in place (a person never fills in a dead form)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update

from storage import schema
from storage.base import Repository, claim
from storage.outbox import OutboxRow


@dataclass(frozen=True, slots=True)
class OpenCard:
    """A sent task card whose trajectory changed since it was last drawn: the outbox message it
    came from, the activity to update, and the trajectory's version it is to be drawn at."""

    message: OutboxRow
    activity_id: str
    version: int

    @property
    def id(self) -> int:
        return self.message.id


class OpenCards(Repository):
    async def claim_changed(
        self, *, worker: str, now: datetime, lease: timedelta, limit: int = 200
    ) -> list[OpenCard]:
        """Lease the open cards whose trajectory has a newer version than they were drawn at."""
        cards, trajectories = schema.open_cards, schema.trajectories
        newer = (
            select(trajectories.c.id)
            .where(
                trajectories.c.id == cards.c.trajectory_id,
                trajectories.c.version > cards.c.checked_version,
            )
            .exists()
        )
        claimed = await claim(
            self._writer,
            cards,
            [newer],
            order_by=[cards.c.id],
            worker=worker,
            until=now + lease,
            now=now,
            limit=limit,
        )
        if not claimed:
            return []
        outbox = schema.outbox
        async with self._db.connect() as conn:
            rows = await conn.execute(
                select(outbox, trajectories.c.version.label("version"))
                .join(trajectories, trajectories.c.id == outbox.c.trajectory_id)
                .where(outbox.c.id.in_([row["id"] for row in claimed]))
                .order_by(outbox.c.id)
            )
            found: list[dict[str, Any]] = [dict(row._mapping) for row in rows]
        activity = {row["id"]: row["activity_id"] for row in claimed}
        return [OpenCard(OutboxRow.of(row), activity[row["id"]], row["version"]) for row in found]

    async def still_open(self, card_id: int, *, worker: str, version: int) -> None:
        """Drawn at ``version`` and still to be acted on: looked at again when it moves on."""
        async with self._writer.write() as conn:
            await conn.execute(
                update(schema.open_cards)
                .where(schema.open_cards.c.id == card_id, schema.open_cards.c.claimed_by == worker)
                .values(checked_version=version, claimed_by=None, claimed_until=None)
            )

    async def release(self, card_id: int, *, worker: str) -> None:
        """Not updated this time (Teams asked to wait): the next round tries again."""
        async with self._writer.write() as conn:
            await conn.execute(
                update(schema.open_cards)
                .where(schema.open_cards.c.id == card_id, schema.open_cards.c.claimed_by == worker)
                .values(claimed_by=None, claimed_until=None)
            )

    async def settle(self, card_id: int, *, worker: str) -> None:
        """Updated to what happened (or no longer reachable): nothing more to do with it."""
        async with self._writer.write() as conn:
            await conn.execute(
                delete(schema.open_cards).where(
                    schema.open_cards.c.id == card_id, schema.open_cards.c.claimed_by == worker
                )
            )

    async def count(self) -> int:
        async with self._db.connect() as conn:
            return int(await conn.scalar(select(func.count()).select_from(schema.open_cards)) or 0)
