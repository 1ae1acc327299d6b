"""Access that outlives its reason: an uninstalled 1:1 chat, a download link of someone who
left the project group, an open metrics endpoint."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import RUNTIME, create_app
from bot.settings import Settings
from bot.workflow import Workflow
from tests.conftest import BotClient, FixedClock, payload
from tests.scenario.driving import ADELE, LYNNE, PL, as_person
from wasstraat import commands as c

PERSONAL_CHAT = "91de9fff-b6db-4f3b-9fab-0b461f322436"


async def test_removing_the_app_from_a_1_1_chat_forgets_its_reference(bot: BotClient):
    await bot.post(payload("installationUpdate_add_personal", bot.connector))
    assert await bot.store.references.of_conversation(PERSONAL_CHAT) is not None
    removed = payload("installationUpdate_add_personal", bot.connector, action="remove")
    assert (await bot.post(removed)).status in (200, 201)
    assert await bot.store.references.of_conversation(PERSONAL_CHAT) is None
    assert await bot.store.references.personal(PL.aad_object_id) is None


async def test_a_dossier_link_stops_working_for_someone_removed_from_the_group(bot: BotClient):
    await bot.say("start Parkeervergunning")
    [trajectory] = await bot.store.trajectories_in_channel(PERSONAL_CHAT)
    workflow = Workflow(bot.http.server.app[RUNTIME].services)
    await workflow.execute(trajectory.id, c.AssignRole(role="sponsor", people=[ADELE]), PL)
    bot.connector.calls.clear()
    await bot.post(as_person(payload("message_text_personal", bot.connector, text="export"), ADELE))
    [card] = bot.connector.cards()
    [url] = [a["url"] for a in card.get("actions", []) if a.get("type") == "Action.OpenUrl"]
    link = urlsplit(url)
    assert (await bot.http.get(f"{link.path}?{link.query}")).status == 200
    await workflow.execute(trajectory.id, c.AssignRole(role="sponsor", people=[LYNNE]), PL)
    assert (await bot.http.get(f"{link.path}?{link.query}")).status == 403  # within its hour


@pytest.mark.parametrize(
    "header, status",
    [(None, 401), ("Bearer wrong", 401), ("s3cret-metrics", 401), ("Bearer s3cret-metrics", 200)],
)
async def test_metrics_can_require_a_bearer_token(
    database_url: str, clock: FixedClock, header: str | None, status: int
):
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database_url,
        deliver_in_background=False,
        run_timers=False,
        metrics_token="s3cret-metrics",
    )
    client = TestClient(TestServer(create_app(settings, clock=clock), host="127.0.0.1"))
    await client.start_server()
    try:
        headers = {"Authorization": header} if header else {}
        response = await client.get("/metrics", headers=headers)
        assert response.status == status
        assert ("wasstraat_turns" in await response.text()) is (status == 200)
    finally:
        await client.close()


async def test_metrics_are_open_without_a_token_configured(bot: BotClient):
    assert (await bot.http.get("/metrics")).status == 200
