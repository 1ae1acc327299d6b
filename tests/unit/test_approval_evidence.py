"""An approval card carries what is decided on: the KPIs with their measures, the priorities
with owner and date, and for the plan each improvement's horizon and the specialists' verdicts,
conditions and estimates."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from cards.messages import render_message
from tests.tools.card_parts import every_element
from wasstraat import commands as c
from wasstraat.effects import read_payload
from wasstraat.model import Horizon, Verdict
from wasstraat.samples import IV, PO, TEMPLATE, Run, to_step
from wasstraat.template import Reviews, Subject

ZONE = ZoneInfo("Europe/Amsterdam")


def texts(card) -> list[str]:
    return [block["text"] for block in card["body"] if block.get("type") == "TextBlock"]


def approval_card(run: Run, subject: Subject, language: str = "nl"):
    rounds = {Subject.PLAN: run.t.plan_round, Subject.PRIORITIES: run.t.priorities_round}
    rendered = render_message(
        read_payload("approval_request", {"subject": subject.value, "round": rounds[subject]}),
        run.t,
        language=language,
        template=TEMPLATE,
        zone=ZONE,
    )
    assert rendered.card is not None
    return rendered.card


def plan_card(run: Run, language: str = "nl"):
    return approval_card(run, Subject.PLAN, language)


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


def test_plain_agreements_are_counted_and_only_a_review_that_says_more_has_its_line():
    from wasstraat.model import Review
    from wasstraat.samples import person

    run = reviewed_run()
    improvement = run.t.improvement("v1")
    assert improvement is not None
    specialists = ("ciso", "jurist", "applicatiebeheerder", "communicatieadviseur")
    plain = [
        Review(
            by=person(role.title()),
            role=role,
            verdict=Verdict.AKKOORD,
            at=run.now,
            revision=improvement.revision,
        )
        for role in specialists
    ]
    more = improvement.model_copy(update={"reviews": [*improvement.reviews, *plain]})
    run.t.improvements = [more, *[i for i in run.t.improvements if i.id != "v1"]]
    lines = texts(plan_card(run))
    # six reviews: five agree (one of them with estimates), one sets a condition
    assert "5 van 6 beoordelingen akkoord" in lines
    said = [line for line in lines if "): " in line]
    assert [line.split(" (")[1].split(")")[0] for line in said] == [IV.name, PO.name]
    assert "5 of 6 reviews agree" in texts(plan_card(run, "en"))


def test_a_single_review_is_named_whatever_it_says():
    from wasstraat.model import Review

    run = reviewed_run()
    improvement = run.t.improvement("v1")
    assert improvement is not None
    only = Review(
        by=IV,
        role="specialist_iv",
        verdict=Verdict.AKKOORD,
        at=run.now,
        revision=improvement.revision,
    )
    alone = improvement.model_copy(update={"reviews": [only]})
    run.t.improvements = [alone, *[i for i in run.t.improvements if i.id != "v1"]]
    lines = texts(plan_card(run))
    assert f"{TEMPLATE.role('specialist_iv').name.nl} ({IV.name}): Akkoord" in lines
    assert not [line for line in lines if "beoordeling" in line]


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
    line = f"1. {ranked.text} (eigenaar: {IV.name}, klaar op: ma 1 mrt 2027)"
    assert line in texts(approval_card(run, Subject.PRIORITIES))


def test_the_project_leader_sees_the_feedback_and_can_reword_split_and_drop():
    from cards.forms import read_step_form, step_form
    from wasstraat.samples import PL

    run = reviewed_run()
    step = TEMPLATE.approval_step(Subject.PLAN)
    assert step is not None
    roles = run.t.roles_of(PL.aad_object_id, run.now)
    form = step_form(run.t, step, roles, language="nl", template=TEMPLATE, viewer=PL)
    assert form is not None
    shown = [b.get("text") for b in form.body if b.get("type") == "TextBlock"]
    assert any("Akkoord mits er een DPIA komt" in (line or "") for line in shown)
    inputs = {b["id"]: b for b in form.body if "id" in b}
    assert inputs["rev_v1"]["value"] == run.t.improvement("v1").text
    commands = read_step_form(
        {
            "rev_v1": "Online aanvragen, met een DPIA vooraf",
            "split_v1": "Het papieren formulier afschaffen",
            "sel_v1": "true",
        },
        run.t,
        step,
        roles,
        template=TEMPLATE,
        zone=ZONE,
        language="nl",
    )
    kinds = [(command.kind, getattr(command, "text", None)) for command in commands]
    assert ("revise_improvement", "Online aanvragen, met een DPIA vooraf") in kinds
    assert ("split_improvement", "Het papieren formulier afschaffen") in kinds


def test_a_split_off_part_is_chosen_with_the_same_horizon_and_awaits_review():
    from wasstraat.samples import PL

    run = reviewed_run()
    original = run.t.improvement("v1")
    assert original is not None
    run.do(PL, c.SplitImprovement(improvement_id="v1", text="Het papieren formulier afschaffen"))
    part = run.t.improvements[-1]
    assert part.text == "Het papieren formulier afschaffen" and part.selected
    assert (part.horizon, part.p, part.reviews) == (original.horizon, original.p, [])
    assert run.t.improvement("v1") == original  # the original keeps its text and reviews


def test_step_9_the_leader_and_adviser_draft_the_plan_with_training_and_the_owner_decides():
    from cards.forms import read_step_form, step_form
    from wasstraat.samples import PA

    run = Run()
    step = TEMPLATE.approval_step(Subject.PRIORITIES)
    assert step is not None
    to_step(run, step.id)
    roles = run.t.roles_of(PA.aad_object_id, run.now)
    form = step_form(run.t, step, roles, language="nl", template=TEMPLATE, viewer=PA)
    assert form is not None
    ids = {e.get("id") for e in every_element(form.body)}
    assert {"action_text", "action_kind", "action_owner", "action_date"} <= ids
    commands = read_step_form(
        {
            "action_text": "Baliemedewerkers trainen in het nieuwe formulier",
            "action_kind": "training",
            "action_owner": IV.aad_object_id,
            "action_date": "2027-03-01",
        },
        run.t,
        step,
        roles,
        template=TEMPLATE,
        zone=ZONE,
        language="nl",
    )
    [add] = [command for command in commands if command.kind == "add_implementation_item"]
    run.do(PA, add)
    card = approval_card(run, Subject.PRIORITIES)
    line = (
        f"Training: Baliemedewerkers trainen in het nieuwe formulier "
        f"(eigenaar: {IV.name}, klaar op: ma 1 mrt 2027)"
    )
    assert line in texts(card)
