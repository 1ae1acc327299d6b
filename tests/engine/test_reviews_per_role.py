"""A specialist who holds several reviewing roles reviews once per role, each asked in that
role's terms, on one card; the step waits until each role's review is in."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from cards.messages import render_message
from cards.review_forms import read_review_form
from wasstraat import commands as c
from wasstraat.engine import AlreadyDecided, NotAllowed, open_tasks
from wasstraat.model import Verdict
from wasstraat.samples import IV, PL, PO, TEMPLATE, Run, finish, person, to_step

ROLES = ("specialist_iv", "ciso", "applicatiebeheerder")
STEP = TEMPLATE.step("7")


def _review_card(run: Run, message, viewer):  # type: ignore[no-untyped-def]
    return render_message(
        message.body,
        run.t,
        language="nl",
        template=TEMPLATE,
        zone=ZoneInfo("Europe/Amsterdam"),
        viewer=viewer,
        now=run.now,
    ).card


def _inputs(card) -> list[str]:  # type: ignore[no-untyped-def]
    return [e["id"] for e in card["body"] if "id" in e]


def test_a_specialist_with_three_roles_is_asked_once_with_a_part_per_role():
    run = Run()
    to_step(run, "6")
    ivo = IV
    for role in ROLES[1:]:
        run.do(PL, c.AssignRole(role=role, people=[ivo]))
    finish(run, "6")
    [request] = [m for m in run.outcomes[-1].messages if m.recipient == ivo]
    assert request.kind == "review_request" and request.data["roles"] == list(ROLES)

    card = _review_card(run, request, ivo)
    text = str(card)
    # each role asked in its own terms, from the template
    for role in ROLES:
        assert STEP.asks[role].nl in text
    assert "ICT-kosten" in STEP.asks["specialist_iv"].nl
    inputs = _inputs(card)
    assert [i for i in inputs if i.startswith("verdict_")] == [f"verdict_v1_{r}" for r in ROLES]
    # only the IT specialist's part estimates cost and lead time
    assert [i for i in inputs if i.startswith(("cost_", "lead_"))] == [
        "cost_v1_specialist_iv",
        "lead_v1_specialist_iv",
    ]
    [save] = card["actions"]
    assert save["data"]["roles"] == list(ROLES)

    # one review in, as the IT specialist: the step waits for the other roles
    fields = read_review_form(
        {**save["data"], "verdict_v1_specialist_iv": "akkoord", "cost_v1_specialist_iv": "€ 5.000"},
        run.t,
    )
    assert [(f.role, f.verdict, f.cost_estimate, f.revision) for f in fields] == [
        ("specialist_iv", Verdict.AKKOORD, "€ 5.000", 0)
    ]
    run.do(ivo, fields[0])
    run.do(PO, c.SubmitReview(improvement_id="v1", verdict=Verdict.AKKOORD))
    assert run.status("7") == "active"
    assert [w.what for w in open_tasks(run.t, ivo.aad_object_id, TEMPLATE)] == ["review"]
    with pytest.raises(AlreadyDecided):
        run.do(ivo, c.SubmitReview(improvement_id="v1", verdict="akkoord", role="specialist_iv"))
    with pytest.raises(NotAllowed):
        run.do(ivo, c.SubmitReview(improvement_id="v1", verdict="akkoord", role="jurist"))

    # the card drawn again has only the roles still to review
    card = _review_card(run, request, ivo)
    verdicts = [i for i in _inputs(card) if i.startswith("verdict_")]
    assert verdicts == ["verdict_v1_ciso", "verdict_v1_applicatiebeheerder"]
    assert STEP.asks["specialist_iv"].nl not in str(card)

    # the other two in one save
    fields = read_review_form(
        {
            **card["actions"][0]["data"],
            "verdict_v1_ciso": "akkoord",
            "verdict_v1_applicatiebeheerder": "akkoord_onder_voorwaarden",
            "remark_v1_applicatiebeheerder": "koppeling met het zaaksysteem nodig",
        },
        run.t,
    )
    run.do(ivo, fields[0])
    assert run.status("7") == "active"
    run.do(ivo, fields[1])
    assert run.status("7") == "done"
    reviews = run.t.improvement("v1").reviews  # type: ignore[union-attr]
    assert sorted(r.role for r in reviews if r.by == ivo) == sorted(ROLES)
    # one request for the one task, however many roles
    asked = [m for o in run.outcomes for m in o.messages if m.kind == "review_request"]
    assert [m.recipient for m in asked].count(ivo) == 1


def test_without_a_role_named_a_review_counts_for_the_first_role_still_open():
    run = Run()
    to_step(run, "6")
    run.do(PL, c.AssignRole(role="ciso", people=[IV]))
    finish(run, "6")
    run.do(PO, c.SubmitReview(improvement_id="v1", verdict=Verdict.AKKOORD))
    run.do(IV, c.SubmitReview(improvement_id="v1", verdict=Verdict.AKKOORD))
    assert run.status("7") == "active"
    run.do(IV, c.SubmitReview(improvement_id="v1", verdict=Verdict.AKKOORD))
    assert run.status("7") == "done"
    reviews = run.t.improvement("v1").reviews  # type: ignore[union-attr]
    assert [r.role for r in reviews if r.by == IV] == ["specialist_iv", "ciso"]


def test_a_form_drawn_before_reviews_had_a_part_per_role_still_reads():
    run = Run()
    to_step(run, "7")
    fields = read_review_form(
        {"form": "review", "role": "privacy_officer", "verdict_v1": "akkoord"}, run.t
    )
    assert [(f.role, f.verdict) for f in fields] == [("privacy_officer", Verdict.AKKOORD)]
    assert person("x")  # the sample cast is importable alongside
