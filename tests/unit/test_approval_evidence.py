"""An approval card carries what is decided on: the KPIs with their measures, the priorities
with owner and date, and for the plan each improvement's horizon and the specialists' verdicts,
conditions and estimates."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from cards.messages import render_message
from wasstraat import commands as c
from wasstraat.model import Horizon, Verdict
from wasstraat.samples import IV, PO, TEMPLATE, Run, to_step
from wasstraat.template import Reviews, Subject

ZONE = ZoneInfo("Europe/Amsterdam")


def texts(card) -> list[str]:
    return [block["text"] for block in card["body"] if block.get("type") == "TextBlock"]


def plan_card(run: Run, language: str = "nl"):
    rendered = render_message(
        "approval_request",
        {"subject": "plan", "round": run.t.plan_round},
        run.t,
        language=language,
        template=TEMPLATE,
        zone=ZONE,
    )
    assert rendered.card is not None
    return rendered.card


def reviewed_run() -> Run:
    run = Run()
    reviews = TEMPLATE.one(Reviews)
    to_step(run, reviews.id)
    run.do(
        IV,
        c.SubmitReview(
            improvement_id="v1",
            verdict=Verdict.AKKOORD,
            cost_estimate="€ 12.000",
            lead_time="3 maanden",
        ),
    )
    run.do(
        PO,
        c.SubmitReview(
            improvement_id="v1",
            verdict=Verdict.ONDER_VOORWAARDEN,
            remark="Akkoord mits er een DPIA komt",
        ),
    )
    to_step(run, TEMPLATE.approval_step(Subject.PLAN).id)
    return run


def test_the_plan_approval_shows_each_verdict_with_its_condition_and_estimates():
    run = reviewed_run()
    lines = texts(plan_card(run))
    improvement = run.t.improvement("v1")
    assert improvement is not None and improvement.text in lines
    horizon = "Quick win" if improvement.horizon is Horizon.QUICK_WIN else "Lange termijn"
    assert horizon in lines
    privacy = [line for line in lines if line.startswith("Privacy")]
    assert privacy == [
        f"{TEMPLATE.role('privacy_officer').name.nl} ({PO.name}): Akkoord onder voorwaarden"
        " – “Akkoord mits er een DPIA komt”"
    ]
    [iv] = [line for line in lines if IV.name in line]
    assert "kosten: € 12.000, doorlooptijd: 3 maanden" in iv
    # every line is its own block: nothing runs together into one paragraph
    assert not [line for line in lines if "\n" in line]


def test_a_verdict_given_before_the_text_changed_says_so():
    run = reviewed_run()
    improvement = run.t.improvement("v1")
    assert improvement is not None
    changed = improvement.model_copy(update={"revision": improvement.revision + 1})
    run.t.improvements = [changed, *[i for i in run.t.improvements if i.id != "v1"]]
    lines = texts(plan_card(run, "en"))
    assert any(PO.name in line and "(given before the latest change)" in line for line in lines)


def test_the_priorities_approval_shows_owner_and_date():
    run = reviewed_run()
    improvement = run.t.improvement("v1")
    assert improvement is not None
    ranked = improvement.model_copy(
        update={"priority": 1, "owner": IV, "target_date": date(2027, 3, 1)}
    )
    run.t.improvements = [ranked, *[i for i in run.t.improvements if i.id != "v1"]]
    rendered = render_message(
        "approval_request",
        {"subject": "priorities", "round": run.t.priorities_round},
        run.t,
        language="nl",
        template=TEMPLATE,
        zone=ZONE,
    )
    assert rendered.card is not None
    assert f"1. {ranked.text} (eigenaar: {IV.name}, klaar op: ma 1 mrt 2027)" in texts(
        rendered.card
    )
