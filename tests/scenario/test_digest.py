"""The daily digest: a person's reminders of a working day, across trajectories, in one card
at the start of working time, each task with its own buttons; "herinner nu" does not wait."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.app import RUNTIME
from bot.delivery.worker import Dispatcher
from tests.conftest import BotClient, FixedClock
from tests.scenario.driving import MEGAN, click, text_of
from tests.scenario.test_time_in_chat import channel_trajectory, waiting_on_megan
from wasstraat.model import StepStatus

MONDAY_MORNING = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # 09:00 in Amsterdam


def sent_to_megan(bot: BotClient) -> list[dict[str, Any]]:
    return [a for conv, a in bot.connector.delivered() if conv.endswith(MEGAN.aad_object_id)]


def card_of(activity: dict[str, Any]) -> dict[str, Any]:
    [attachment] = activity["attachments"]
    content: dict[str, Any] = attachment["content"]
    return content


def actions_in(element: Any) -> list[dict[str, Any]]:
    """Every Action.Execute anywhere in a card (in action sets and cards shown in place)."""
    if isinstance(element, list):
        return [a for item in element for a in actions_in(item)]
    if not isinstance(element, dict):
        return []
    own = [element] if element.get("type") == "Action.Execute" else []
    return own + [a for value in element.values() for a in actions_in(value)]


async def two_trajectories_waiting_on_megan(bot: BotClient, clock: FixedClock) -> list[str]:
    first = await channel_trajectory(bot)
    await waiting_on_megan(bot, first)
    await bot.say("<at>Test Bot</at> start Afvalpas", fixture="message_channel_mention_api")
    [second] = [t.id for t in await bot.store.trajectories_in_channel("team-id") if t.id != first]
    await waiting_on_megan(bot, second)
    runtime = bot.http.server.app[RUNTIME]
    await Dispatcher(runtime.services, runtime.adapter).deliver_due(limit=500)
    bot.connector.calls.clear()
    # Friday 11:00 in Amsterdam: both approvals have waited three working days
    clock.now += timedelta(days=4, hours=1)
    assert "follow_up" in (await runtime.ticker.fire_due()).kinds
    return [first, second]


async def test_reminders_in_two_trajectories_come_as_one_digest_whose_buttons_work(
    bot: BotClient, clock: FixedClock
):
    first, second = await two_trajectories_waiting_on_megan(bot, clock)
    runtime = bot.http.server.app[RUNTIME]
    dispatcher = Dispatcher(runtime.services, runtime.adapter)
    reminders = [
        m
        for m in await bot.store.outbox_messages()
        if m["kind"] == "reminder" and m["recipient"]["aad_object_id"] == MEGAN.aad_object_id
    ]
    assert len(reminders) == 2
    assert {m["not_before"] for m in reminders} == {MONDAY_MORNING}  # the next morning
    await dispatcher.deliver_due(limit=500)
    assert sent_to_megan(bot) == []

    clock.now = MONDAY_MORNING
    stats = await dispatcher.deliver_due(limit=500)
    [digest] = sent_to_megan(bot)  # one message, not one per task
    card = card_of(digest)
    body = text_of(card)
    assert "Parkeervergunning" in body and "Afvalpas" in body and stats.digests >= 1
    approve = {
        a["data"]["trajectory"]: a
        for a in actions_in(card)
        if a["verb"] == "decide_kpis" and a["data"]["decision"] == "approve"
    }
    assert set(approve) == {first, second}  # each task with its own button

    answer = await click(bot, MEGAN, approve[second])  # through the same gate as its own card
    assert answer  # the card as it is now
    trajectory = await bot.store.trajectory(second)
    assert trajectory is not None and trajectory.status_of("2") is StepStatus.DONE
    untouched = await bot.store.trajectory(first)
    assert untouched is not None and untouched.status_of("2") is StepStatus.ACTIVE

    await dispatcher.deliver_due(limit=500)
    assert (
        len([a for a in sent_to_megan(bot) if "attachments" in a and "Afvalpas" in text_of(a)]) <= 2
    )
    pending = [
        m
        for m in await bot.store.outbox_messages()
        if m["kind"] == "reminder" and m["sent_at"] is None and m["dead_at"] is None
    ]
    assert pending == []  # every reminder marked sent with its digest: nothing lost or left


async def test_herinner_nu_goes_out_at_once_on_its_own(bot: BotClient, clock: FixedClock):
    await two_trajectories_waiting_on_megan(bot, clock)
    runtime = bot.http.server.app[RUNTIME]
    dispatcher = Dispatcher(runtime.services, runtime.adapter)
    clock.now += timedelta(hours=2)  # Friday 13:00: the reminders of the clock wait for Monday
    await bot.say("<at>Test Bot</at> herinner nu", fixture="message_channel_mention_api")
    await dispatcher.deliver_due(limit=500)
    nudges = sent_to_megan(bot)  # now, each as the task's own card (both trajectories here)
    assert len(nudges) == 2
    for nudge in nudges:
        assert "vraagt je even" in text_of(nudge) or "asks you to take a look" in text_of(nudge)
        assert "Je openstaande taken" not in text_of(nudge)

    clock.now = MONDAY_MORNING
    await dispatcher.deliver_due(limit=500)
    assert len(sent_to_megan(bot)) == 3  # and Monday's digest as well
