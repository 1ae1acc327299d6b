"""However much a trajectory holds, every card anyone gets stays under Teams' 28 KB for an
Adaptive Card: lists show a page, long texts a part, the rest is behind the status and the
dossier."""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

from cards.detail import detail_card, tasks_card
from cards.messages import render_message
from tests.tools.card_parts import every_element
from wasstraat.effects import read_payload
from wasstraat.engine import waiting_on
from wasstraat.model import (
    ContactMoment,
    Feeling,
    Horizon,
    ImplementationItem,
    Improvement,
    Klantreis,
    KlantreisMethod,
    Review,
    StepState,
    StepStatus,
    Verdict,
)
from wasstraat.samples import IV, KPIS, PL, TEMPLATE, Run, to_step

ZONE = ZoneInfo("Europe/Amsterdam")
LIMIT = 28 * 1024
LONG = "Balie en website beter laten aansluiten op wat inwoners verwachten. " * 28  # 1,900


def crowded():  # type: ignore[no-untyped-def]
    """A trajectory at its limits: 200 long ideas, all chosen and reviewed, 100 actions."""
    run = Run()
    to_step(run, "6")
    t = run.t
    at = run.now
    improvements = [
        Improvement(
            id=f"v{n}",
            text=LONG[:1900],
            source_step="6",
            by=PL,
            at=at,
            horizon=Horizon.QUICK_WIN,
            selected=True,
            priority=n,
            owner=PL,
            reviews=[
                Review(by=IV, role="specialist_iv", verdict=Verdict.AKKOORD, at=at, revision=0)
            ],
        )
        for n in range(1, 201)
    ]
    moments = [
        ContactMoment(
            phase=LONG[:80],
            channel=TEMPLATE.channels[n % len(TEMPLATE.channels)].id,
            current=Feeling.NEGATIVE,
            desired=Feeling.POSITIVE,
            note=LONG[:150],
        )
        for n in range(6)
    ]
    klantreis = Klantreis(
        method=KlantreisMethod.VNG_KLANTREIS,
        link="https://www.vng.nl/klantreizen/" + "x" * 1900,
        findings=(LONG * 3)[:5000],
        contact_moments=moments,
        pain_points=[LONG[:249]] * 20,  # the 5,000 characters the engine takes (a line each)
        recorded_at=at,
        by=PL,
    )
    items = [ImplementationItem(id=f"i{n}", text=LONG[:1900], owner=PL) for n in range(1, 101)]
    return run, t.model_copy(
        update={
            "improvements": improvements,
            "klantreis": klantreis,
            "implementation": items,
            "kpis": KPIS,
            "plan_round": 1,
            "priorities_round": 1,
            "plan_finalised_at": at,
        }
    )


def at_step(t, step_id):  # type: ignore[no-untyped-def]
    steps = {s.id: StepState(status=StepStatus.DONE) for s in TEMPLATE.steps}
    steps[step_id] = StepState(status=StepStatus.ACTIVE)
    evaluation = t.evaluation.model_copy(update={"requested_at": t.created_at})
    return t.model_copy(update={"steps": steps, "evaluation": evaluation})


def test_every_card_of_a_crowded_trajectory_stays_under_28_kb():
    run, crowded_t = crowded()
    now = run.now + timedelta(hours=1)
    sizes: dict[str, int] = {}
    for step in TEMPLATE.steps:
        t = at_step(crowded_t, step.id)
        for person in t.members():
            for kind, data in (
                ("step_started", {"step": step.id}),
                ("approval_request", {"subject": "plan", "round": 1}),
                ("approval_request", {"subject": "priorities", "round": 1}),
                ("review_request", {"step": step.id, "improvements": []}),
                ("evaluation_request", {"step": step.id}),
                (
                    "reminder",
                    {"task": "step_started", "step": step.id, "what": "complete", "count": 1},
                ),
            ):
                for language in ("nl", "en"):
                    rendered = render_message(
                        read_payload(kind, data),
                        t,
                        language=language,
                        template=TEMPLATE,
                        zone=ZONE,
                        viewer=person,
                        now=now,
                    )
                    if rendered.card is not None:
                        name = f"{kind}:{step.id}:{person.name}:{language}"
                        sizes[name] = len(json.dumps(rendered.card, ensure_ascii=False).encode())
        detail = detail_card(t, template=TEMPLATE, language="nl", zone=ZONE, now=now)
        sizes[f"detail:{step.id}"] = len(json.dumps(detail).encode())
        tasks = [(t, w) for w in waiting_on(t, TEMPLATE)] * 30
        sizes[f"tasks:{step.id}"] = len(
            json.dumps(tasks_card(tasks, template=TEMPLATE, language="nl", zone=ZONE, now=now))
        )
    assert len(sizes) > 100
    too_big = {name: size for name, size in sizes.items() if size >= LIMIT}
    assert too_big == {}
    # the step-6 form still offers a page of the ideas, not none
    plan = render_message(
        read_payload("step_started", {"step": "6"}),
        at_step(crowded_t, "6"),
        language="nl",
        template=TEMPLATE,
        zone=ZONE,
        viewer=PL,
        now=now,
    ).card
    assert plan is not None
    assert sum(1 for e in every_element(plan) if str(e.get("id", "")).startswith("sel_")) == 12
