"""The delivery worker: claims due outbox messages, draws each for its recipient, sends it
proactively, paced to Teams' limits, retries what Teams asks to retry and dead-letters the
unreachable (telling the project leader whom the bot missed)."""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from botbuilder.core import CardFactory, MessageFactory
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ConversationReference

from bot.calendar import CalendarPermanentError, CalendarTransientError, GraphCalendar
from bot.delivery.conversations import Conversations, Unreachable
from bot.delivery.digest import Unit, digest_people, per_recipient
from bot.delivery.invitations import Invitations
from bot.delivery.retry import (
    MAX_ATTEMPTS,
    RETRY_STATUSES,
    DeliveryStats,
    backoff,
    http_status,
    retry_after,
)
from bot.delivery.updates import CardUpdates
from bot.feed import (
    ActivityFeed,
    ActivityType,
    Notification,
    feed_type,
    task_key,
    title_of,
)
from bot.logs import correlated
from bot.pacing import Pacer
from bot.services import Services
from bot.trajectories import channel_card
from cards.catalogue import Language, language_for
from cards.mentions import news_card
from cards.messages import Reminded, asks_something, digest_card, render_message
from cards.view import Rendered
from storage import OutboxRow, Outgoing, Recipient, ToChannel, ToPerson
from wasstraat.effects import Body, CalendarEvent, DeliveryFailed, StepStarted
from wasstraat.model import Person, Trajectory
from wasstraat.template import PROJECT_LEADER
from wasstraat.waiting import waiting_on

log = logging.getLogger(__name__)

TrajectoryRead = Callable[[str], Awaitable[Trajectory | None]]
ROUND = 200  # outbox rows one delivery round claims
FEED_TRIES = 2  # tries of a message whose activity notification Graph answers busy


class Dispatcher:
    def __init__(
        self,
        services: Services,
        adapter: CloudAdapter,
        *,
        pacer: Pacer | None = None,
        worker: str | None = None,
        rng: random.Random | None = None,
        concurrency: int = 16,
        calendar: GraphCalendar | None = None,
        feed: ActivityFeed | None = None,
    ) -> None:
        self._services = services
        # a message claimed by a process that died is claimed again after this
        self._lease = timedelta(seconds=services.settings.delivery_lease_seconds)
        self._slots = asyncio.Semaphore(concurrency)
        # the adapter's pacer, when it has one: turn replies and the outbox share one budget
        self._pacer = pacer or getattr(adapter, "pacer", None) or Pacer()
        self._worker = worker or uuid.uuid4().hex[:12]
        self._rng = rng or random.Random()
        self._wake = asyncio.Event()
        self._conversations = Conversations(services, adapter)
        self._feed = feed
        self._invitations = Invitations(
            services, self._conversations, calendar, worker=self._worker, retry=self._retry
        )
        self._updates = CardUpdates(
            services, self._conversations, self._pacer, worker=self._worker, lease=self._lease
        )

    def wake(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event, *, interval: float = 1.0) -> None:
        """Deliver until ``stop`` is set, polling every ``interval`` seconds or when woken."""
        while not stop.is_set():
            try:
                stats = await self.deliver_due(limit=ROUND)
                if stats.claimed >= ROUND:
                    continue  # a backlog (a fan-out, the morning's digests): straight on
            except Exception:
                log.exception("delivery round failed; trying again")
            self._wake.clear()
            waiters = [asyncio.ensure_future(e.wait()) for e in (stop, self._wake)]
            await asyncio.wait(waiters, timeout=interval, return_when=asyncio.FIRST_COMPLETED)
            for waiter in waiters:
                waiter.cancel()

    async def deliver_due(self, *, limit: int = ROUND) -> DeliveryStats:
        """One round: claim what is due and deliver it, per recipient in order."""
        stats = DeliveryStats()
        outbox = self._services.store.outbox
        now = self._services.clock()
        rows = await outbox.claim(worker=self._worker, now=now, lease=self._lease, limit=limit)
        stats.claimed = len(rows)
        # a person's reminders of the day go out as one digest: all of them, claimed together
        rows += await outbox.claim_reminders(
            worker=self._worker, now=now, lease=self._lease, people=digest_people(rows)
        )

        # the messages of one trajectory in this round are drawn from one read of it (a step
        # start to 200 people would otherwise read and parse the same document 200 times)
        reads: dict[str, asyncio.Task[Trajectory | None]] = {}

        def trajectory(trajectory_id: str) -> asyncio.Task[Trajectory | None]:
            if trajectory_id not in reads:
                reads[trajectory_id] = asyncio.ensure_future(
                    self._services.store.trajectory(trajectory_id)
                )
            return reads[trajectory_id]

        async def deliver_in_order(batch: list[Unit]) -> None:
            for unit in batch:
                async with self._slots:
                    if isinstance(unit, list):
                        await self._deliver_digest(unit, stats, trajectory)
                    else:
                        with correlated(f"delivery-{unit.id}"):
                            await self._deliver_row(unit, stats, trajectory)

        await asyncio.gather(*(deliver_in_order(batch) for batch in per_recipient(rows)))
        # the cards whose task is over by now, updated in place to what happened
        await self._updates.update_due(stats)
        return stats

    async def _ready(
        self, row: OutboxRow, read: TrajectoryRead, stats: DeliveryStats
    ) -> tuple[Body, Trajectory] | None:
        """The row's body and trajectory; a row without either is set aside, and counted (a
        row that does not fit its kind is not drawn half)."""
        trajectory = await read(row.trajectory_id) if row.trajectory_id else None
        if trajectory is not None and row.body is not None:
            return row.body, trajectory
        problem = "trajectory gone" if trajectory is None else "malformed"
        if row.body is None:
            log.warning("message %s does not fit its kind %s", row.id, row.kind)
        await self._services.store.outbox.mark_dead(
            row.id, worker=self._worker, now=self._services.clock(), error=problem
        )
        stats.dead += 1
        return None

    async def _deliver_row(
        self, row: OutboxRow, stats: DeliveryStats, read: TrajectoryRead
    ) -> None:
        outbox = self._services.store.outbox
        found = await self._ready(row, read, stats)
        if found is None:
            return
        body, trajectory = found
        if isinstance(body, CalendarEvent):
            await self._invitations.deliver(row, body, trajectory, stats)
            return
        if isinstance(row.recipient, ToChannel) and not trajectory.binding.team_id:
            # channel news for a trajectory that lives in a chat: its people hear it 1:1
            await outbox.mark_sent(
                row.id, worker=self._worker, now=self._services.clock(), activity_id=None
            )
            return
        try:
            activity_id, asks = await self._send(
                row.recipient, body, trajectory, key=f"outbox:{row.id}", tried=int(row.attempts)
            )
        except Exception as error:
            log.debug("send failed", exc_info=error)
            wait = error.retry_after if isinstance(error, CalendarTransientError) else None
            await self._failed(row, trajectory, error, stats, wait=wait)
            return
        await outbox.mark_sent(
            row.id,
            worker=self._worker,
            now=self._services.clock(),
            activity_id=activity_id,
            open_at=trajectory.version if asks else None,
        )
        stats.sent += 1
        log.info("message delivered", extra={"outbox_id": row.id, "kind": row.kind})

    async def _deliver_digest(
        self, rows: list[OutboxRow], stats: DeliveryStats, read: TrajectoryRead
    ) -> None:
        """A person's due reminders as one card. The rows are sent and marked together; after a
        crash between the send and the marks the whole digest comes again (at least once)."""
        with correlated(f"digest-{rows[0].id}"):
            ready: list[tuple[OutboxRow, Body, Trajectory]] = []
            for row in rows:
                found = await self._ready(row, read, stats)
                if found is not None:
                    ready.append((row, *found))
            if len(ready) == 1:
                await self._deliver_row(ready[0][0], stats, read)
                return
            if not ready:
                return
            try:
                activity_id = await self._send_digest(ready)
            except Exception as error:
                log.debug("digest send failed", exc_info=error)
                # retried together, so that they stay one digest
                wait = backoff(max(int(row.attempts) for row, _, _ in ready) + 1, self._rng)
                for row, _, trajectory in ready:
                    await self._failed(row, trajectory, error, stats, wait=wait)
                return
            for row, _, _ in ready:
                await self._services.store.outbox.mark_sent(
                    row.id,
                    worker=self._worker,
                    now=self._services.clock(),
                    activity_id=activity_id,
                )
            stats.sent += len(ready)
            stats.digests += 1
            log.info("digest delivered", extra={"outbox_id": rows[0].id, "kind": "digest"})

    async def _send_digest(self, ready: list[tuple[OutboxRow, Body, Trajectory]]) -> str | None:
        recipient = ready[0][0].person
        first = ready[0][2]
        assert recipient is not None  # a digest is a person's
        reference = await self._conversations.reference_for(recipient, first)
        language = language_for(reference.locale, self._services.settings.default_locale)
        card = digest_card(
            [
                Reminded(body=body, trajectory=t, template=self._services.template_of(t))
                for _, body, t in ready
            ],
            language=language,
            zone=self._services.zone,
            viewer=Person(aad_object_id=recipient.aad_object_id, name=recipient.name),
            now=self._services.clock(),
        )
        activity = MessageFactory.attachment(CardFactory.adaptive_card(card))
        # the morning's reminders: one notification for the whole digest
        key = "digest:" + ",".join(str(row.id) for row, _, _ in ready)
        tried = max(int(row.attempts) for row, _, _ in ready)
        await self._announce(
            recipient, first, "taskReminder", title_of(Rendered(card=card)), key, tried
        )
        async with self._pacer.sending(
            conversation=str(reference.conversation.id), tenant=first.binding.tenant_id or "-"
        ):
            return await self._conversations.send(reference, activity)

    async def _failed(
        self,
        row: OutboxRow,
        trajectory: Trajectory,
        error: Exception,
        stats: DeliveryStats,
        *,
        wait: float | None = None,
    ) -> None:
        """``wait``: the retry's delay when Teams names none (else a backoff with jitter)."""
        now = self._services.clock()
        status = http_status(error)
        if status is not None:
            stats.statuses[status] += 1
        attempts = int(row.attempts) + 1
        retryable = status in RETRY_STATUSES or (
            status is None and not isinstance(error, Unreachable)
        )
        if retryable and attempts < MAX_ATTEMPTS:
            asked = retry_after(error, now) if status == 429 else None
            wait = asked if asked is not None else wait
            await self._retry(row, attempts, wait, f"{status or type(error).__name__}", stats)
            return
        log.warning("message %s dead-lettered (status %s)", row.id, status)
        await self._services.store.outbox.mark_dead(
            row.id, worker=self._worker, now=now, error=f"{status or type(error).__name__}"
        )
        stats.dead += 1
        await self._report_unreachable(row, trajectory, now)

    async def _retry(
        self,
        row: OutboxRow,
        attempts: int,
        wait: float | None,
        reason: str,
        stats: DeliveryStats,
    ) -> None:
        """Try again after the wait asked for, else after a backoff with jitter."""
        delay = wait if wait is not None else backoff(attempts, self._rng)
        await self._services.store.outbox.mark_retry(
            row.id,
            worker=self._worker,
            not_before=self._services.clock() + timedelta(seconds=delay),
            error=reason,
        )
        stats.retried += 1

    async def _report_unreachable(
        self, row: OutboxRow, trajectory: Trajectory, now: datetime
    ) -> None:
        """Tell the project leader (or, for their own messages, the channel) who was missed."""
        missed = row.person
        if isinstance(row.body, DeliveryFailed) or missed is None:
            return
        leaders = trajectory.holders(PROJECT_LEADER)
        target: Recipient
        if leaders and leaders[0].aad_object_id != missed.aad_object_id:
            target = ToPerson(aad_object_id=leaders[0].aad_object_id, name=leaders[0].name)
        else:
            binding = trajectory.binding
            target = ToChannel(channel=binding.channel_key, conversation_id=binding.conversation_id)
        await self._services.store.outbox.enqueue(
            Outgoing(
                recipient=target,
                body=DeliveryFailed(name=missed.name),
                trajectory_id=trajectory.id,
            ),
            now=now,
        )

    # -- sending ----------------------------------------------------------------------------------

    async def _send(
        self,
        recipient: Recipient,
        body: Body,
        trajectory: Trajectory,
        *,
        key: str = "",
        tried: int = 0,
    ) -> tuple[str | None, bool]:
        """The activity id Teams gave the send, and whether it is a card that asks something
        of its person (kept, to update once its task is over). A task, a reminder or an
        escalation is announced in the person's activity feed first (``key``: its chain)."""
        reference = await self._conversations.reference_for(recipient, trajectory)
        language = language_for(reference.locale, self._services.settings.default_locale)
        if not isinstance(recipient, ToPerson):
            return await self._post_to_thread(body, trajectory, reference, language), False
        rendered = render_message(
            body,
            trajectory,
            language=language,
            template=self._services.template_of(trajectory),
            zone=self._services.zone,
            viewer=Person(aad_object_id=recipient.aad_object_id, name=recipient.name),
            now=self._services.clock(),
        )
        if rendered.empty:
            return None, False  # nothing to draw for this person: done without a send
        activity = (
            MessageFactory.attachment(CardFactory.adaptive_card(rendered.card))
            if rendered.card is not None
            else MessageFactory.text(rendered.text or "")
        )
        asks = rendered.card is not None and asks_something(rendered.card)
        kind = feed_type(body, asks=asks)
        if kind is not None and key:
            if kind == "taskAssigned":  # one chain per task and round, whichever card brings it
                key = task_key(body, trajectory, self._services.template_of(trajectory)) or key
            chain = f"{key}:{recipient.aad_object_id}"
            await self._announce(recipient, trajectory, kind, title_of(rendered), chain, tried)
        async with self._pacer.sending(
            conversation=str(reference.conversation.id),
            tenant=trajectory.binding.tenant_id or "-",
        ):
            sent = await self._conversations.send(reference, activity)
        return sent, asks

    async def _announce(
        self,
        person: ToPerson,
        trajectory: Trajectory,
        kind: ActivityType,
        task: str,
        key: str,
        tried: int,
    ) -> None:
        """The activity feed's notification of a task (Graph on). Busy, the whole message is
        tried again (the chain replaces); refused, or busy again on a later try, the chat
        message goes without it: the feed never holds a message back for long."""
        services = self._services
        if self._feed is None or not task:
            return
        if not services.policy.working.is_working_time(services.clock()):
            # sent at night only to someone at work then (their own step): no bell at night
            return
        try:
            await self._notify(person, trajectory, kind, task, key)
        except CalendarPermanentError:
            log.warning("activity notification refused; the chat message goes without it")
        except CalendarTransientError:
            if tried + 1 >= FEED_TRIES:
                log.warning("activity feed unavailable; the chat message goes without it")
                return
            raise

    async def _notify(
        self, person: ToPerson, trajectory: Trajectory, kind: ActivityType, task: str, key: str
    ) -> None:
        assert self._feed is not None
        await self._feed.notify(
            Notification(
                user_id=person.aad_object_id,
                team_id=trajectory.binding.team_id,
                activity_type=kind,
                topic=trajectory.product,
                task=task,
                web_url=self._feed.chat_link(),
                key=key,
            )
        )

    async def _post_to_thread(
        self,
        body: Body,
        trajectory: Trajectory,
        reference: ConversationReference,
        language: Language,
    ) -> str | None:
        """The trajectory's channel post: its card shows the current state and is updated in
        place; each event is a short reply in its thread."""
        services = self._services
        card = await channel_card(services, trajectory, language)
        post = MessageFactory.attachment(CardFactory.adaptive_card(card))
        channel = str(reference.conversation.id)
        tenant = trajectory.binding.tenant_id or "-"
        thread = await services.store.references.thread(trajectory.id)
        if thread is None:
            async with self._pacer.sending(conversation=channel, tenant=tenant):
                root = await self._conversations.send(reference, post)
            if root:
                await services.store.references.save_thread(
                    trajectory.id, conversation_id=channel, activity_id=root, now=services.clock()
                )
            return root
        root = thread[1]
        post.id = root
        async with self._pacer.sending(conversation=channel, tenant=tenant):
            await self._conversations.send(reference, post, update=True)
        rendered = render_message(
            body,
            trajectory,
            language=language,
            template=services.template_of(trajectory),
            zone=services.zone,
        )
        if rendered.text:
            in_thread = ConversationReference().deserialize(reference.serialize())
            in_thread.conversation.id = f"{channel};messageid={root}"
            reply = self._news(body, rendered.text, trajectory, language)
            async with self._pacer.sending(conversation=in_thread.conversation.id, tenant=tenant):
                return await self._conversations.send(in_thread, reply)
        return None

    def _news(self, body: Body, said: str, trajectory: Trajectory, language: Language) -> Activity:
        """A line of news in the thread; a step that starts mentions whom it now waits on (in
        working time: a mention notifies, and nobody is woken at night)."""
        services = self._services
        waiting = (
            [
                w
                for w in waiting_on(trajectory, services.template_of(trajectory))
                if w.step == body.step
            ]
            if isinstance(body, StepStarted)
            else []
        )
        if not waiting or not services.policy.working.is_working_time(services.clock()):
            return MessageFactory.text(said)
        return MessageFactory.attachment(
            CardFactory.adaptive_card(news_card(said, waiting, language))
        )
