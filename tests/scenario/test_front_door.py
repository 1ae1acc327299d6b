"""The front door of ``POST /api/messages``: a body of sane shape and identifiers that fit are
checked before anything else (authentication included), and refused with 400, quietly."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import RUNTIME, create_app
from bot.settings import Settings
from tests.conftest import TENANT, BotClient, FixedClock, payload
from tests.fakes import FakeConnector
from tests.tools.readers import ReadingStore

APP_ID = "5d2e7b1a-0c4f-4e8a-9b3d-6f1a2c3e4d5f"


@pytest.fixture
async def secured(
    database_url: str, connector: FakeConnector, clock: FixedClock
) -> AsyncIterator[TestClient]:
    """The bot with an app id: every request needs a token (none is given here)."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database_url,
        deliver_in_background=False,
        run_timers=False,
        MICROSOFT_APP_ID=APP_ID,
        MICROSOFT_APP_PASSWORD="not-used-here",
        MICROSOFT_APP_TENANT_ID=TENANT,
    )
    client = TestClient(TestServer(create_app(settings, clock=clock), host="127.0.0.1"))
    await client.start_server()
    yield client
    await client.close()


def nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


def deep_bodies(connector: FakeConnector) -> dict[str, bytes]:
    in_value = payload("message_value_action_submit", connector)
    in_value["value"] = {"data": "__NESTED__"}
    moderate = payload("invoke_adaptiveCard_action_execute", connector)
    moderate["value"]["action"]["data"] = {"x": nested(100)}
    return {
        "1,000 bare brackets": b"[" * 1000 + b"]" * 1000,
        "3,000 levels in value": json.dumps(in_value)
        .replace('"__NESTED__"', "[" * 3000 + "]" * 3000)
        .encode(),
        "100 levels in card data": json.dumps(moderate).encode(),
    }


@pytest.mark.parametrize(
    "case", ["1,000 bare brackets", "3,000 levels in value", "100 levels in card data"]
)
async def test_deeply_nested_json_is_refused_before_authentication_without_a_traceback(
    secured: TestClient, connector: FakeConnector, production_log: io.StringIO, case: str
):
    body = deep_bodies(connector)[case]
    response = await secured.post(
        "/api/messages", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status == 400  # not 500, and not 401: refused before the token is looked at
    assert (await response.json())["error"].startswith("malformed")
    logged = production_log.getvalue()
    assert "Traceback" not in logged and "RecursionError" not in logged
    store = ReadingStore(secured.server.app[RUNTIME].services.store)
    assert await store.count_trajectories() == 0 and await store.audit_entries() == []
    assert connector.calls == []


LONG_IDS: dict[str, tuple[tuple[str, ...], str]] = {
    "a 100-character tenant id": (("conversation", "tenantId"), "t" * 100),
    "a 100-character tenant id in channelData": (("channelData", "tenant", "id"), "t" * 100),
    "a 499-character conversation id": (("conversation", "id"), "a:" + "c" * 497),
    "an object id of 65 characters": (("from", "aadObjectId"), "0" * 65),
    "a NUL byte in the conversation id": (("conversation", "id"), "a:conv\x00ersation"),
    "a NUL byte in the object id": (("from", "aadObjectId"), "00000000-\x00"),
    "a sender id of 300 characters": (("from", "id"), "29:" + "u" * 297),
    "an activity id of 300 characters": (("id",), "x" * 300),
    "a tenant id that is a number": (("conversation", "tenantId"), 42),  # type: ignore[dict-item]
}


def put(activity: dict[str, Any], path: tuple[str, ...], value: object) -> None:
    for key in path[:-1]:
        activity = activity.setdefault(key, {})
    activity[path[-1]] = value


@pytest.mark.parametrize("case", sorted(LONG_IDS))
async def test_identifiers_that_do_not_fit_are_refused_with_400(
    bot: BotClient, production_log: io.StringIO, case: str
):
    path, value = LONG_IDS[case]
    activity = payload("message_text_personal", bot.connector, text="start Paspoort")
    put(activity, path, value)
    response = await bot.post(activity)
    assert response.status == 400
    assert await bot.store.count_trajectories() == 0
    assert bot.connector.calls == []
    assert "Traceback" not in production_log.getvalue()


async def test_identifiers_as_teams_sends_them_still_get_in(bot: BotClient):
    activity = payload("message_text_personal", bot.connector, text="start Paspoort")
    activity["conversation"]["id"] = "a:1" + "Q" * 150  # a long personal conversation id
    assert (await bot.post(activity)).status in (200, 201)
    assert await bot.store.count_trajectories() == 1
