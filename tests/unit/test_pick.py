"""The PICK chart of step 6: impact against effort, the quadrant and what it proposes for
the plan, on the card that makes the plan and on the plan's approval."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import pytest

from cards.forms import read_step_form, step_form
from cards.messages import render_message
from tests.tools.card_parts import every_element
from wasstraat import commands as c
from wasstraat.effects import read_payload
from wasstraat.model import Improvement, Level, Quadrant, quadrant
from wasstraat.samples import PL, TEMPLATE, VM1, Run, to_step
from wasstraat.template import Subject

ZONE = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    ("impact", "effort", "where"),
    [
        ("high", "low", Quadrant.IMPLEMENT),
        ("high", "high", Quadrant.CHALLENGE),
        ("low", "low", Quadrant.POSSIBLE),
        ("low", "high", Quadrant.KILL),
    ],
)
def test_impact_against_effort_gives_the_quadrant(impact: str, effort: str, where: Quadrant):
    rated = Improvement.model_validate(
        {
            "id": "v1",
            "text": "x",
            "source_step": None,
            "by": PL.model_dump(),
            "at": "2026-12-01T09:00:00+00:00",
            "impact": impact,
            "effort": effort,
        }
    )
    assert quadrant(rated) is where
    assert quadrant(rated.model_copy(update={"effort": None})) is None


def plan_form(run: Run):
    step = TEMPLATE.step(run.t.active_steps(TEMPLATE)[0])
    roles = run.t.roles_of(PL.aad_object_id, run.now)
    form = step_form(run.t, step, roles, language="nl", template=TEMPLATE, viewer=PL)
    assert form is not None
    return step, roles, form


def test_the_plan_card_rates_each_improvement_and_shows_the_quadrants_and_proposals():
    run = Run()
    to_step(run, "6")
    for text in ("Online betalen", "Nieuw zaaksysteem", "Folder herschrijven"):
        run.do(VM1, c.AddImprovement(text=text))
    step, roles, form = plan_form(run)
    ids = [i.id for i in run.t.improvements]
    fields = {e.get("id"): e for e in every_element(form.body)}
    # the ratings sit behind one button, one choice per improvement
    assert fields["pick_ratings"]["isVisible"] is False
    assert {f"pick_{i}" for i in ids} <= set(fields)
    commands = read_step_form(
        {f"pick_{ids[0]}": "high-low", f"pick_{ids[1]}": "high-high", f"pick_{ids[2]}": "low-high"},
        run.t,
        step,
        roles,
        template=TEMPLATE,
        zone=ZONE,
        language="nl",
    )
    rated = [cmd for cmd in commands if cmd.kind == "rate_improvement"]
    assert [(r.impact, r.effort) for r in rated] == [
        (Level.HIGH, Level.LOW),
        (Level.HIGH, Level.HIGH),
        (Level.LOW, Level.HIGH),
    ]
    for command in rated:
        run.do(PL, command)
    _, _, again = plan_form(run)
    said = json.dumps(again.body, ensure_ascii=False)
    assert "weinig moeite" in said and "veel effect" in said  # the chart's axes
    assert '"Doen (1)"' in said and '"Niet doen (1)"' in said
    # each improvement's source, quadrant and proposal in one line (the chart says what the
    # quadrants mean)
    assert " · PICK: Doen, voorstel: Quick win" in said
    assert " · PICK: Niet doen, voorstel: niet kiezen" in said
    horizons = {
        e["id"]: e.get("value")
        for e in every_element(again.body)
        if str(e.get("id", "")).startswith("hor_")
    }
    # the quadrant proposes the horizon; the project leader can still change it
    assert horizons[f"hor_{ids[1]}"] == "long_term" and horizons[f"hor_{ids[0]}"] == "quick_win"
    # a rating given again as it stands changes nothing
    same = read_step_form(
        {f"pick_{ids[0]}": "high-low"},
        run.t,
        step,
        roles,
        template=TEMPLATE,
        zone=ZONE,
        language="nl",
    )
    assert [cmd for cmd in same if cmd.kind == "rate_improvement"] == []


def test_the_plans_approval_shows_each_improvements_quadrant():
    run = Run()
    to_step(run, "6")
    run.do(VM1, c.AddImprovement(text="Online betalen"))
    [idea] = run.t.improvements
    run.do(PL, c.RateImprovement(improvement_id=idea.id, impact="high", effort="low"))
    run.do(PL, c.SelectImprovement(improvement_id=idea.id, selected=True))
    run.do(PL, c.ClassifyImprovement(improvement_id=idea.id, horizon="quick_win"))
    to_step(run, TEMPLATE.approval_step(Subject.PLAN).id)
    card = render_message(
        read_payload("approval_request", {"subject": "plan", "round": run.t.plan_round}),
        run.t,
        language="en",
        template=TEMPLATE,
        zone=ZONE,
    ).card
    assert "PICK: Implement (high impact, low effort)" in json.dumps(card)


def test_the_portfolio_counts_the_chosen_improvements_by_quadrant():
    from wasstraat.portfolio import QUADRANT, facts

    run = Run()
    to_step(run, "6")
    run.do(VM1, c.AddImprovement(text="Online betalen"))
    idea = run.t.improvements[-1]
    run.do(PL, c.RateImprovement(improvement_id=idea.id, impact="high", effort="high"))
    run.do(PL, c.SelectImprovement(improvement_id=idea.id, selected=True))
    run.do(PL, c.ClassifyImprovement(improvement_id=idea.id, horizon="long_term"))
    to_step(run, TEMPLATE.approval_step(Subject.PLAN).id)
    run.do(PL, c.FinalisePlan())
    counted = facts(run.t).counts
    assert counted[(QUADRANT, "challenge:open")] == 1
    assert not any(k[0] == QUADRANT and k[1].startswith("kill") for k in counted)
