"""Scenario tests: real Playground payloads through create_app's HTTP endpoint, replies caught
by a loopback fake of the connector's serviceUrl."""

from __future__ import annotations

import asyncio
import json

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import RUNTIME, create_app
from bot.settings import Settings
from tests.conftest import ALEX, TENANT, BotClient, payload
from tests.fakes import FakeConnector


def card_texts(card: dict) -> str:
    """All text in a card, for asserting what a person would read."""
    return json.dumps(card, ensure_ascii=False)


async def test_install_in_personal_chat_greets_with_welcome_card_in_english(bot: BotClient):
    response = await bot.post(payload("installationUpdate_add_personal", bot.connector))
    assert response.status == 201
    [card] = bot.connector.cards()
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    assert "Welcome to the Wasstraat" in card_texts(card)
    assert await bot.store.references.of_conversation("91de9fff-b6db-4f3b-9fab-0b461f322436")


async def test_install_greets_in_dutch_by_default(bot: BotClient):
    activity = payload("installationUpdate_add_channel", bot.connector, locale=None, entities=[])
    await bot.post(activity)
    [card] = bot.connector.cards()
    assert "Welkom bij de Wasstraat" in card_texts(card)
    assert "noem mij eerst met @" in card_texts(card)  # channel hint


async def test_start_stores_trajectory_and_confirms(bot: BotClient):
    await bot.say("start Parkeervergunning", locale="nl-NL")
    [trajectory] = await bot.store.trajectories_in_channel("91de9fff-b6db-4f3b-9fab-0b461f322436")
    assert trajectory.product == "Parkeervergunning"
    assert [p.aad_object_id for p in trajectory.holders("projectleider")] == [ALEX]
    assert trajectory.binding.tenant_id == TENANT
    [reply] = bot.connector.texts()
    assert "Parkeervergunning" in reply and "projectleider" in reply
    entries = await bot.store.audit_entries(trajectory_id=trajectory.id)
    assert [(e["action"], e["actor"]) for e in entries] == [("start", ALEX), ("step.started", ALEX)]


async def test_status_card_names_the_trajectory_and_its_step(bot: BotClient):
    await bot.say("start Parkeervergunning")
    await bot.say("status")
    [card] = bot.connector.cards()
    texts = card_texts(card)
    assert "Parkeervergunning" in texts
    assert "Step 1: Assemble the project group" in texts
    assert "Alex Wilber" in texts


async def test_status_without_trajectories_says_how_to_start(bot: BotClient):
    await bot.say("status", locale="nl-NL")
    [card] = bot.connector.cards()
    assert "Hier loopt nog geen traject" in card_texts(card)


async def test_duplicate_activity_id_creates_one_trajectory(bot: BotClient):
    activity = payload("message_text_personal", bot.connector, text="start Parkeervergunning")
    first = await bot.post(activity)
    second = await bot.post(activity)
    assert (first.status, second.status) == (201, 200)
    assert await bot.store.count_trajectories() == 1
    assert len(bot.connector.texts()) == 1


async def test_concurrent_redelivery_creates_one_trajectory(bot: BotClient):
    activity = payload("message_text_personal", bot.connector, text="start Paspoort")
    responses = await asyncio.gather(*(bot.post(activity) for _ in range(5)))
    assert all(r.status in (200, 201) for r in responses)
    assert await bot.store.count_trajectories() == 1


async def test_channel_message_with_mention_is_understood(bot: BotClient):
    await bot.say("<at>Test Bot</at> start Uittreksel BRP", fixture="message_channel_mention_api")
    await bot.say("<at>Test Bot</at> status", fixture="message_channel_mention_api")
    [trajectory] = await bot.store.trajectories_in_channel("team-id")
    assert trajectory.product == "Uittreksel BRP"
    assert trajectory.binding.team_id == "team-id"
    assert "Uittreksel BRP" in card_texts(bot.connector.cards()[0])


async def test_unknown_text_gets_friendly_help_in_users_language(bot: BotClient):
    await bot.say("hallo daar", locale="nl-NL")
    await bot.say("what now")
    assert bot.connector.texts() == [
        "Dat begrijp ik niet. Typ 'hulp' om te zien wat ik kan.",
        "I don't understand that. Type 'help' to see what I can do.",
    ]
    assert await bot.store.count_trajectories() == 0


async def test_help_lists_the_commands_in_the_users_language(bot: BotClient):
    await bot.say("help", locale="nl-NL")
    await bot.say("hulp", locale="en-US")
    dutch, english = (card_texts(card) for card in bot.connector.cards())
    for command in ("hulp", "start ", "status", "mijn taken", "herinner nu", "idee "):
        assert f"- {command}" in dutch
    for command in ("help", "start ", "status", "my tasks", "remind now", "idea "):
        assert f"- {command}" in english
    assert "help —" not in dutch
    assert "idee" not in english and "mijn taken" not in english


async def test_start_without_product_asks_for_it_and_remembers_across_turns(bot: BotClient):
    await bot.say("start", locale="nl-NL")
    await bot.say("   ", locale="nl-NL")
    await bot.say("Melding openbare ruimte", locale="nl-NL")
    texts = bot.connector.texts()
    assert texts[0].startswith("Voor welk product of welke dienst")
    assert texts[1].startswith("Ik mis de naam")
    assert "Melding openbare ruimte" in texts[2]
    [trajectory] = await bot.store.trajectories_in_channel("91de9fff-b6db-4f3b-9fab-0b461f322436")
    assert trajectory.product == "Melding openbare ruimte"


async def test_a_command_interrupts_the_start_question(bot: BotClient):
    await bot.say("start")
    await bot.say("status")
    await bot.say("Parkeervergunning")  # no longer an answer to the question
    assert await bot.store.count_trajectories() == 0
    assert bot.connector.texts()[-1].startswith("I don't understand")


async def test_adaptive_card_action_returns_updated_card_through_http(bot: BotClient):
    """Covers botbuilder 4.17.1's double serialization of invoke bodies."""
    await bot.say("start Parkeervergunning")
    activity = payload("invoke_adaptiveCard_action_execute", bot.connector)
    activity["value"]["action"] = {
        "type": "Action.Execute",
        "verb": "status.refresh",
        "data": {"action": "status.refresh"},
    }
    response = await bot.post(activity)
    assert response.status == 200
    body = await response.json()
    assert body["statusCode"] == 200
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    assert "Parkeervergunning" in card_texts(body["value"])


async def test_forged_card_action_changes_nothing_and_is_audited(bot: BotClient):
    activity = payload("invoke_adaptiveCard_action_execute", bot.connector)  # verb "increment"
    response = await bot.post(activity)
    assert response.status == 200
    body = await response.json()
    assert "I don't know this button" in card_texts(body["value"])
    [entry] = await bot.store.audit_entries()
    assert entry["action"] == "card_action.refused"
    assert entry["detail"] == {"reason": "unknown_action", "action": "increment"}
    assert await bot.store.count_trajectories() == 0


async def test_action_submit_fallback_updates_the_card_in_place(bot: BotClient):
    activity = payload(
        "message_value_action_submit", bot.connector, value={"action": "status.refresh"}
    )
    response = await bot.post(activity)
    assert response.status == 201
    [update] = bot.connector.updates()
    assert update["id"] == activity["replyToId"]
    assert update["attachments"][0]["content"]["type"] == "AdaptiveCard"


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b'{"type": 5}', "application/json", 400),
        (b'{"type": "message"}', "application/json", 400),
        (b'{"type": "message", "conversation": "x"}', "application/json", 400),
        (b"\xff\xfe", "application/json", 400),
        (b"type=message", "application/x-www-form-urlencoded", 415),
        (b'{"type": "message", "text": "' + b"x" * 300_000 + b'"}', "application/json", 413),
    ],
)
async def test_malformed_bodies_get_4xx_and_store_nothing(
    bot: BotClient, body: bytes, content_type: str, status: int
):
    response = await bot.http.post(
        "/api/messages", data=body, headers={"Content-Type": content_type}
    )
    assert response.status == status
    assert await bot.store.count_trajectories() == 0
    assert bot.connector.calls == []


async def test_healthz_answers_when_database_answers(bot: BotClient):
    response = await bot.http.get("/healthz")
    assert response.status == 200


def with_app_id(database_url: str) -> Settings:
    """Settings of a registered bot: every request must then carry a valid token."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        MICROSOFT_APP_ID="11111111-2222-3333-4444-555555555555",
        MICROSOFT_APP_PASSWORD="not-a-real-secret",
        MICROSOFT_APP_TENANT_ID=TENANT,
    )


async def _client(settings: Settings) -> TestClient:
    client = TestClient(TestServer(create_app(settings), host="127.0.0.1"))
    await client.start_server()
    return client


async def test_without_token_401_when_app_id_is_set(database_url: str, connector: FakeConnector):
    client = await _client(with_app_id(database_url))
    try:
        activity = payload("message_text_personal", connector, text="start Parkeervergunning")
        response = await client.post("/api/messages", json=activity)
        assert response.status == 401
        forged = await client.post(
            "/api/messages", json=activity, headers={"Authorization": "Basic abc"}
        )
        assert forged.status == 401
        runtime_store = client.server.app[RUNTIME]
        assert await runtime_store.services.store.count_trajectories() == 0
        assert not await runtime_store.services.store.inbox_seen(activity["id"])
    finally:
        await client.close()
    assert connector.calls == []


async def test_foreign_tenant_is_refused(database_url: str, connector: FakeConnector):
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        allowed_tenant_ids="aaaaaaaa-0000-0000-0000-000000000000",
    )
    client = await _client(settings)
    try:
        activity = payload("message_text_personal", connector, text="start Parkeervergunning")
        response = await client.post("/api/messages", json=activity)
        assert response.status == 403
        install = await client.post(
            "/api/messages", json=payload("installationUpdate_add_personal", connector)
        )
        assert install.status == 403
    finally:
        await client.close()
    assert connector.calls == []


async def test_a_later_event_without_locale_keeps_the_known_language(bot: BotClient):
    await bot.post(payload("installationUpdate_add_personal", bot.connector))  # en-US
    update = payload("conversationUpdate_membersAdded_personal", bot.connector)
    update.pop("locale", None)
    update["entities"] = []
    await bot.post(update)
    reference = await bot.store.references.of_conversation("91de9fff-b6db-4f3b-9fab-0b461f322436")
    assert reference["locale"] == "en-US"


@pytest.mark.parametrize("header", ["Bearer abc", "Bearer a.b.c", "Bearer ", "Basic x"])
async def test_a_malformed_token_is_401_not_500(
    database_url: str, connector: FakeConnector, header: str
):
    client = await _client(with_app_id(database_url))
    try:
        activity = payload("message_text_personal", connector, text="start Parkeervergunning")
        response = await client.post(
            "/api/messages", json=activity, headers={"Authorization": header}
        )
        assert response.status == 401
    finally:
        await client.close()


async def test_the_same_activity_id_in_two_conversations_is_two_activities(bot: BotClient):
    first = payload("message_text_personal", bot.connector, text="start Paspoort")
    second = payload("message_text_personal", bot.connector, text="start Rijbewijs")
    second["id"] = first["id"] = "1764493200000"
    second["conversation"] = {**second["conversation"], "id": "another-personal-chat"}
    assert (await bot.post(first)).status == 201
    assert (await bot.post(second)).status == 201
    assert await bot.store.count_trajectories() == 2


async def test_overlong_identifiers_are_refused(bot: BotClient):
    activity = payload("message_text_personal", bot.connector, text="status")
    activity["id"] = "x" * 600
    assert (await bot.post(activity)).status == 400
