"""A planned working session as an Outlook event (with a Teams meeting) in the organiser's
calendar, through Microsoft Graph. Graph being busy is retried; a refusal is reported to the
organiser and the project leaders, never dropped silently."""

from __future__ import annotations

import html
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.calendar import (
    Attendee,
    CalendarPermanentError,
    CalendarTransientError,
    GraphCalendar,
    Invitation,
)
from bot.delivery.conversations import Conversations
from bot.delivery.retry import MAX_ATTEMPTS, DeliveryStats
from bot.services import Services
from cards.catalogue import language_for, text
from cards.status import step_label
from storage import OutboxRow, Outgoing, ToPerson
from wasstraat.effects import CalendarEvent, CalendarFailed, CalendarUninvited
from wasstraat.model import Trajectory
from wasstraat.template import PROJECT_LEADER

log = logging.getLogger(__name__)

# try the row again after a wait (None: a backoff), counting the attempt and its reason
Retry = Callable[[OutboxRow, int, float | None, str, DeliveryStats], Awaitable[None]]


class Invitations:
    def __init__(
        self,
        services: Services,
        conversations: Conversations,
        calendar: GraphCalendar | None,
        *,
        worker: str,
        retry: Retry,
    ) -> None:
        self._services = services
        self._conversations = conversations
        self._calendar = calendar
        self._worker = worker
        self._retry = retry

    async def deliver(
        self, row: OutboxRow, event: CalendarEvent, trajectory: Trajectory, stats: DeliveryStats
    ) -> None:
        outbox = self._services.store.outbox
        now = self._services.clock()
        if self._calendar is None:
            await self._failed(row, event, trajectory, now, "calendar_off", stats)
            return
        try:
            invitation = await self._invitation(row, event, trajectory)
            created = await self._calendar.create_event(invitation)
        except CalendarTransientError as error:
            attempts = int(row.attempts) + 1
            if attempts >= MAX_ATTEMPTS:
                await self._failed(row, event, trajectory, now, error.code, stats)
                return
            reason = f"calendar {error.status or '-'} {error.code}"[:200]
            await self._retry(row, attempts, error.retry_after, reason, stats)
            return
        except (CalendarPermanentError, ValueError) as error:
            code = getattr(error, "code", type(error).__name__)
            await self._failed(row, event, trajectory, now, str(code), stats)
            return
        await outbox.mark_sent(
            row.id, worker=self._worker, now=now, activity_id=created.event_id[:256]
        )
        stats.sent += 1
        if created.uninvited:
            names = {p.aad_object_id: p.name for p in trajectory.members()}
            uninvited = CalendarUninvited(
                step=event.step, names=[names.get(oid, "?") for oid in created.uninvited]
            )
            await outbox.enqueue(
                Outgoing(recipient=row.recipient, body=uninvited, trajectory_id=trajectory.id),
                now=now,
            )

    async def _invitation(
        self, row: OutboxRow, event: CalendarEvent, trajectory: Trajectory
    ) -> Invitation:
        if row.person is None:
            raise ValueError("an invitation is organised by a person")
        organizer = row.person.aad_object_id
        start = datetime.fromisoformat(event.at)
        language = language_for(None, self._services.settings.default_locale)
        step = step_label(self._services.template_of(trajectory), event.step, language)
        names = {p.aad_object_id: p.name for p in trajectory.members()}
        attendees = []
        for object_id in event.attendees:
            if object_id == organizer:
                continue
            attendees.append(
                Attendee(
                    object_id=object_id,
                    name=names.get(object_id, ""),
                    address=await self._conversations.address_of(object_id, trajectory),
                )
            )
        return Invitation(
            key=f"{trajectory.id}:session:{event.session}",
            organizer_id=organizer,
            subject=text("calendar.subject", language, product=trajectory.product, step=step),
            body=html.escape(
                text("calendar.body", language, product=trajectory.product, step=step)
            ),
            start=start,
            end=start + timedelta(minutes=event.minutes or 60),
            attendees=tuple(attendees),
            location=event.place or "",
        )

    async def _failed(
        self,
        row: OutboxRow,
        event: CalendarEvent,
        trajectory: Trajectory,
        now: datetime,
        reason: str,
        stats: DeliveryStats,
    ) -> None:
        log.warning("invitation %s not created (%s)", row.id, reason)
        outbox = self._services.store.outbox
        await outbox.mark_dead(
            row.id, worker=self._worker, now=now, error=f"calendar {reason}"[:200]
        )
        stats.dead += 1
        told = {row.person.aad_object_id} if row.person is not None else set()
        for leader in trajectory.holders(PROJECT_LEADER):
            told.add(leader.aad_object_id)
        for person in trajectory.members():
            if person.aad_object_id in told:
                told.discard(person.aad_object_id)
                await outbox.enqueue(
                    Outgoing(
                        recipient=ToPerson(aad_object_id=person.aad_object_id, name=person.name),
                        body=CalendarFailed(step=event.step),
                        trajectory_id=trajectory.id,
                    ),
                    now=now,
                )
