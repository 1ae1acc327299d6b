"""The floors P1 is measured against, each run as a server of its own.

``python -m bench.baselines sdk-echo PORT``: the bare Bot Framework SDK echo bot, as its samples
write it (``CloudAdapter`` with authentication off, an ``ActivityHandler`` that echoes): the SDK's
own per-turn floor.

``python -m bench.baselines sdk-echo-reused PORT``: the same echo bot with the connector clients
reused across turns (``bot.connectors``), to show how much of the SDK's floor is avoidable.

``python -m bench.baselines plain-echo PORT``: the same echo written against the Bot Framework
protocol with plain aiohttp: read the activity, POST the reply to
``{serviceUrl}/v3/conversations/{id}/activities/{replyToId}`` with one pooled client session.
The floor of this machine (and of Python + aiohttp) for one turn that answers.

``python -m bench.baselines connector PORT``: a minimal loopback Bot Connector that all three bots
post their replies to; it answers every send with a new activity id.
"""

from __future__ import annotations

import itertools
import logging
import sys
from collections.abc import AsyncIterator
from types import SimpleNamespace
from urllib.parse import quote

import aiohttp
from aiohttp import web


async def ready(_request: web.Request) -> web.Response:
    return web.Response(text="ok")


def sdk_echo(*, reuse_connectors: bool = False) -> web.Application:
    from botbuilder.core import ActivityHandler, MessageFactory, TurnContext
    from botbuilder.integration.aiohttp import (
        CloudAdapter,
        ConfigurationBotFrameworkAuthentication,
    )

    from bot.connectors import ReusedConnectors

    class EchoBot(ActivityHandler):
        async def on_message_activity(self, turn_context: TurnContext) -> None:
            text = turn_context.activity.text
            await turn_context.send_activity(MessageFactory.text(f"Echo: {text}"))

    configuration = SimpleNamespace(APP_ID="", APP_PASSWORD="", APP_TYPE="MultiTenant")
    authentication = ConfigurationBotFrameworkAuthentication(configuration)
    adapter = CloudAdapter(ReusedConnectors(authentication) if reuse_connectors else authentication)
    bot = EchoBot()

    async def messages(request: web.Request) -> web.StreamResponse:
        response = await adapter.process(request, bot)
        return response if response is not None else web.Response(status=201)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    return app


SESSION = web.AppKey("session", aiohttp.ClientSession)


def plain_echo() -> web.Application:
    async def messages(request: web.Request) -> web.Response:
        activity = await request.json()
        if activity.get("type") == "message":
            conversation = activity["conversation"]["id"]
            reply = {
                "type": "message",
                "text": f"Echo: {activity.get('text')}",
                "from": activity["recipient"],
                "recipient": activity["from"],
                "conversation": activity["conversation"],
                "replyToId": activity["id"],
            }
            url = (
                f"{activity['serviceUrl'].rstrip('/')}/v3/conversations/"
                f"{quote(conversation, safe='')}/activities/{quote(activity['id'], safe='')}"
            )
            async with request.app[SESSION].post(url, json=reply) as response:
                await response.read()
        return web.Response(status=201)

    async def session(app: web.Application) -> AsyncIterator[None]:
        app[SESSION] = aiohttp.ClientSession()
        yield
        await app[SESSION].close()

    app = web.Application()
    app.cleanup_ctx.append(session)
    app.router.add_post("/api/messages", messages)
    return app


def connector() -> web.Application:
    ids = itertools.count(1)

    async def activities(request: web.Request) -> web.Response:
        await request.read()
        return web.json_response({"id": f"activity-{next(ids)}"}, status=201)

    app = web.Application()
    conversation = "/v3/conversations/{conversation_id}"
    app.router.add_post(f"{conversation}/activities", activities)
    app.router.add_post(f"{conversation}/activities/{{activity_id}}", activities)
    app.router.add_put(f"{conversation}/activities/{{activity_id}}", activities)
    app.router.add_get("/", ready)
    return app


SERVERS = {
    "sdk-echo": sdk_echo,
    "sdk-echo-reused": lambda: sdk_echo(reuse_connectors=True),
    "plain-echo": plain_echo,
    "connector": connector,
}


def main() -> None:
    kind, port = sys.argv[1], int(sys.argv[2])
    logging.basicConfig(level=logging.WARNING)
    app = SERVERS[kind]()
    if kind != "connector":
        app.router.add_get("/", ready)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main()
