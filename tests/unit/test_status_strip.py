"""The wasstraat at a glance: every step of the template in order, marked done, running,
waiting or overdue, and a planned evaluation with its day and time."""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

from cards.detail import detail_card
from cards.formats import format_datetime
from cards.status import status_card
from wasstraat import commands as c
from wasstraat.model import SYSTEM
from wasstraat.progress import Mark, progress
from wasstraat.samples import KPIS, PL, TEMPLATE, Run, to_step

ZONE = ZoneInfo("Europe/Amsterdam")


def _marks(run: Run, at=None) -> dict[str, Mark]:  # type: ignore[no-untyped-def]
    return {m.step: m.mark for m in progress(run.t, TEMPLATE, at or run.now)}


def test_each_step_is_marked_as_the_trajectory_stands():
    run = Run()
    to_step(run, "2")
    run.do(PL, c.ProposeKpis(kpis=KPIS))
    marks = _marks(run)
    assert list(marks) == [s.id for s in TEMPLATE.steps]  # the template's steps, in order
    assert marks["1"] is Mark.DONE
    assert marks["2"] is Mark.RUNNING and marks["4"] is Mark.RUNNING
    assert {marks[s] for s in ("3a", "3b", "5", "10", TEMPLATE.steps[-1].id)} == {Mark.WAITING}
    # three weeks without an answer: the reminders came, the project leader was told
    run.do(SYSTEM, c.FollowUpDue(), after=timedelta(days=21))
    assert _marks(run)["2"] is Mark.OVERDUE
    assert _marks(run)["1"] is Mark.DONE


def test_a_step_running_past_its_deadline_is_overdue_and_not_while_paused():
    run = Run()
    to_step(run, "3b")
    deadline = run.t.steps["3b"].deadline
    assert deadline is not None
    assert _marks(run, deadline - timedelta(minutes=1))["3b"] is Mark.RUNNING
    assert _marks(run, deadline + timedelta(minutes=1))["3b"] is Mark.OVERDUE
    run.do(PL, c.Pause())
    assert _marks(run, deadline + timedelta(minutes=1))["3b"] is Mark.RUNNING


def test_the_status_card_draws_the_strip_and_the_evaluation_with_its_day_and_time():
    run = Run()
    to_step(run, TEMPLATE.steps[-1].id)
    planned = run.t.evaluation.planned_at
    assert planned is not None
    card = status_card([run.t], template=TEMPLATE, language="nl", zone=ZONE, now=run.now)
    said = json.dumps(card, ensure_ascii=False)
    assert f"Evaluatie op {format_datetime(planned, 'nl', ZONE)}" in said
    assert "Nu bezig: Evaluatie" not in said
    strip = card["body"][1]["items"][1]
    assert strip["type"] == "RichTextBlock"
    line = "".join(i if isinstance(i, str) else i["text"] for i in strip["inlines"])
    assert line == "1✓ 2✓ 3a✓ 3b✓ 4✓ 5✓ 6✓ 7✓ 8✓ 9✓ 10✓ E○"
    assert "✓ klaar · ▶ bezig · ○ wacht · ! te laat" in said
    en = json.dumps(
        status_card([run.t], template=TEMPLATE, language="en", zone=ZONE, now=run.now),
        ensure_ascii=False,
    )
    assert f"Evaluation on {format_datetime(planned, 'en', ZONE)}" in en
    # when the moment has come the evaluation runs, without a date to wait for
    run.do(SYSTEM, c.EvaluationDue(), after=planned - run.now)
    assert _marks(run)[TEMPLATE.steps[-1].id] is Mark.RUNNING


def test_the_detail_card_marks_every_step_and_plans_the_evaluation():
    run = Run()
    to_step(run, TEMPLATE.steps[-1].id)
    planned = run.t.evaluation.planned_at
    assert planned is not None
    card = detail_card(run.t, template=TEMPLATE, language="nl", zone=ZONE, now=run.now)
    cells = card["body"][2]["items"][0]["columns"]
    assert [c["items"][1]["text"] for c in cells] == [*(s.id for s in TEMPLATE.steps[:-1]), "E"]
    assert [c["items"][0]["text"] for c in cells] == ["✓"] * 11 + ["○"]
    assert f"gepland op {format_datetime(planned, 'nl', ZONE)}" in json.dumps(
        card, ensure_ascii=False
    )


def test_a_status_card_of_twenty_trajectories_with_their_strips_stays_under_28_kb():
    run = Run()
    to_step(run, "2")
    run.do(SYSTEM, c.FollowUpDue(), after=timedelta(days=21))
    card = status_card([run.t] * 20, template=TEMPLATE, language="nl", zone=ZONE, now=run.now)
    assert len(json.dumps(card, ensure_ascii=False).encode()) < 28 * 1024
