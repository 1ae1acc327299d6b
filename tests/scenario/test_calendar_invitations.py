"""A session planned on a card becomes an Outlook event with a Teams meeting, through the
outbox, against a local HTTPS fake of the token endpoint and Microsoft Graph: retried when
Graph is busy, reported to the organiser and the project leader when it keeps refusing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import RUNTIME
from bot.delivery.worker import Dispatcher
from bot.settings import Settings
from tests.conftest import TENANT, BotClient, FixedClock
from tests.fakes_graph import CLIENT_ID, CLIENT_SECRET, FakeGraph
from tests.scenario.test_time_in_chat import (
    LEADER,
    MEGAN,
    NOOR,
    channel_trajectory,
    waiting_on_megan,
)
from wasstraat import commands as c

SESSION = datetime(2026, 12, 10, 12, 30, tzinfo=UTC)  # Thursday 13:30 in Amsterdam


@pytest.fixture
async def graph(tmp_path: Path) -> AsyncIterator[FakeGraph]:
    fake = FakeGraph(tenant=TENANT)
    await fake.start(tmp_path)
    yield fake
    await fake.close()


@pytest.fixture
def settings(database_url: str, graph: FakeGraph) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database_url,
        deliver_in_background=False,
        run_timers=False,
        graph_enabled=True,
        MICROSOFT_APP_TENANT_ID=TENANT,
        graph_client_id=CLIENT_ID,
        graph_client_secret=CLIENT_SECRET,
        graph_authority=graph.url,
        graph_base_url=graph.graph_url,
        graph_ca_bundle=str(graph.ca_path),
    )


async def plan_a_session(bot: BotClient) -> Dispatcher:
    trajectory_id = await channel_trajectory(bot)
    for person in (LEADER, MEGAN, NOOR):
        member = bot.connector.members[person.aad_object_id]
        member["email"] = f"{person.name.split()[0].lower()}@gemeente.example"
    workflow = await waiting_on_megan(bot, trajectory_id)
    await workflow.execute(trajectory_id, c.DecideKpis(decision="approve"), MEGAN)
    await workflow.execute(
        trajectory_id, c.PlanSession(step="3a", at=SESSION, minutes=90, place="Zaal 2.14"), NOOR
    )
    runtime = bot.http.server.app[RUNTIME]
    return runtime.dispatcher


async def calendar_rows(bot: BotClient) -> list[dict]:
    return [m for m in await bot.store.outbox_messages() if m["kind"] == "calendar_event"]


async def test_a_planned_session_becomes_a_teams_meeting_in_the_organisers_calendar(
    bot: BotClient, graph: FakeGraph, clock: FixedClock
):
    dispatcher = await plan_a_session(bot)
    await dispatcher.deliver_due(limit=100)
    [request] = graph.event_requests()
    assert request.path.endswith(f"/users/{NOOR.aad_object_id}/events")
    event = request.json
    assert event["isOnlineMeeting"] is True
    assert event["onlineMeetingProvider"] == "teamsForBusiness"
    assert event["start"] == {"dateTime": "2026-12-10T13:30:00", "timeZone": "Europe/Amsterdam"}
    assert event["end"]["dateTime"] == "2026-12-10T15:00:00"
    assert event["location"] == {"displayName": "Zaal 2.14"}
    invited = {a["emailAddress"]["address"] for a in event["attendees"]}
    assert "noor@gemeente.example" not in invited  # the organiser is not her own guest
    assert "alex@gemeente.example" in invited
    assert "Parkeervergunning" in event["subject"]
    [row] = await calendar_rows(bot)
    assert row["sent_at"] is not None and row["sent_activity_id"]
    # the addresses were asked of Teams for the invitation and are stored nowhere
    assert "gemeente.example" not in str(await bot.store.outbox_messages())


async def test_a_busy_graph_is_retried_after_the_wait_it_asks_for_and_one_event_made(
    bot: BotClient, graph: FakeGraph, clock: FixedClock
):
    dispatcher = await plan_a_session(bot)
    graph.fail_events(429, times=1, retry_after="7")
    await dispatcher.deliver_due(limit=100)
    [row] = await calendar_rows(bot)
    assert row["sent_at"] is None and row["attempts"] == 1
    assert row["not_before"] == clock.now + timedelta(seconds=7)
    clock.now += timedelta(seconds=8)
    await dispatcher.deliver_due(limit=100)
    assert len(graph.events) == 1
    [row] = await calendar_rows(bot)
    assert row["sent_at"] is not None


async def test_an_invitation_graph_keeps_refusing_is_reported_not_lost(
    bot: BotClient, graph: FakeGraph, clock: FixedClock
):
    dispatcher = await plan_a_session(bot)
    graph.fail_events(403, times=None)
    await dispatcher.deliver_due(limit=100)
    [row] = await calendar_rows(bot)
    assert row["dead_at"] is not None and row["last_error"].startswith("calendar ")
    told = {
        m["recipient"]["aad_object_id"]
        for m in await bot.store.outbox_messages()
        if m["kind"] == "calendar_failed"
    }
    assert told == {NOOR.aad_object_id, LEADER.aad_object_id}
    await dispatcher.deliver_due(limit=100)
    texts = [a.get("text", "") for _, a in bot.connector.delivered()]
    assert any("agenda-uitnodiging" in t for t in texts)
