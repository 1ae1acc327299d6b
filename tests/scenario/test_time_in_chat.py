"""Working time and follow-up as people in Teams meet them: a prompt at night waits for the
morning, a reminder brings the task's card again, and "herinner nu" from the channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app import RUNTIME
from bot.delivery.worker import Dispatcher
from bot.workflow import Workflow
from tests.conftest import ALEX, BotClient, FixedClock, payload
from tests.scenario.driving import MEGAN, card_sent_to, text_of
from wasstraat import commands as c
from wasstraat.model import Person

LEADER = Person(aad_object_id=ALEX, name="Alex Wilber")
NOOR = Person(aad_object_id="staff-noor", name="Noor")


async def channel_trajectory(bot: BotClient) -> str:
    await bot.post(payload("installationUpdate_add_channel", bot.connector))
    await bot.say(
        "<at>Test Bot</at> start Parkeervergunning", fixture="message_channel_mention_api"
    )
    [trajectory] = await bot.store.trajectories_in_channel("team-id")
    for person in (LEADER, MEGAN, NOOR):
        bot.connector.add_member(person.aad_object_id, person.name)
    return trajectory.id


async def waiting_on_megan(bot: BotClient, trajectory_id: str) -> Workflow:
    """Step 2 with KPIs proposed: the proceseigenaar (Megan) is to approve them."""
    workflow = Workflow(bot.http.server.app[RUNTIME].services)
    for role in ("sponsor", "procesadviseur", "klantreiscoach", "vakinhoudelijk_medewerker"):
        await workflow.execute(trajectory_id, c.AssignRole(role=role, people=[NOOR]), LEADER)
    await workflow.execute(
        trajectory_id, c.AssignRole(role="proceseigenaar", people=[MEGAN]), LEADER
    )
    await workflow.execute(trajectory_id, c.ConfirmSupport(), MEGAN)
    await workflow.execute(trajectory_id, c.CompleteStep(step="1"), LEADER)
    await workflow.execute(
        trajectory_id, c.ProposeKpis(kpis=[{"name": "Doorlooptijd", "target": 3}]), LEADER
    )
    return workflow


def sent_to(bot: BotClient, person: Person) -> list[dict]:
    return [a for conv, a in bot.connector.delivered() if conv.endswith(person.aad_object_id)]


async def test_a_prompt_made_on_friday_night_reaches_people_on_monday_morning(
    bot: BotClient, clock: FixedClock
):
    clock.now = datetime(2026, 12, 4, 19, 0, tzinfo=UTC)  # Friday, 20:00 in Amsterdam
    trajectory_id = await channel_trajectory(bot)
    workflow = Workflow(bot.http.server.app[RUNTIME].services)
    await workflow.execute(
        trajectory_id, c.AssignRole(role="procesadviseur", people=[NOOR]), LEADER
    )
    dispatcher = Dispatcher(
        bot.http.server.app[RUNTIME].services, bot.http.server.app[RUNTIME].adapter
    )
    await dispatcher.deliver_due(limit=100)
    assert sent_to(bot, NOOR) == []
    clock.now = datetime(2026, 12, 7, 7, 59, tzinfo=UTC)  # Monday 08:59
    await dispatcher.deliver_due(limit=100)
    assert sent_to(bot, NOOR) == []
    clock.now = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # Monday 09:00
    await dispatcher.deliver_due(limit=100)
    assert len(sent_to(bot, NOOR)) == 1
    await dispatcher.deliver_due(limit=100)
    assert len(sent_to(bot, NOOR)) == 1


async def test_a_reminder_brings_the_approval_card_again(bot: BotClient, clock: FixedClock):
    trajectory_id = await channel_trajectory(bot)
    await waiting_on_megan(bot, trajectory_id)
    runtime = bot.http.server.app[RUNTIME]
    clock.now += timedelta(days=5)  # Monday + 5 days: Saturday; the sweep runs, the card waits
    assert "follow_up" in (await runtime.ticker.fire_due()).kinds
    [reminder] = [
        m
        for m in await bot.store.outbox_messages()
        if m["kind"] == "reminder" and m["recipient"]["aad_object_id"] == MEGAN.aad_object_id
    ]
    assert reminder["not_before"] == datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    card = await card_sent_to(bot, MEGAN, "reminder")
    body = text_of(card)
    assert "Reminder" in body and "Doorlooptijd" in body
    titles = [a.get("title") for a in card.get("actions", [])]
    assert "Approve" in titles and "Reject" in titles


async def test_herinner_nu_in_the_channel_reminds_who_the_trajectory_waits_on(
    bot: BotClient, clock: FixedClock, monkeypatch
):
    trajectory_id = await channel_trajectory(bot)
    await waiting_on_megan(bot, trajectory_id)
    bot.connector.calls.clear()
    ticking = clock.now

    def tick() -> datetime:  # time goes on while the bot works, as it does
        nonlocal ticking
        ticking += timedelta(milliseconds=3)
        return ticking

    monkeypatch.setattr(type(clock), "__call__", lambda self: tick())
    await bot.say("<at>Test Bot</at> herinner nu", fixture="message_channel_mention_api")
    [reply] = [t for t in bot.connector.texts() if "Megan Bowen" in t]
    assert "Reminder sent" in reply and "Nobody" not in reply, reply
    reminders = [m for m in await bot.store.outbox_messages() if m["kind"] == "reminder"]
    assert {(m["recipient"]["aad_object_id"], m["payload"]["nudged"]) for m in reminders} == {
        (MEGAN.aad_object_id, True),
        (NOOR.aad_object_id, True),  # the klantreis (step 4) waits on Noor meanwhile
    }
    # again within the hour: nobody is reminded twice, and the answer says so
    bot.connector.calls.clear()
    await bot.say("<at>Test Bot</at> herinner nu", fixture="message_channel_mention_api")
    assert len([m for m in await bot.store.outbox_messages() if m["kind"] == "reminder"]) == 2
    [again] = [t for t in bot.connector.texts() if "Megan Bowen" in t]
    assert "Nobody reminded" in again and "skipped this time" in again, again


async def test_only_a_leader_can_nudge(bot: BotClient, clock: FixedClock):
    trajectory_id = await channel_trajectory(bot)
    await waiting_on_megan(bot, trajectory_id)
    bot.connector.calls.clear()
    activity = payload("message_text_personal", bot.connector, text="herinner nu")
    activity["from"] = {"id": "29:staff-noor", "name": "Noor", "aadObjectId": NOOR.aad_object_id}
    response = await bot.post(activity)
    assert response.status in (200, 201)
    assert [m for m in await bot.store.outbox_messages() if m["kind"] == "reminder"] == []
    assert any("not their project leader" in t for t in bot.connector.texts())


async def test_a_session_planned_on_the_card_is_told_and_invited_only_with_the_calendar_on(
    bot: BotClient, clock: FixedClock
):
    from cards.forms import read_step_form

    trajectory_id = await channel_trajectory(bot)
    workflow = await waiting_on_megan(bot, trajectory_id)
    await workflow.execute(trajectory_id, c.DecideKpis(decision="approve"), MEGAN)
    services = bot.http.server.app[RUNTIME].services
    trajectory = await bot.store.trajectory(trajectory_id)
    [plan] = read_step_form(
        {"session_on": "2026-12-10", "session_at": "13:30", "session_minutes": "90"},
        trajectory,
        services.template.step("3a"),
        {"procesadviseur"},
        template=services.template,
        zone=services.zone,
        language="nl",
    )
    assert plan.at == datetime(2026, 12, 10, 12, 30, tzinfo=UTC) and plan.minutes == 90
    await workflow.execute(trajectory_id, plan, NOOR)  # Noor is the procesadviseur
    kinds = [m["kind"] for m in await bot.store.outbox_messages()]
    assert "session_planned" in kinds
    assert "calendar_event" not in kinds  # the calendar is off by default
    assert (await bot.store.trajectory(trajectory_id)).planned_sessions[0].minutes == 90
