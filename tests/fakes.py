"""Loopback fakes of services that cannot run here, speaking their documented HTTP APIs."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass
class Call:
    method: str
    path: str
    body: Any


@dataclass
class FakeConnector:
    """The Bot Connector API of a Teams ``serviceUrl`` (the part the bot calls): replies,
    proactive sends, updates and creating 1:1 conversations. It records every call."""

    calls: list[Call] = field(default_factory=list)
    server: TestServer | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("")).rstrip("/")

    def activities(self) -> list[dict[str, Any]]:
        """Activities the bot sent (replies and new messages), in order."""
        return [
            call.body for call in self.calls if call.method == "POST" and "/activities" in call.path
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

    def updates(self) -> list[dict[str, Any]]:
        return [call.body for call in self.calls if call.method == "PUT"]

    async def _record(self, request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else None
        self.calls.append(Call(request.method, request.path, body))
        if request.method == "POST" and request.path == "/v3/conversations":
            return web.json_response({"id": f"a:conversation-{next(self._ids)}"}, status=201)
        if request.method == "PUT":
            return web.json_response({"id": request.match_info.get("activity_id", "")})
        return web.json_response({"id": f"activity-{next(self._ids)}"}, status=201)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3/conversations", self._record)
        app.router.add_post("/v3/conversations/{conversation_id}/activities", self._record)
        app.router.add_post(
            "/v3/conversations/{conversation_id}/activities/{activity_id}", self._record
        )
        app.router.add_put(
            "/v3/conversations/{conversation_id}/activities/{activity_id}", self._record
        )
        return app

    async def start(self) -> None:
        self.server = TestServer(self.app(), host="127.0.0.1")
        await self.server.start_server()

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()
