"""Teams activity feed notifications through Microsoft Graph (``TeamsActivity.Send``): a new
task, a reminder or an escalation also reaches the bell, whose click opens the person's chat
with the bot, where the task's card is.

Sent before the chat message it announces, with a ``chainId`` derived from the task and its
round: a retry (after a failed chat send, or a crash between the send and its mark) replaces
the notification Teams shows instead of adding a second one. Off unless Graph is enabled; the
activity types are declared in the app manifest (``activities.activityTypes``)."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

from bot.calendar import (
    TRANSIENT_STATUSES,
    CalendarTransientError,
    GraphCalendar,
    graph_error_code,
)
from cards.view import Rendered
from wasstraat.effects import Body, Reminder, TaskOverdue
from wasstraat.model import Trajectory
from wasstraat.template import Template

log = logging.getLogger(__name__)

ActivityType = Literal["taskAssigned", "taskReminder", "taskOverdue"]
PREVIEW_LENGTH = 150  # Graph's limit for the preview text


def feed_type(body: Body, *, asks: bool) -> ActivityType | None:
    """What a message is in the activity feed, if anything: an escalation, a reminder, or a
    card that asks something of its person (a new task)."""
    if isinstance(body, TaskOverdue):
        return "taskOverdue"
    if isinstance(body, Reminder):
        return "taskReminder"
    return "taskAssigned" if asks else None


def task_key(body: Body, trajectory: Trajectory, template: Template) -> str | None:
    """The task a card brings, as the feed's chain: the trajectory, the step and the step's
    round. A step card and the approval card of that step are one task (the second replaces
    the first in the feed); a step opened again is a new one."""
    step = getattr(body, "step", None)
    subject = getattr(body, "subject", None)
    if step is None and isinstance(subject, str):
        approving = template.approval_step(subject)
        step = approving.id if approving is not None else None
    if not isinstance(step, str) or step not in trajectory.steps:
        return None
    return f"task:{trajectory.id}:{step}:{trajectory.steps[step].rounds}"


def title_of(rendered: Rendered) -> str:
    """What a notification says of a message: its card's first line, else its text."""
    card = rendered.card
    if card is not None:
        for block in card.get("body", []):
            if isinstance(block, dict) and block.get("type") == "TextBlock" and block.get("text"):
                return str(block["text"])
    return rendered.text or ""


class FeedTransientError(CalendarTransientError):
    """Graph is busy or unreachable; the same notification may go through later."""


@dataclass(frozen=True, slots=True)
class Notification:
    """One activity notification: to whom (Entra object id), in which team (None: the user's
    own scope), its declared type, the preview and the ``{task}`` of its template text, where
    its click leads, and the key of the task and round it announces."""

    user_id: str
    team_id: str | None
    activity_type: ActivityType
    topic: str
    task: str
    web_url: str
    key: str

    def chain_id(self) -> int:
        """The same task and round, the same chain: a repeat replaces, never adds."""
        return int(hashlib.sha256(self.key.encode()).hexdigest()[:15], 16)

    def body(self) -> dict[str, Any]:
        task = self.task[:PREVIEW_LENGTH]
        body: dict[str, Any] = {
            "topic": {
                "source": "text",
                "value": self.topic[:PREVIEW_LENGTH],
                "webUrl": self.web_url,
            },
            "activityType": self.activity_type,
            "previewText": {"content": task},
            "templateParameters": [{"name": "task", "value": task}],
            "chainId": self.chain_id(),
        }
        if self.team_id:
            body["recipient"] = {
                "@odata.type": "microsoft.graph.aadUserNotificationRecipient",
                "userId": self.user_id,
            }
        return body

    def path(self) -> str:
        if self.team_id:
            return f"/teams/{quote(self.team_id, safe='')}/sendActivityNotification"
        return f"/users/{quote(self.user_id, safe='')}/teamwork/sendActivityNotification"


class ActivityFeed:
    def __init__(self, graph: GraphCalendar, *, bot_id: str) -> None:
        self._graph = graph
        self._bot_id = bot_id

    def chat_link(self) -> str:
        """Where a click on a notification leads: the person's chat with the bot."""
        return f"https://teams.microsoft.com/l/chat/0/0?users=28:{quote(self._bot_id, safe='')}"

    async def notify(self, notification: Notification) -> bool:
        """Send it; False when Graph refused it for good (the chat message still goes). Raises
        ``FeedTransientError`` when it is worth trying again (the caller retries the row)."""
        ref = f"chain {notification.chain_id()}"
        status, retry_after, payload = await self._graph.post(
            notification.path(), notification.body(), ref=ref
        )
        if 200 <= status < 300:
            return True
        code = graph_error_code(payload)
        if status in TRANSIENT_STATUSES:
            log.warning("activity notification: Graph answered %s %s (%s)", status, code, ref)
            raise FeedTransientError(status, code, retry_after)
        log.error("activity notification refused: %s %s (%s)", status, code, ref)
        return False
