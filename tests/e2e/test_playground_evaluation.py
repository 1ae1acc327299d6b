"""The evaluation moment in Microsoft 365 Agents Playground, on the bot's fast clock (demos).

Alex (project leader) and Megan (process owner and sponsor) each have their own Playground and
have the app installed. A trajectory of theirs whose implementation is done and whose evaluation
is planned three weeks ahead is put in the bot's database while the bot is down (driven through
the ten steps by the engine, stored as the bot stores it: the trajectory, its audit trail and its
timers). The bot comes back on a clock that runs a day a second; nobody does anything until the
moment comes, and then the ticker, the outbox and the cards are the bot's own: Megan gets the
evaluation card, records the new measurements on it, and the result card reaches her and Alex:
per KPI in words, and as a chart (the Playground draws Teams' charts).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from storage import Store, open_database
from tests.e2e.conftest import ARTIFACTS, open_chat, screenshot_path
from tests.e2e.harness import (
    PEOPLE,
    database_url,
    free_port,
    playground_config,
    running_bot,
    running_playground,
)
from wasstraat import commands as c
from wasstraat.effects import TimerEffect
from wasstraat.engine import Outcome
from wasstraat.model import Binding, Person
from wasstraat.samples import Run, finish, to_step
from wasstraat.worktime import TimePolicy, WorkingTime

pytestmark = pytest.mark.e2e
TIMEOUT = 45_000

SPEED = 86_400  # the bot's clock: a day a second
AHEAD = timedelta(weeks=3)  # the evaluation moment, in the bot's time: some 21 s away
FAST_CLOCK = {
    "WASSTRAAT_CLOCK_SPEED": str(SPEED),
    "WASSTRAAT_TIMER_SWEEP_SECONDS": "1",
    # the first reminder (the evaluation card again) would otherwise come three bot days, that
    # is three seconds, after the card, while Megan is still filling it in
    "WASSTRAAT_REMIND_AFTER_WORKING_DAYS": "60",
    "WASSTRAAT_ESCALATE_AFTER_WORKING_DAYS": "60",
}


def playground_person(key: str) -> Person:
    _user_id, name, _alias, aad_object_id = PEOPLE[key]
    return Person(aad_object_id=aad_object_id, name=name)


ALEX, MEGAN = playground_person("alex"), playground_person("megan")
# who may approve or review is never chosen by the project leader himself: Megan
CAST = {
    "proceseigenaar": [MEGAN],
    "sponsor": [MEGAN],
    "procesadviseur": [ALEX],
    "klantreiscoach": [ALEX],
    "vakinhoudelijk_medewerker": [ALEX],
    "teammanager": [MEGAN],
    "specialist_iv": [MEGAN],
    "privacy_officer": [MEGAN],
}
# the Playground's team channel ("My Team - General") and tenant
TEAM = Binding(
    tenant_id="00000000-0000-0000-0000-0000000000001",
    conversation_id="team-id",
    team_id="team-id",
    channel_id="team-id",
)


def live_timers(outcomes: list[Outcome]) -> list[TimerEffect]:
    """The timers still set after these outcomes (a later one replaces or cancels)."""
    timers: dict[str, TimerEffect] = {}
    for outcome in outcomes:
        for timer in outcome.timers:
            if timer.due_at is None:
                timers.pop(timer.timer_id, None)
            else:
                timers[timer.timer_id] = timer
    return list(timers.values())


async def store_trajectory_awaiting_evaluation(url: str, *, ahead: timedelta) -> datetime:
    """Alex and Megan's trajectory 'Parkeervergunning', run through the ten steps over the past
    month, with the evaluation Megan planned ``ahead`` from now; written to the bot's database
    as the bot writes it. The cards of the steps went out long ago: no outbox message is left.
    Returns the evaluation moment."""
    now = datetime.now(UTC)
    run = Run(
        now - timedelta(days=30),
        project_leader=ALEX,
        roles=CAST,
        binding=TEAM,
        policy=TimePolicy(working=WorkingTime(always=True)),  # as the bot runs here
    )
    to_step(run, "10")
    moment = now + ahead
    run.do(MEGAN, c.PlanEvaluation(on=moment.date(), at=moment))
    finish(run, "10")  # the implementation is done: the evaluation step waits for its moment
    assert run.t.active_steps(run.template) == ["evaluatie"]
    assert run.now < now, "the trajectory's history lies in the past"
    database = await open_database(url)
    try:
        async with Store(database).transaction(now=now) as tx:
            await tx.insert_trajectory(run.t, now=now)
            await tx.audit_many(
                [{**entry.model_dump(), "trajectory_id": run.t.id} for entry in run.audit]
            )
            for timer in live_timers(run.outcomes):
                assert timer.due_at is not None
                await tx.set_timer(
                    timer_id=timer.timer_id,
                    kind=timer.kind,
                    due_at=timer.due_at,
                    trajectory_id=run.t.id,
                    payload=timer.data,
                    now=now,
                )
    finally:
        await database.dispose()
    return moment


@dataclass(frozen=True)
class Stage:
    workdir: Path
    bot_port: int  # where the Playgrounds reach the bot, each time it is started
    urls: dict[str, str]


@pytest.fixture(scope="module")
def stage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    """Alex's and Megan's Playgrounds, pointed at the port the bot will listen on."""
    workdir = tmp_path_factory.mktemp("e2e-evaluation")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with ExitStack() as stack:
        urls = {}
        for person in ("alex", "megan"):
            home = workdir / person
            home.mkdir()
            (home / ".m365agentsplayground.yml").write_text(playground_config(person), "utf-8")
            urls[person] = stack.enter_context(
                running_playground(port, home, ARTIFACTS / f"playground-evaluation-{person}.log")
            )
        yield Stage(workdir=workdir, bot_port=port, urls=urls)


def card(page: Page, text: str) -> Locator:
    return page.locator(".ac-adaptiveCard").filter(has_text=text).last


async def test_the_evaluation_moment_comes_by_itself_on_the_fast_clock(
    stage: Stage, browser: Browser
):
    # Alex and Megan open their chats: the bot greets them and can reach them 1:1 from then on
    with running_bot(
        stage.workdir, ARTIFACTS / "bot-evaluation-1.log", port=stage.bot_port, settings=FAST_CLOCK
    ):
        alex = await open_chat(browser, stage.urls["alex"])
        megan = await open_chat(browser, stage.urls["megan"])
        for page in (alex, megan):
            await expect(card(page, "Welcome to the Wasstraat")).to_be_visible(timeout=TIMEOUT)

    moment = await store_trajectory_awaiting_evaluation(database_url(stage.workdir), ahead=AHEAD)
    asked = "It is time to evaluate 'Parkeervergunning'"
    with running_bot(
        stage.workdir, ARTIFACTS / "bot-evaluation-2.log", port=stage.bot_port, settings=FAST_CLOCK
    ):
        started = time.monotonic()
        # nobody acts: the moment, three weeks ahead on the bot's clock, comes by itself
        await expect(megan.locator(".ac-adaptiveCard").filter(has_text=asked)).to_have_count(0)
        request = card(megan, asked)
        await expect(request).to_be_visible(timeout=TIMEOUT + 1000 * AHEAD.total_seconds() / SPEED)
        waited = time.monotonic() - started
        assert waited > 0.5 * AHEAD.total_seconds() / SPEED, (waited, moment)
        await expect(card(alex, asked)).to_be_visible(timeout=TIMEOUT)
        await request.screenshot(path=screenshot_path("evaluation-0-request"))

        # Megan records the new measurements and the lessons on her card, typing as a person
        # does (the Playground's number fields keep only what is typed)
        for label, value in (
            ("Doorlooptijd: new measurement", "2.5"),
            ("Klanttevredenheid: new measurement", "7.4"),
            ("What went well?", "Digitaal aanvragen loopt goed"),
            ("What could be better?", "De balie moet beter meedoen"),
        ):
            field = request.get_by_label(label)
            await field.click()
            await megan.keyboard.type(value)
            await expect(field).to_have_value(value)
        await request.get_by_role("button", name="Save").click()

        # the result reaches her and the project leader: per KPI in words, and as bars
        for name, page in (("megan", megan), ("alex", alex)):
            result = card(page, "Result of 'Parkeervergunning'")
            await expect(result).to_contain_text(
                "1 of 2 targets met; 1 KPI moved the right way.", timeout=TIMEOUT
            )
            await expect(result).to_contain_text(
                "Doorlooptijd from 10 to 2.5 dagen (target 3, lower is better): target met"
            )
            await expect(result).to_contain_text(
                "Klanttevredenheid from 6.1 to 7.4 cijfer (target 8, higher is better); still "
                "0.6 from the target, moving the right way: target not yet met"
            )
            # the lessons learned, and who decides on a next cycle
            await expect(result).to_contain_text("What went well: Digitaal aanvragen loopt goed")
            await expect(result).to_contain_text("Whether a next cycle follows is decided by")
            for kpi, unit, numbers in (
                ("Doorlooptijd", "dagen", r"Baseline, 10, Target, 3, Measured, 2\.5"),
                ("Klanttevredenheid", "cijfer", r"Baseline, 6\.10?, Target, 8, Measured, 7\.4"),
            ):
                # the Teams chart as the Playground draws it, or its fallback in a host without
                # charts: per KPI the baseline, the target and the measurement as bars
                chart = result.get_by_role("img", name=re.compile(f"^{kpi}, {numbers}"))
                fallback = result.get_by_text(f"{kpi} ({unit})", exact=True)
                await expect(chart.or_(fallback)).to_be_visible()
            await result.screenshot(path=screenshot_path(f"evaluation-1-result-{name}"))
