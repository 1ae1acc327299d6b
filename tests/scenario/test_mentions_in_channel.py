"""A step that starts says so in the trajectory's thread and mentions whom it now waits on, by
object id, so that Teams notifies them; at night it names them without a mention."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.delivery.worker import Dispatcher
from bot.workflow import Workflow
from tests.conftest import BotClient, FixedClock
from tests.scenario.driving import ADELE, MEGAN, PATTI, PL
from tests.scenario.test_delivery import channel_trajectory, runtime
from tests.tools.card_schema import card_validator, mentions_used
from wasstraat import commands as c


async def start_step_2(bot: BotClient, clock: FixedClock) -> tuple[Dispatcher, str]:
    trajectory_id = await channel_trajectory(bot)
    services = runtime(bot).services
    workflow = Workflow(services)
    for role, person in (
        ("proceseigenaar", MEGAN),
        ("sponsor", MEGAN),
        ("procesadviseur", PATTI),
        ("klantreiscoach", PATTI),
        ("vakinhoudelijk_medewerker", ADELE),
    ):
        bot.connector.add_member(person.aad_object_id, person.name)
        await workflow.execute(trajectory_id, c.AssignRole(role=role, people=[person]), PL)
    await workflow.execute(trajectory_id, c.ConfirmSupport(), MEGAN)
    dispatcher = Dispatcher(services, runtime(bot).adapter)
    await dispatcher.deliver_due(limit=1000)  # (prompts to people wait for working time)
    await workflow.execute(trajectory_id, c.CompleteStep(step="1"), PL)
    bot.connector.calls.clear()
    await dispatcher.deliver_due(limit=1000)
    root = (await bot.store.references.thread(trajectory_id))[1]
    return dispatcher, f"team-id;messageid={root}"


def thread_news(bot: BotClient, thread: str) -> list[dict]:
    return [a for conv, a in bot.connector.delivered() if conv == thread]


async def test_a_step_that_starts_mentions_whom_it_waits_on_in_working_time(
    bot: BotClient, clock: FixedClock
):
    assert runtime(bot).services.policy.working.is_working_time(clock.now)
    _, thread = await start_step_2(bot, clock)
    cards = [
        a["attachments"][0]["content"]
        for a in thread_news(bot, thread)
        if a.get("attachments") and "msteams" in a["attachments"][0]["content"]
    ]
    # steps 2 and 4 started: each says whom it waits on
    card = next(c for c in cards if "Step 2" in json.dumps(c))
    assert list(card_validator().iter_errors(card)) == [] and mentions_used(card)
    mentioned = [e["mentioned"]["id"] for e in card["msteams"]["entities"]]
    assert mentioned == [PL.aad_object_id]  # step 2 waits on the project leader alone
    # the mention stayed live through the escaping of everything sent
    assert "<at>Alex Wilber</at>" in card["body"][1]["text"]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))


async def test_at_night_the_news_names_nobody_with_a_mention(bot: BotClient, clock: FixedClock):
    clock.now = datetime(2026, 11, 30, 21, 30, tzinfo=UTC)  # 22:30 in the municipality
    assert not runtime(bot).services.policy.working.is_working_time(clock.now)
    _, thread = await start_step_2(bot, clock)
    news = thread_news(bot, thread)
    assert news and all(not a.get("attachments") for a in news)
    assert not [a for a in news if a.get("entities")]


async def test_status_in_the_channel_mentions_whom_each_trajectory_waits_on(
    bot: BotClient, clock: FixedClock
):
    await start_step_2(bot, clock)
    await bot.say("<at>Test Bot</at> status", fixture="message_channel_mention_api")
    status = bot.connector.cards()[-1]
    assert list(card_validator().iter_errors(status)) == [] and mentions_used(status)
    ids = {e["mentioned"]["id"] for e in status["msteams"]["entities"]}
    assert PL.aad_object_id in ids  # step 2 waits on the project leader
    assert "<at>Alex Wilber</at>" in json.dumps(status, ensure_ascii=False)


async def test_status_at_night_names_people_without_mentions(bot: BotClient, clock: FixedClock):
    clock.now = datetime(2026, 11, 30, 21, 30, tzinfo=UTC)
    await start_step_2(bot, clock)
    await bot.say("<at>Test Bot</at> status", fixture="message_channel_mention_api")
    status = bot.connector.cards()[-1]
    assert "msteams" not in status and "<at>" not in json.dumps(status)
    assert "Alex Wilber" in json.dumps(status)
