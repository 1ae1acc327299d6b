"""What operators watch: readiness, Prometheus metrics, and logs that carry a correlation id
and never a name, a typed text or a secret."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import text as sql

from bot.app import RUNTIME
from bot.delivery.worker import Dispatcher
from bot.logs import CorrelationFilter, quiet_chatty_libraries
from tests.conftest import BotClient, FixedClock, payload
from tests.scenario.driving import MEGAN, as_person, button, card_sent_to, click
from tests.scenario.test_time_in_chat import LEADER, NOOR, channel_trajectory, waiting_on_megan


async def test_ready_only_with_the_database_at_the_newest_migration(bot: BotClient):
    assert (await bot.http.get("/readyz")).status == 200
    database = bot.http.server.app[RUNTIME].services.store.database
    async with database.begin() as conn:
        await conn.execute(sql("UPDATE alembic_version SET version_num = '0001'"))
    response = await bot.http.get("/readyz")
    assert response.status == 503
    assert (await response.json())["problems"] == ["migrations"]
    assert (await bot.http.get("/healthz")).status == 200  # alive all the same


def metric(body: str, name: str) -> float:
    [line] = [
        ln for ln in body.splitlines() if ln.startswith(name + " ") or ln.startswith(name + "{")
    ]
    return float(line.rsplit(" ", 1)[1])


async def test_metrics_show_turns_backlog_dead_letters_and_overdue_timers(
    bot: BotClient, clock: FixedClock
):
    trajectory_id = await channel_trajectory(bot)
    await waiting_on_megan(bot, trajectory_id)
    bot.connector.forbidden.add(f"a:personal-29:{NOOR.aad_object_id}")
    body = await (await bot.http.get("/metrics")).text()
    assert metric(body, 'wasstraat_turns_total{outcome="ok",type="message"}') >= 1
    assert metric(body, "wasstraat_outbox_pending") > 0
    assert metric(body, "wasstraat_timers_due") == 0

    clock.now += timedelta(minutes=5)
    body = await (await bot.http.get("/metrics")).text()
    assert metric(body, "wasstraat_outbox_oldest_undelivered_seconds") == 300
    runtime = bot.http.server.app[RUNTIME]
    await Dispatcher(runtime.services, runtime.adapter).deliver_due(limit=500)
    clock.now += timedelta(days=30)  # the follow-up timer is long overdue: nobody swept
    body = await (await bot.http.get("/metrics")).text()
    assert metric(body, "wasstraat_timers_due") >= 1
    assert metric(body, "wasstraat_timer_oldest_overdue_seconds") > 20 * 24 * 3600
    assert metric(body, "wasstraat_outbox_dead_letters") >= 1


SECRETS_AND_PEOPLE = (
    "Megan Bowen",
    "Alex Wilber",
    "Noor",
    "Adele",
    "de balie ontbreekt",
    "Formulier korter maken",
    "@gemeente.example",
    "Bearer ",
)


async def test_logs_carry_a_correlation_id_and_no_personal_data(
    bot: BotClient, clock: FixedClock, caplog: pytest.LogCaptureFixture
):
    caplog.handler.addFilter(CorrelationFilter())
    quiet_chatty_libraries()  # as python -m bot does
    with caplog.at_level(logging.DEBUG):
        trajectory_id = await channel_trajectory(bot)
        await waiting_on_megan(bot, trajectory_id)
        await bot.say("idee Formulier korter maken")
        await click(
            bot,
            MEGAN,
            button(await card_sent_to(bot, MEGAN, "approval_request"), "Reject"),
            remark="de balie ontbreekt",
        )
        bad = as_person(payload("message_text_personal", bot.connector, text="onzin"), LEADER)
        bad["conversation"] = {"id": "x" * 600}  # refused: logged without its content
        await bot.post(bad)
        runtime = bot.http.server.app[RUNTIME]
        await Dispatcher(runtime.services, runtime.adapter).deliver_due(limit=500)
    records = caplog.records
    assert records
    for record in records:
        shown = (
            record.getMessage()
            + " "
            + " ".join(str(v) for k, v in vars(record).items() if k not in ("msg", "args"))
        )
        for secret in SECRETS_AND_PEOPLE:
            assert secret not in shown, (record.name, record.getMessage())
    turns = [r for r in records if r.getMessage() == "turn handled"]
    assert turns and all(r.correlation_id.startswith("turn-") for r in turns)
    deliveries = [r for r in records if getattr(r, "correlation_id", "").startswith("delivery-")]
    assert deliveries
