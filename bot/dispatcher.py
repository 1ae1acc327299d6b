"""Delivers the outbox: claims due messages, renders them per recipient, sends proactively,
paces to Teams' limits, retries what Teams asks to retry and dead-letters the unreachable."""

from __future__ import annotations

import asyncio
import html
import logging
import random
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import (
    Activity,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
)
from botbuilder.schema.teams import TeamsChannelAccount
from pydantic import ValidationError

from bot.calendar import (
    Attendee,
    CalendarPermanentError,
    CalendarTransientError,
    GraphCalendar,
    Invitation,
)
from bot.logs import correlated
from bot.pacing import Pacer, http_status, retry_after
from bot.replies import PACED_ELSEWHERE
from bot.services import Services
from cards.catalogue import Language, language_for, text
from cards.detail import detail_card
from cards.messages import Reminded, digest_card, render_message
from cards.status import step_label
from storage import OutboxRow
from wasstraat.effects import (
    CalendarEvent,
    CalendarFailed,
    CalendarUninvited,
    DeliveryFailed,
    Reminder,
    read_payload,
)
from wasstraat.model import Person, Trajectory
from wasstraat.template import PROJECT_LEADER

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({412, 429, 500, 502, 503, 504})
DEAD_STATUSES = frozenset({403, 404})
TrajectoryRead = Callable[[str], Awaitable[Trajectory | None]]
MAX_ATTEMPTS = 6
BASE_BACKOFF = 1.0
MAX_BACKOFF = 300.0
CALENDAR_EVENT = CalendarEvent.model_fields["kind"].default
REMINDER = Reminder.model_fields["kind"].default


class Unreachable(Exception):
    """No conversation with the recipient can be found or made."""


Unit = OutboxRow | list[OutboxRow]  # one message, or a person's reminders as one


def digestible(row: OutboxRow) -> bool:
    """A reminder that came due by the clock (not one somebody asked for now), to a person."""
    return (
        row.kind == REMINDER and not row.payload.get("nudged") and "aad_object_id" in row.recipient
    )


ROUND = 200  # outbox rows one delivery round claims


@dataclass
class DeliveryStats:
    sent: int = 0
    digests: int = 0
    retried: int = 0
    dead: int = 0
    claimed: int = 0  # outbox rows the round took on (a full round: more may be waiting)
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))


def backoff(attempt: int, rng: random.Random) -> float:
    """Exponential backoff with full jitter."""
    return rng.uniform(0, min(MAX_BACKOFF, BASE_BACKOFF * 2**attempt))


class Dispatcher:
    def __init__(
        self,
        services: Services,
        adapter: CloudAdapter,
        *,
        pacer: Pacer | None = None,
        worker: str | None = None,
        rng: random.Random | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        concurrency: int = 16,
        calendar: GraphCalendar | None = None,
    ) -> None:
        self._services = services
        self._calendar = calendar
        # a message claimed by a process that died is claimed again after this
        self._lease = timedelta(seconds=services.settings.delivery_lease_seconds)
        self._slots = asyncio.Semaphore(concurrency)
        self._adapter = adapter
        # the adapter's pacer, when it has one: turn replies and the outbox share one budget
        self._pacer = pacer or getattr(adapter, "pacer", None) or Pacer()
        self._worker = worker or uuid.uuid4().hex[:12]
        self._rng = rng or random.Random()
        self._sleep = sleep
        self._wake = asyncio.Event()

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
        store = self._services.store
        now = self._services.clock()
        rows = await store.claim_outbox(
            worker=self._worker, now=now, lease=self._lease, limit=limit
        )
        # a person's reminders of the day go out as one digest: all of them, claimed together
        people = {row.recipient["aad_object_id"] for row in rows if digestible(row)}
        stats.claimed = len(rows)
        rows += await store.claim_reminders(
            worker=self._worker, now=now, lease=self._lease, people=people
        )
        by_recipient: dict[str, list[Unit]] = defaultdict(list)
        digests: dict[str, list[OutboxRow]] = {}
        for row in sorted(rows, key=lambda row: row.id):
            recipient = row.recipient
            key = recipient.get("aad_object_id") or recipient.get("channel", "")
            if digestible(row):
                if key not in digests:
                    digests[key] = []
                    by_recipient[key].append(digests[key])  # in the place of its first reminder
                digests[key].append(row)
            else:
                by_recipient[key].append(row)

        # the messages of one trajectory in this round are rendered from one read of it (a step
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
                        await self._deliver(unit, stats, trajectory)

        await asyncio.gather(*(deliver_in_order(batch) for batch in by_recipient.values()))
        return stats

    async def _deliver(
        self, row: OutboxRow, stats: DeliveryStats, trajectory: TrajectoryRead
    ) -> None:
        with correlated(f"delivery-{row.id}"):
            await self._deliver_row(row, stats, trajectory)

    async def _deliver_row(
        self, row: OutboxRow, stats: DeliveryStats, read: TrajectoryRead
    ) -> None:
        store = self._services.store
        trajectory_id = row.payload.get("trajectory_id")
        trajectory = await read(trajectory_id) if trajectory_id else None
        if trajectory is None:
            await store.mark_dead(
                row.id, worker=self._worker, now=self._services.clock(), error="trajectory gone"
            )
            stats.dead += 1
            return
        try:
            read_payload(row.kind, row.payload)
        except ValidationError:
            # a row that does not fit its kind is not drawn half: it is set aside, and counted
            log.warning("message %s does not fit its kind %s", row.id, row.kind)
            await store.mark_dead(
                row.id, worker=self._worker, now=self._services.clock(), error="malformed"
            )
            stats.dead += 1
            return
        if row.kind == CALENDAR_EVENT:
            await self._invite(row, trajectory, stats)
            return
        if "aad_object_id" not in row.recipient and not trajectory.binding.team_id:
            # channel news for a trajectory that lives in a chat: its people hear it 1:1
            await store.mark_sent(
                row.id, worker=self._worker, now=self._services.clock(), activity_id=None
            )
            return
        try:
            activity_id = await self._send(row, trajectory)
        except Exception as error:
            log.debug("send failed", exc_info=error)
            await self._failed(row, trajectory, error, stats)
            return
        await store.mark_sent(
            row.id, worker=self._worker, now=self._services.clock(), activity_id=activity_id
        )
        stats.sent += 1
        log.info("message delivered", extra={"outbox_id": row.id, "kind": row.kind})

    async def _deliver_digest(
        self, rows: list[OutboxRow], stats: DeliveryStats, read: TrajectoryRead
    ) -> None:
        """A person's due reminders as one card. The rows are sent and marked together; after a
        crash between the send and the marks the whole digest comes again (at least once)."""
        with correlated(f"digest-{rows[0].id}"):
            store = self._services.store
            ready: list[tuple[OutboxRow, Trajectory]] = []
            for row in rows:
                trajectory = await read(row.payload.get("trajectory_id") or "")
                problem = "trajectory gone" if trajectory is None else ""
                try:
                    read_payload(row.kind, row.payload)
                except ValidationError:
                    problem = problem or "malformed"
                if problem or trajectory is None:
                    await store.mark_dead(
                        row.id, worker=self._worker, now=self._services.clock(), error=problem
                    )
                    stats.dead += 1
                    continue
                ready.append((row, trajectory))
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
                wait = backoff(max(int(row.attempts) for row, _ in ready) + 1, self._rng)
                for row, trajectory in ready:
                    await self._failed(row, trajectory, error, stats, wait=wait)
                return
            for row, _ in ready:
                await store.mark_sent(
                    row.id,
                    worker=self._worker,
                    now=self._services.clock(),
                    activity_id=activity_id,
                )
            stats.sent += len(ready)
            stats.digests += 1
            log.info("digest delivered", extra={"outbox_id": rows[0].id, "kind": "digest"})

    async def _send_digest(self, ready: list[tuple[OutboxRow, Trajectory]]) -> str | None:
        recipient = ready[0][0].recipient
        first = ready[0][1]
        reference = await self._reference_for(recipient, first)
        language = language_for(reference.locale, self._services.settings.default_locale)
        card = digest_card(
            [
                Reminded(data=row.payload, trajectory=t, template=self._services.template_of(t))
                for row, t in ready
            ],
            language=language,
            zone=self._services.zone,
            viewer=Person(
                aad_object_id=recipient["aad_object_id"], name=recipient.get("name") or ""
            ),
            now=self._services.clock(),
        )
        activity = MessageFactory.attachment(CardFactory.adaptive_card(card))
        async with self._pacer.sending(
            conversation=str(reference.conversation.id), tenant=first.binding.tenant_id or "-"
        ):
            return await self._continue(reference, activity)

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
        store = self._services.store
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
        await store.mark_dead(
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
        await self._services.store.mark_retry(
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
        recipient = row.recipient
        if row.kind == "delivery_failed" or "aad_object_id" not in recipient:
            return
        leaders = trajectory.holders(PROJECT_LEADER)
        target: dict[str, Any]
        if leaders and leaders[0].aad_object_id != recipient["aad_object_id"]:
            target = {"aad_object_id": leaders[0].aad_object_id, "name": leaders[0].name}
        else:
            target = {
                "channel": trajectory.binding.channel_key,
                "conversation_id": trajectory.binding.conversation_id,
            }
        body = DeliveryFailed(name=recipient.get("name", ""))
        await self._services.store.enqueue(
            kind=body.kind,
            recipient=target,
            payload={"trajectory_id": trajectory.id, **body.payload()},
            trajectory_id=trajectory.id,
            now=now,
        )

    # -- calendar invitations -------------------------------------------------------------------

    async def _invite(self, row: OutboxRow, trajectory: Trajectory, stats: DeliveryStats) -> None:
        """Create the planned session's Outlook event (with a Teams meeting) in the organiser's
        calendar. Graph being busy is retried; a refusal is reported, never dropped silently."""
        store = self._services.store
        now = self._services.clock()
        if self._calendar is None:
            await self._calendar_failed(row, trajectory, now, "calendar_off", stats)
            return
        try:
            invitation = await self._invitation(row, trajectory)
            created = await self._calendar.create_event(invitation)
        except CalendarTransientError as error:
            attempts = int(row.attempts) + 1
            if attempts >= MAX_ATTEMPTS:
                await self._calendar_failed(row, trajectory, now, error.code, stats)
                return
            reason = f"calendar {error.status or '-'} {error.code}"[:200]
            await self._retry(row, attempts, error.retry_after, reason, stats)
            return
        except (CalendarPermanentError, ValueError) as error:
            code = getattr(error, "code", type(error).__name__)
            await self._calendar_failed(row, trajectory, now, str(code), stats)
            return
        await store.mark_sent(
            row.id, worker=self._worker, now=now, activity_id=created.event_id[:256]
        )
        stats.sent += 1
        if created.uninvited:
            names = {p.aad_object_id: p.name for p in trajectory.members()}
            uninvited = CalendarUninvited(
                step=row.payload.get("step"),
                names=[names.get(oid, "?") for oid in created.uninvited],
            )
            await store.enqueue(
                kind=uninvited.kind,
                recipient=row.recipient,
                payload={"trajectory_id": trajectory.id, **uninvited.payload()},
                trajectory_id=trajectory.id,
                now=now,
            )

    async def _invitation(self, row: OutboxRow, trajectory: Trajectory) -> Invitation:
        payload = row.payload
        organizer = str(row.recipient["aad_object_id"])
        start = datetime.fromisoformat(str(payload["at"]))
        language = language_for(None, self._services.settings.default_locale)
        step = step_label(self._services.template_of(trajectory), str(payload["step"]), language)
        names = {p.aad_object_id: p.name for p in trajectory.members()}
        attendees = []
        for object_id in payload.get("attendees") or []:
            if object_id == organizer:
                continue
            attendees.append(
                Attendee(
                    object_id=object_id,
                    name=names.get(object_id, ""),
                    address=await self._address_of(object_id, trajectory),
                )
            )
        return Invitation(
            key=f"{trajectory.id}:session:{payload.get('session')}",
            organizer_id=organizer,
            subject=text("calendar.subject", language, product=trajectory.product, step=step),
            body=html.escape(
                text("calendar.body", language, product=trajectory.product, step=step)
            ),
            start=start,
            end=start + timedelta(minutes=int(payload.get("minutes") or 60)),
            attendees=tuple(attendees),
            location=str(payload.get("place") or ""),
        )

    async def _address_of(self, aad_object_id: str, trajectory: Trajectory) -> str | None:
        """A person's e-mail address (or UPN), asked of Teams when needed and never stored."""
        try:
            _, member = await self._team_member(aad_object_id, trajectory)
        except Exception:
            return None
        return getattr(member, "email", None) or getattr(member, "user_principal_name", None)

    async def _calendar_failed(
        self,
        row: OutboxRow,
        trajectory: Trajectory,
        now: datetime,
        reason: str,
        stats: DeliveryStats,
    ) -> None:
        log.warning("invitation %s not created (%s)", row.id, reason)
        await self._services.store.mark_dead(
            row.id, worker=self._worker, now=now, error=f"calendar {reason}"[:200]
        )
        stats.dead += 1
        told = {str(row.recipient["aad_object_id"])}
        for leader in trajectory.holders(PROJECT_LEADER):
            told.add(leader.aad_object_id)
        for person in trajectory.members():
            if person.aad_object_id in told:
                told.discard(person.aad_object_id)
                failed = CalendarFailed(step=row.payload.get("step"))
                await self._services.store.enqueue(
                    kind=failed.kind,
                    recipient={"aad_object_id": person.aad_object_id, "name": person.name},
                    payload={"trajectory_id": trajectory.id, **failed.payload()},
                    trajectory_id=trajectory.id,
                    now=now,
                )

    # -- sending ----------------------------------------------------------------------------------

    async def _send(self, row: OutboxRow, trajectory: Trajectory) -> str | None:
        recipient = row.recipient
        reference = await self._reference_for(recipient, trajectory)
        language = language_for(reference.locale, self._services.settings.default_locale)
        if "aad_object_id" not in recipient:
            return await self._post_to_thread(row, trajectory, reference, language)
        rendered = render_message(
            row.kind,
            row.payload,
            trajectory,
            language=language,
            template=self._services.template_of(trajectory),
            zone=self._services.zone,
            viewer=Person(
                aad_object_id=recipient["aad_object_id"], name=recipient.get("name") or ""
            ),
            now=self._services.clock(),
        )
        if rendered.empty:
            return None  # nothing to draw for this person: done without a send
        activity = (
            MessageFactory.attachment(CardFactory.adaptive_card(rendered.card))
            if rendered.card is not None
            else MessageFactory.text(rendered.text or "")
        )
        async with self._pacer.sending(
            conversation=str(reference.conversation.id),
            tenant=trajectory.binding.tenant_id or "-",
        ):
            return await self._continue(reference, activity)

    async def _post_to_thread(
        self,
        row: OutboxRow,
        trajectory: Trajectory,
        reference: ConversationReference,
        language: Language,
    ) -> str | None:
        """The trajectory's channel post: its card shows the current state and is updated in
        place; each event is a short reply in its thread."""
        services = self._services
        card = detail_card(
            trajectory,
            template=services.template_of(trajectory),
            language=language,
            zone=services.zone,
            now=services.clock(),
        )
        post = MessageFactory.attachment(CardFactory.adaptive_card(card))
        channel = str(reference.conversation.id)
        tenant = trajectory.binding.tenant_id or "-"
        thread = await services.store.thread(trajectory.id)
        if thread is None:
            async with self._pacer.sending(conversation=channel, tenant=tenant):
                root = await self._continue(reference, post)
            if root:
                await services.store.save_thread(
                    trajectory.id, conversation_id=channel, activity_id=root, now=services.clock()
                )
            return root
        root = thread[1]
        post.id = root
        async with self._pacer.sending(conversation=channel, tenant=tenant):
            await self._continue(reference, post, update=True)
        rendered = render_message(
            row.kind,
            row.payload,
            trajectory,
            language=language,
            template=services.template_of(trajectory),
            zone=services.zone,
        )
        if rendered.text:
            in_thread = ConversationReference().deserialize(reference.serialize())
            in_thread.conversation.id = f"{channel};messageid={root}"
            async with self._pacer.sending(conversation=in_thread.conversation.id, tenant=tenant):
                return await self._continue(in_thread, MessageFactory.text(rendered.text))
        return None

    async def _continue(
        self, reference: ConversationReference, activity: Activity, *, update: bool = False
    ) -> str | None:
        """Send one activity into a conversation; SDK errors are raised here, not swallowed
        by the adapter's turn error handler."""
        result: dict[str, Any] = {}

        async def send(context: TurnContext) -> None:
            context.turn_state[PACED_ELSEWHERE] = True  # paced here, as bulk
            try:
                if update:
                    response = await context.update_activity(activity)
                else:
                    response = await context.send_activity(activity)
                result["id"] = response.id if response else None
            except Exception as error:
                result["error"] = error

        await self._adapter.continue_conversation(reference, send, self._services.settings.app_id)
        if "error" in result:
            raise result["error"]
        return result.get("id")

    async def _reference_for(
        self, recipient: dict[str, Any], trajectory: Trajectory
    ) -> ConversationReference:
        store = self._services.store
        if "aad_object_id" not in recipient:
            stored = await store.conversation_reference(trajectory.binding.conversation_id)
            if stored is None:
                raise Unreachable("channel")
            return ConversationReference().deserialize(stored)
        stored = await store.personal_conversation_reference(recipient["aad_object_id"])
        if stored is not None:
            return ConversationReference().deserialize(stored)
        return await self._create_personal(recipient["aad_object_id"], trajectory)

    async def _team_member(
        self, aad_object_id: str, trajectory: Trajectory
    ) -> tuple[ConversationReference, TeamsChannelAccount]:
        """The person as a member of the trajectory's team (and the team's reference)."""
        team_ref = await self._services.store.conversation_reference(
            trajectory.binding.conversation_id
        )
        if team_ref is None or not trajectory.binding.team_id:
            raise Unreachable("no team to find the person in")
        base = ConversationReference().deserialize(team_ref)
        team_id = trajectory.binding.team_id
        found: dict[str, Any] = {}

        async def lookup(context: TurnContext) -> None:
            try:
                found["member"] = await TeamsInfo.get_team_member(context, team_id, aad_object_id)
            except Exception as error:
                found["error"] = error

        await self._adapter.continue_conversation(base, lookup, self._services.settings.app_id)
        if "error" in found:
            raise found["error"]
        return base, found["member"]

    async def _create_personal(
        self, aad_object_id: str, trajectory: Trajectory
    ) -> ConversationReference:
        """Create the 1:1 chat once, via the trajectory's team, and remember it."""
        store = self._services.store
        base, member = await self._team_member(aad_object_id, trajectory)
        tenant = trajectory.binding.tenant_id
        parameters = ConversationParameters(
            is_group=False,
            bot=base.bot,
            members=[ChannelAccount(id=member.id)],
            tenant_id=tenant,
            channel_data={"tenant": {"id": tenant}} if tenant else None,
        )
        created: dict[str, Any] = {}

        async def remember(context: TurnContext) -> None:
            created["reference"] = TurnContext.get_conversation_reference(context.activity)

        await self._adapter.create_conversation(
            self._services.settings.app_id,
            remember,
            parameters,
            base.channel_id,
            base.service_url,
            None,
        )
        reference: ConversationReference = created["reference"]
        reference.user = ChannelAccount(id=member.id, aad_object_id=aad_object_id, name=member.name)
        await store.save_conversation_reference(
            conversation_id=str(reference.conversation.id),
            conversation_type="personal",
            reference=reference.serialize(),
            tenant_id=tenant,
            aad_object_id=aad_object_id,
            now=self._services.clock(),
        )
        return reference
