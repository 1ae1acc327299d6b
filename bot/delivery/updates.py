"""Cards that outlive their task update themselves: each task card the bot sent that can still
be acted on is kept with its activity id; once its trajectory moves on, it is drawn again for
its person and, when nothing on it can be done any more (another approver decided, the step
closed, the round moved on), Teams' copy is updated in place to that read-only view saying
who did what and when. Paced and retried like any send; at least once (a lease, as the
outbox's); a card that can still be acted on is left as it is, so nobody's typing is lost."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from botbuilder.core import CardFactory, MessageFactory

from bot.delivery.conversations import Conversations, Unreachable
from bot.delivery.retry import RETRY_STATUSES, DeliveryStats, http_status
from bot.pacing import Pacer
from bot.services import Services
from cards.base import card as card_of
from cards.base import paragraph
from cards.catalogue import language_for
from cards.messages import asks_something, render_message
from storage.cards import OpenCard
from wasstraat.model import Person, Trajectory

log = logging.getLogger(__name__)

ROUND = 200  # open cards one round looks at


class CardUpdates:
    def __init__(
        self,
        services: Services,
        conversations: Conversations,
        pacer: Pacer,
        *,
        worker: str,
        lease: timedelta,
        concurrency: int = 16,
    ) -> None:
        self._services = services
        self._conversations = conversations
        self._pacer = pacer
        self._worker = worker
        self._lease = lease
        self._slots = asyncio.Semaphore(concurrency)

    async def update_due(self, stats: DeliveryStats) -> None:
        """Draw again the open cards whose trajectory changed; update those that ask nothing
        any more."""
        store = self._services.store
        cards = await store.open_cards.claim_changed(
            worker=self._worker, now=self._services.clock(), lease=self._lease, limit=ROUND
        )
        reads: dict[str, asyncio.Task[Trajectory | None]] = {}
        for card in cards:
            trajectory_id = card.message.trajectory_id or ""
            if trajectory_id not in reads:
                reads[trajectory_id] = asyncio.ensure_future(store.trajectory(trajectory_id))

        async def one(card: OpenCard) -> None:
            async with self._slots:
                trajectory = await reads[card.message.trajectory_id or ""]
                await self._update(card, trajectory, stats)

        await asyncio.gather(*(one(card) for card in cards))

    async def _update(
        self, card: OpenCard, trajectory: Trajectory | None, stats: DeliveryStats
    ) -> None:
        open_cards = self._services.store.open_cards
        person = card.message.person
        body = card.message.body
        if trajectory is None or person is None or body is None:
            await open_cards.settle(card.id, worker=self._worker)
            return
        try:
            reference = await self._conversations.reference_for(person, trajectory)
        except Unreachable:
            await open_cards.settle(card.id, worker=self._worker)
            return
        rendered = render_message(
            body,
            trajectory,
            language=language_for(reference.locale, self._services.settings.default_locale),
            template=self._services.template_of(trajectory),
            zone=self._services.zone,
            viewer=Person(aad_object_id=person.aad_object_id, name=person.name),
            now=self._services.clock(),
        )
        if rendered.card is not None and asks_something(rendered.card):
            # still to be acted on: left as it is (nobody's typing replaced)
            await open_cards.still_open(card.id, worker=self._worker, version=card.version)
            return
        if rendered.empty:
            await open_cards.settle(card.id, worker=self._worker)
            return
        # what it says now (a card that became a line of text: that line, as a card)
        drawn = rendered.card or card_of([paragraph(rendered.text or "")])
        activity = MessageFactory.attachment(CardFactory.adaptive_card(drawn))
        activity.id = card.activity_id
        try:
            async with self._pacer.sending(
                conversation=str(reference.conversation.id),
                tenant=trajectory.binding.tenant_id or "-",
            ):
                await self._conversations.send(reference, activity, update=True)
        except Exception as error:
            status = http_status(error)
            if status is not None:
                stats.statuses[status] += 1
            if status in RETRY_STATUSES or status is None:
                await open_cards.release(card.id, worker=self._worker)  # the next round
                stats.retried += 1
            else:  # gone, or not ours to change: nothing to update any more
                log.info("card not updated (status %s)", status, extra={"outbox_id": card.id})
                await open_cards.settle(card.id, worker=self._worker)
            return
        await open_cards.settle(card.id, worker=self._worker)
        stats.updated += 1
