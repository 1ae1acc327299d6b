"""Loopback fakes of services that cannot run here, speaking their documented HTTP APIs."""

from __future__ import annotations

import itertools
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

# Teams' limits per bot per conversation, and per app per tenant (requests, seconds)
CONVERSATION_LIMITS = ((7, 1.0), (8, 2.0), (60, 30.0), (1800, 3600.0))
TENANT_LIMITS = ((50, 1.0),)


ISSUED = "activity-"  # the ids the fake gives the activities it takes


@dataclass
class Call:
    method: str
    path: str
    body: Any
    status: int
    at: float
    answer: Any = None  # what the fake answered (the activity id it gave)


@dataclass
class FakeConnector:
    """The Bot Connector API of a Teams ``serviceUrl`` (the part the bot calls): replies,
    proactive sends, updates, members and creating 1:1 conversations. It records every call,
    enforces Teams' rate limits with 429s, and can be told to fail chosen conversations."""

    enforce_limits: bool = True
    calls: list[Call] = field(default_factory=list)
    members: dict[str, dict[str, Any]] = field(default_factory=dict)  # by aadObjectId
    # scripted failures: conversation id → statuses to answer, one per send, in order
    faults: dict[str, list[int]] = field(default_factory=dict)
    # the same, for the updates of activities in place only
    update_faults: dict[str, list[int]] = field(default_factory=dict)
    retry_after: str | None = "1"
    forbidden: set[str] = field(default_factory=set)  # conversation ids that answer 403
    server: TestServer | None = None
    violations: int = 0
    # called for each send Teams accepts, before it is answered (a test can crash the sender there)
    on_send: Callable[[], None] | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _sent: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _issued: set[str] = field(default_factory=set)  # the activity ids it gave

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("")).rstrip("/")

    def add_member(self, aad_object_id: str, name: str) -> None:
        self.members[aad_object_id] = {
            "id": f"29:{aad_object_id}",
            "name": name,
            "aadObjectId": aad_object_id,
        }

    def activities(self) -> list[dict[str, Any]]:
        """Activities the bot sent successfully (replies and new messages), in order."""
        return [
            call.body
            for call in self.calls
            if call.method == "POST" and "/activities" in call.path and call.status < 300
        ]

    def sent_ids(self, conversation: str) -> list[tuple[str, dict[str, Any]]]:
        """(activity id Teams gave, activity) for every send into ``conversation``."""
        return [
            (call.answer["id"], call.body)
            for call in self.calls
            if call.method == "POST"
            and "/activities" in call.path
            and call.status < 300
            and call.path.split("/")[3] == conversation
        ]

    def delivered(self) -> list[tuple[str, dict[str, Any]]]:
        """(conversation id, activity) for every successful send."""
        return [
            (call.path.split("/")[3], call.body)
            for call in self.calls
            if call.method == "POST" and "/activities" in call.path and call.status < 300
        ]

    def texts(self) -> list[str]:
        return [a.get("text") or "" for a in self.activities()]

    def cards(self) -> list[dict[str, Any]]:
        return [
            attachment["content"]
            for activity in self.activities()
            for attachment in activity.get("attachments") or []
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive"
        ]

    def updates(self, conversation: str | None = None) -> list[dict[str, Any]]:
        """Activities updated in place (in ``conversation``, when given), in order."""
        return [
            call.body
            for call in self.calls
            if call.method == "PUT"
            and call.status < 300
            and (conversation is None or call.path.split("/")[3] == conversation)
        ]

    def _over_limit(self, key: str, limits: tuple[tuple[int, float], ...], now: float) -> bool:
        sent = self._sent[key]
        longest = max(window for _, window in limits)
        while sent and sent[0] <= now - longest:
            sent.popleft()
        return any(sum(1 for t in sent if t > now - window) >= count for count, window in limits)

    def _answer(self, request: web.Request, body: Any, status: int, payload: Any) -> web.Response:
        self.calls.append(
            Call(request.method, request.path, body, status, time.monotonic(), payload)
        )
        headers = {"Retry-After": self.retry_after} if status == 429 and self.retry_after else None
        return web.json_response(payload, status=status, headers=headers)

    def _refused(self, request: web.Request, body: Any, conversation: str) -> web.Response | None:
        """What Teams answers instead of taking the send (or update): not in the roster, a
        scripted fault, or over a limit (a send and an update count alike)."""
        now = time.monotonic()
        if conversation in self.forbidden:
            return self._answer(
                request, body, 403, {"error": {"code": "BotNotInConversationRoster"}}
            )
        scripted = self.faults.get(conversation)
        if scripted:
            return self._answer(request, body, scripted.pop(0), {"error": {"code": "scripted"}})
        if self.enforce_limits and (
            self._over_limit(f"c:{conversation}", CONVERSATION_LIMITS, now)
            or self._over_limit("tenant", TENANT_LIMITS, now)
        ):
            self.violations += 1
            return self._answer(request, body, 429, {"error": {"code": "Throttled"}})
        self._sent[f"c:{conversation}"].append(now)
        self._sent["tenant"].append(now)
        return None

    async def _activities(self, request: web.Request) -> web.Response:
        body = await request.json()
        conversation = request.match_info["conversation_id"]
        refused = self._refused(request, body, conversation)
        if refused is not None:
            return refused
        if self.on_send is not None:
            self.on_send()
        status = 200 if "activity_id" in request.match_info else 201
        activity_id = f"{ISSUED}{next(self._ids)}"
        self._issued.add(activity_id)
        return self._answer(request, body, status, {"id": activity_id})

    async def _update(self, request: web.Request) -> web.Response:
        """Teams' update of an activity: an id of its own must be one it gave (an id from a
        captured client payload is one Teams gave before), and the body's id the same; counted
        against the limits as a send."""
        body = await request.json()
        activity_id = request.match_info["activity_id"]
        ours = activity_id.startswith(ISSUED)
        if (ours and activity_id not in self._issued) or body.get("id") not in (None, activity_id):
            return self._answer(request, body, 404, {"error": {"code": "ActivityNotFound"}})
        scripted = self.update_faults.get(request.match_info["conversation_id"])
        if scripted:
            return self._answer(request, body, scripted.pop(0), {"error": {"code": "scripted"}})
        refused = self._refused(request, body, request.match_info["conversation_id"])
        if refused is not None:
            return refused
        return self._answer(request, body, 200, {"id": activity_id})

    async def _create(self, request: web.Request) -> web.Response:
        body = await request.json()
        members = body.get("members") or [{}]
        return self._answer(request, body, 201, {"id": f"a:personal-{members[0].get('id')}"})

    async def _member(self, request: web.Request) -> web.Response:
        member = self.members.get(request.match_info["user_id"])
        if member is None:
            return self._answer(request, None, 404, {"error": {"code": "MemberNotFound"}})
        return self._answer(request, None, 200, member)

    async def _paged_members(self, request: web.Request) -> web.Response:
        """Pages of ``pageSize`` members; the continuation token is the next offset."""
        size = int(request.query.get("pageSize", "100"))
        start = int(request.query.get("continuationToken", "0") or "0")
        members = list(self.members.values())
        page = members[start : start + size]
        token = str(start + size) if start + size < len(members) else None
        return self._answer(request, None, 200, {"members": page, "continuationToken": token})

    def app(self) -> web.Application:
        app = web.Application()
        conversation = "/v3/conversations/{conversation_id}"
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post(f"{conversation}/activities", self._activities)
        app.router.add_post(f"{conversation}/activities/{{activity_id}}", self._activities)
        app.router.add_put(f"{conversation}/activities/{{activity_id}}", self._update)
        app.router.add_get(f"{conversation}/members/{{user_id}}", self._member)
        app.router.add_get(f"{conversation}/pagedmembers", self._paged_members)
        return app

    async def start(self) -> None:
        self.server = TestServer(self.app(), host="127.0.0.1")
        await self.server.start_server()

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()
