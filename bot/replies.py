"""A turn's own replies, paced: what answers a person's click or message goes out through the
same pacer as the outbox, ahead of bulk sends, and a 429 is waited out and tried again.

An invoke's answer travels in the HTTP response and is not paced; everything a turn sends or
updates through the Bot Connector is. The dispatcher paces its own sends (as bulk) and marks
its proactive turns, which pass here unpaced."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ActivityTypes, ResourceResponse
from botframework.connector.auth import BotFrameworkAuthentication

from bot.delivery.retry import http_status, retry_after
from bot.pacing import Pacer
from bot.turn import activity_tenant

log = logging.getLogger(__name__)

PACED_ELSEWHERE = "wasstraat.paced"  # turn state: this (proactive) turn's sends are paced already
NOT_SENT = frozenset({ActivityTypes.invoke_response, ActivityTypes.trace, "delay"})
ATTEMPTS = 3  # a reply Teams throttles is tried this often in all
LONGEST_WAIT = 5.0  # seconds; a person is waiting, a longer Retry-After fails the reply
T = TypeVar("T")


class PacedAdapter(CloudAdapter):
    def __init__(self, authentication: BotFrameworkAuthentication, pacer: Pacer) -> None:
        super().__init__(authentication)
        self.pacer = pacer

    def _unpaced(self, context: TurnContext) -> bool:
        return bool(context.turn_state.get(PACED_ELSEWHERE))

    async def _paced(
        self, context: TurnContext, conversation: str, send: Callable[[], Awaitable[T]]
    ) -> T:
        tenant = activity_tenant(context.activity) or "-"
        for attempt in range(1, ATTEMPTS + 1):
            try:
                async with self.pacer.sending(
                    conversation=conversation, tenant=tenant, interactive=True
                ):
                    return await send()
            except Exception as error:
                if http_status(error) != 429 or attempt == ATTEMPTS:
                    raise
                wait = retry_after(error, datetime.now(UTC))
                if wait is not None and wait > LONGEST_WAIT:
                    raise
                log.info("a reply was throttled; it is tried again")
                await self.pacer.sleep(wait if wait is not None else 0.5 * attempt)
        raise AssertionError("unreachable")

    async def send_activities(
        self, context: TurnContext, activities: list[Activity]
    ) -> list[ResourceResponse]:
        if self._unpaced(context):
            return await super().send_activities(context, activities)
        responses: list[ResourceResponse] = []
        for activity in activities:
            if activity.type in NOT_SENT:
                responses += await super().send_activities(context, [activity])
                continue

            async def send(one: Activity = activity) -> list[ResourceResponse]:
                return await CloudAdapter.send_activities(self, context, [one])

            responses += await self._paced(context, str(activity.conversation.id), send)
        return responses

    async def update_activity(self, context: TurnContext, activity: Activity) -> Any:
        if self._unpaced(context):
            return await super().update_activity(context, activity)

        async def send() -> Any:
            return await CloudAdapter.update_activity(self, context, activity)

        return await self._paced(context, str(activity.conversation.id), send)
