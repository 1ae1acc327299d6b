"""Activity feed notifications through Microsoft Graph: a task, a reminder and an escalation
each reach the person's bell once, of the type the manifest declares, through a loopback
Graph that checks the request as Microsoft documents it; retried when Graph is busy (the same
chain, so a repeat replaces, never adds), given up when it refuses, never at night; none with
Graph off."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import RUNTIME
from bot.settings import Settings
from tests.conftest import TENANT, BotClient, FixedClock
from tests.fakes_graph import CLIENT_ID, CLIENT_SECRET, FakeGraph
from tests.scenario.test_delivery import drain
from tests.scenario.test_time_in_chat import (
    LEADER,
    MEGAN,
    channel_trajectory,
    sent_to,
    waiting_on_megan,
)

MANIFEST = Path(__file__).parents[2] / "manifest" / "manifest.template.json"


def declared() -> dict[str, str]:
    """The activity types the app's manifest declares, with their template text."""
    types = json.loads(MANIFEST.read_text("utf-8"))["activities"]["activityTypes"]
    return {t["type"]: t["templateText"] for t in types}


@pytest.fixture
async def graph(tmp_path: Path) -> AsyncIterator[FakeGraph]:
    fake = FakeGraph(tenant=TENANT, activity_types=declared())
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


def to(graph: FakeGraph, person_id: str) -> list[dict]:
    return [n.json for n in graph.notifications() if n.json["recipient"]["userId"] == person_id]


async def test_a_task_reaches_the_persons_feed_once_with_a_link_to_the_chat(
    bot: BotClient, clock: FixedClock, graph: FakeGraph
):
    trajectory_id = await channel_trajectory(bot)
    await waiting_on_megan(bot, trajectory_id)
    dispatcher = bot.http.server.app[RUNTIME].dispatcher
    await drain(bot, dispatcher, clock)
    megans = to(graph, MEGAN.aad_object_id)
    assigned = [n for n in megans if n["activityType"] == "taskAssigned"]
    # her step-1 card asks nothing by the time it goes (the step is done): no bell; her
    # step-2 card and the approval card are one task: one chain, the second replaces the first
    step_2 = [n for n in assigned if "Stap 2" in n["previewText"]["content"]]
    assert step_2 == assigned and len(step_2) == 2
    assert len({n["chainId"] for n in step_2}) == 1
    approval = assigned[-1]
    assert approval["topic"]["value"] == "Parkeervergunning"
    assert approval["topic"]["webUrl"].startswith(
        "https://teams.microsoft.com/l/chat/0/0?users=28:"
    )
    assert approval["previewText"]["content"].startswith("Parkeervergunning · ")
    assert [p["name"] for p in approval["templateParameters"]] == ["task"]
    # in the team the trajectory lives in
    assert all(n.path.startswith("/v1.0/teams/team-id/") for n in graph.notifications())
    # nobody is told of what asks nothing of them (a role given, news)
    kinds = {
        n["activityType"] for n in graph.notifications() and [n.json for n in graph.notifications()]
    }
    assert kinds <= set(declared())


async def test_busy_graph_is_tried_again_in_the_same_chain_and_a_refusal_still_sends_the_chat(
    bot: BotClient, clock: FixedClock, graph: FakeGraph
):
    trajectory_id = await channel_trajectory(bot)
    graph.fail_notifications(429, times=1, retry_after="2")
    await waiting_on_megan(bot, trajectory_id)
    dispatcher = bot.http.server.app[RUNTIME].dispatcher
    stats = await drain(bot, dispatcher, clock)
    assert stats.retried >= 1 and stats.dead == 0
    tried = [c.json for c in graph.calls if c.path.endswith("/sendActivityNotification")]
    throttled = tried[0]
    again = [n for n in tried[1:] if n["chainId"] == throttled["chainId"]]
    assert again and again[0] == throttled  # the same notification, the same chain
    # refused for good (the app lacks the permission): the chat message still goes
    graph.fail_notifications(403, times=None)
    before = len(sent_to(bot, MEGAN))
    workflow_outbox = bot.http.server.app[RUNTIME].services
    from bot.workflow import Workflow
    from wasstraat import commands as c

    await Workflow(workflow_outbox).execute(
        trajectory_id, c.DecideKpis(decision="reject", remark="Doel te laag"), MEGAN
    )
    stats = await drain(bot, dispatcher, clock)
    assert stats.dead == 0 and len(sent_to(bot, LEADER)) >= 1
    assert len(sent_to(bot, MEGAN)) >= before


async def test_reminders_are_one_notification_a_morning_and_an_escalation_is_its_own(
    bot: BotClient, clock: FixedClock, graph: FakeGraph
):
    trajectory_id = await channel_trajectory(bot)
    await waiting_on_megan(bot, trajectory_id)
    runtime = bot.http.server.app[RUNTIME]
    await drain(bot, runtime.dispatcher, clock)
    start = len(graph.notifications())
    # (Monday 30 Nov 10:00: the tasks are out)
    # two working weeks without an answer: reminders each morning they are due, then the
    # project leader hears of it
    day = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    for n in range(16):
        clock.now = day + timedelta(days=n)
        await runtime.ticker.fire_due()
        for _ in range(3):
            await runtime.dispatcher.deliver_due(limit=1000)
    later = [n.json for n in graph.notifications()[start:]]
    reminders = [n for n in later if n["activityType"] == "taskReminder"]
    overdue = [n for n in later if n["activityType"] == "taskOverdue"]
    megans = [n for n in reminders if n["recipient"]["userId"] == MEGAN.aad_object_id]
    assert megans and all(n["previewText"]["content"] for n in megans)
    # one notification per morning's digest: no two with the same chain
    assert len(reminders) == len({n["chainId"] for n in reminders})
    assert overdue and {n["recipient"]["userId"] for n in overdue} == {LEADER.aad_object_id}


async def test_nothing_reaches_the_feed_at_night(
    bot: BotClient, clock: FixedClock, graph: FakeGraph
):
    clock.now = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)  # Friday 21:00 in Amsterdam
    trajectory_id = await channel_trajectory(bot)
    await waiting_on_megan(bot, trajectory_id)
    dispatcher = bot.http.server.app[RUNTIME].dispatcher
    await dispatcher.deliver_due(limit=1000)
    assert graph.notifications() == []
    clock.now = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # Monday 09:00
    await dispatcher.deliver_due(limit=1000)
    assert to(graph, MEGAN.aad_object_id)


async def test_a_feed_that_stays_busy_never_holds_the_chat_message_back(
    bot: BotClient, clock: FixedClock, graph: FakeGraph
):
    trajectory_id = await channel_trajectory(bot)
    graph.fail_notifications(503, times=None)
    await waiting_on_megan(bot, trajectory_id)
    stats = await drain(bot, bot.http.server.app[RUNTIME].dispatcher, clock)
    assert stats.dead == 0 and graph.notifications() == []
    assert any("decide_kpis" in json.dumps(a) for a in sent_to(bot, MEGAN))


async def test_after_a_crash_between_send_and_mark_the_repeat_replaces_the_notification(
    bot: BotClient, clock: FixedClock, graph: FakeGraph, monkeypatch
):
    trajectory_id = await channel_trajectory(bot)
    await waiting_on_megan(bot, trajectory_id)
    runtime = bot.http.server.app[RUNTIME]
    outbox = runtime.services.store.outbox
    [approval] = [
        m["id"]
        for m in await bot.store.outbox_messages()
        if m["kind"] == "approval_request"
        and m["recipient"]["aad_object_id"] == MEGAN.aad_object_id
    ]
    marking = outbox.mark_sent

    async def crash_once(message_id: int, **kwargs):  # type: ignore[no-untyped-def]
        if message_id == approval and not crashed:
            crashed.append(message_id)
            raise ConnectionError("the process died after the send")
        return await marking(message_id, **kwargs)

    crashed: list[int] = []
    monkeypatch.setattr(outbox, "mark_sent", crash_once)
    with pytest.raises(ConnectionError):  # the round dies with it (the run loop goes on)
        await runtime.dispatcher.deliver_due(limit=1000)
    assert crashed == [approval]
    clock.now += timedelta(minutes=10)  # the lease runs out: the message is claimed again
    await drain(bot, runtime.dispatcher, clock)
    chains = [n["chainId"] for n in to(graph, MEGAN.aad_object_id)]
    repeated = [c for c in set(chains) if chains.count(c) > 1]
    # the approval was announced twice (sent again after the crash), in one chain: Teams
    # shows the second in place of the first
    assert len(repeated) == 1
