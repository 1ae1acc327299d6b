"""Every card variant, rendered from a demo trajectory, for validation and review.

``python -m cards export DIR`` writes one JSON file per variant, named
``{what}--{detail}--{viewer}--{language}.json``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from cards.base import Element
from cards.catalogue import Language, text
from cards.detail import detail_card, personal_view, tasks_card, with_refresh
from cards.journey import MOMENTS
from cards.mentions import news_card
from cards.messages import Reminded, digest_card, idea_choice_card, render_message
from cards.outcomes import (
    Viewer,
    error_card,
    form_with_error,
    not_allowed_card,
    receipt_card,
    refusal_message,
    stale_card,
)
from cards.pick import RATINGS
from cards.roles import roles_form
from cards.status import status_card, step_label
from cards.view import SILENT
from cards.welcome import help_card, welcome_card
from wasstraat import commands as c
from wasstraat.effects import StepStarted
from wasstraat.engine import waiting_on
from wasstraat.model import (
    ContactMoment,
    Decision,
    Feeling,
    KlantreisMethod,
    Kpi,
    Level,
    Person,
    RemarkOutcome,
    Verdict,
)
from wasstraat.samples import KC, PA, PE, PL, SP, TEMPLATE, VM1, VM2, Run, to_step
from wasstraat.template import Check, Reviews, Section, Step, Subject

ZONE = ZoneInfo("Europe/Amsterdam")
LANGUAGES: tuple[Language, ...] = ("nl", "en")
# the demo's steps, found by what they are in the template
_KPI_STEP = (TEMPLATE.approval_step(Subject.KPIS) or TEMPLATE.steps[0]).id
_CHECK_STEP = (TEMPLATE.one(Check) or TEMPLATE.steps[0]).id
_LAST_STEP = TEMPLATE.steps[-1].id
_IMPLEMENTATION_STEP = TEMPLATE.steps[-2].id


def _demo_runs() -> list[Run]:
    # the check finds something missing: the procesadviseur gets the remark to decide on, with
    # the way back; kept for the plan, its writer hears it and the check closes
    remarked = Run()
    to_step(remarked, _CHECK_STEP)
    remarked.do(VM1, c.AnswerCheck(agrees=False, remark="De stap 'vingerafdrukken' ontbreekt"))
    remarked.do(VM2, c.AnswerCheck(agrees=True))
    remarked.do(
        PA,
        c.ResolveRemark(
            of=VM1.aad_object_id,
            outcome=RemarkOutcome.LATER,
            reason="Hoort bij de verbeteringen van stap 6",
        ),
    )
    _findings_for_the_plan(remarked)
    full = Run()
    reviews = TEMPLATE.one(Reviews)
    if reviews is not None:
        to_step(full, reviews.id)
        _reviewed_with_evidence(full, reviews)
    to_step(full, _LAST_STEP)
    full.do(
        PL.model_copy(update={"aad_object_id": "system"}),
        c.EvaluationDue(),
        after=timedelta(days=180),
    )
    full.do(
        PE,
        c.RecordEvaluation(
            measurements={"Doorlooptijd": 4, "Klanttevredenheid": 8.2},
            went_well="Digitaal aanvragen scheelt de balie veel werk.",
            could_be_better="Medewerkers eerder betrekken bij de training.",
        ),
    )
    rejected = Run()
    to_step(rejected, _KPI_STEP)
    kpi = Kpi(name="Doorlooptijd", unit="dagen", baseline=10, target=3)
    rejected.do(PL, c.ProposeKpis(kpis=[kpi]))
    rejected.do(PE, c.DecideKpis(decision=Decision.REJECT, remark="Ook klanttevredenheid"))
    waiting = Run()
    to_step(waiting, _KPI_STEP)
    waiting.do(PL, c.ProposeKpis(kpis=[kpi]))
    # three weeks without an answer: a reminder to the proceseigenaar, the leader is told
    waiting.do(
        PL.model_copy(update={"aad_object_id": "system"}), c.FollowUpDue(), after=timedelta(days=21)
    )
    waiting.do(PL, c.Nudge(), after=timedelta(days=2))
    return [remarked, full, rejected, waiting]


def _doing(section: Section) -> Step | None:
    return next((s for s in TEMPLATE.steps if any(section in p for p in s.may.values())), None)


def _findings_for_the_plan(run: Run) -> None:
    """The klantreis and the P's find what the plan should weigh, beside an idea and the
    remark the procesadviseur kept: the step-6 card then shows a candidate of each source."""
    klantreis, assessing = _doing(Section.KLANTREIS), _doing(Section.ASSESS_P)
    if klantreis is None or assessing is None:
        return
    moment = ContactMoment(
        phase="Afspraak maken",
        channel="telefoon",
        current=Feeling.NEGATIVE,
        note="Lang in de wacht",
    )
    run.do(
        KC,
        c.RecordKlantreis(
            method=KlantreisMethod.OTHER_FEEDBACK,
            findings="Inwoners bellen vaak na over de status",
            pain_points=["Wachttijd voor een afspraak is drie weken"],
            contact_moments=[moment],
        ),
    )
    run.do(KC, c.CompleteStep(step=klantreis.id))
    run.do(VM2, c.AddImprovement(text="Aanvraag ook online laten indienen"))
    run.do(PA, c.ChooseServiceformule(formule=TEMPLATE.serviceformules[0].id))
    for n, p in enumerate(TEMPLATE.ps):
        note = "Leges kunnen nu alleen aan de balie worden betaald" if n == 1 else ""
        run.do(PA, c.AssessP(p=p.id, matches=not note, note=note))
    run.do(PA, c.CompleteStep(step=assessing.id))


def _reviewed_with_evidence(run: Run, step: Step) -> None:
    """The specialists review the plan as they would: who estimates gives cost and lead time,
    the last reviewing role sets a condition, the others agree."""
    roles = [role for role in TEMPLATE.kind_roles(step) if run.t.holders(role)]
    for role in roles:
        for person in run.t.holders(role):
            if Section.ESTIMATES in step.sections(role):
                review = c.SubmitReview(
                    improvement_id="v1",
                    verdict=Verdict.AKKOORD,
                    role=role,
                    cost_estimate="€ 12.000",
                    lead_time="3 maanden",
                )
            elif role == roles[-1]:
                review = c.SubmitReview(
                    improvement_id="v1",
                    verdict=Verdict.ONDER_VOORWAARDEN,
                    role=role,
                    remark="Akkoord mits er een DPIA komt",
                )
            else:
                review = c.SubmitReview(improvement_id="v1", verdict=Verdict.AKKOORD, role=role)
            run.do(person, review)


def _journey_cards(language: Language) -> Iterator[tuple[str, Element]]:
    """The klantreis's card while its coach maps the journey: the hartslag of the moments so
    far with the button that opens them."""
    klantreis = _doing(Section.KLANTREIS)
    if klantreis is None or not TEMPLATE.contact_moments:
        return
    run = Run()
    to_step(run, klantreis.id)
    felt = (
        ("Informatie zoeken", "website", Feeling.NEUTRAL, Feeling.POSITIVE, ""),
        ("Aanvragen", "website", Feeling.POSITIVE, Feeling.POSITIVE, ""),
        ("Afspraak maken", "telefoon", Feeling.NEGATIVE, Feeling.POSITIVE, "Lang in de wacht"),
        ("Ophalen", "balie", Feeling.NEGATIVE, Feeling.NEUTRAL, "Rij bij de balie"),
    )
    run.do(
        KC,
        c.RecordKlantreis(
            method=KlantreisMethod.VNG_KLANTREIS,
            link="https://www.klantreizen.nl/klantreizen",
            findings="Inwoners bellen vaak na over de status",
            contact_moments=[
                ContactMoment(phase=phase, channel=channel, current=now, desired=desired, note=note)
                for phase, channel, now, desired, note in felt
            ],
        ),
    )
    drawn = _step_card(run, klantreis.id, KC, language)
    if drawn is not None:
        yield f"step_started--{klantreis.id}--klantreiscoach--journey", drawn


def _pick_cards(language: Language) -> Iterator[tuple[str, Element]]:
    """The plan's card once its improvements are rated on the PICK chart: one in each
    quadrant."""
    plan = _doing(Section.PLAN)
    if plan is None:
        return
    run = Run()
    to_step(run, plan.id)
    rated = (
        ("Kosten vooraf tonen op de website", Level.HIGH, Level.LOW),
        ("Online afspraak met herinnering per sms", Level.HIGH, Level.HIGH),
        ("Formulier in eenvoudige taal", Level.LOW, Level.LOW),
        ("Nieuw zaaksysteem voor vergunningen", Level.LOW, Level.HIGH),
    )
    for said, impact, effort in rated:
        run.do(VM2, c.AddImprovement(text=said))
        added = run.t.improvements[-1].id
        run.do(PL, c.RateImprovement(improvement_id=added, impact=impact, effort=effort))
    drawn = _step_card(run, plan.id, PL, language)
    if drawn is not None:
        yield f"step_started--{plan.id}--projectleider--pick", drawn


def _step_card(run: Run, step_id: str, viewer: Person, language: Language) -> Element | None:
    """The step's card as the viewer sees it now."""
    return render_message(
        StepStarted(step=step_id),
        run.t,
        language=language,
        template=TEMPLATE,
        zone=ZONE,
        viewer=viewer,
        now=run.now,
    ).card


def _opened(card: Element, container: str) -> Element:
    """The card with one of its containers shown, as after a click on the button opening it."""
    shown = json.loads(json.dumps(card))

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("id") == container:
                node["isVisible"] = True
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(shown)
    return shown


def digest_demo() -> tuple[Person, list[Reminded]]:
    """The proceseigenaar with a task waiting three weeks in each of two trajectories: the KPIs
    to approve in one, step 10 to finish in the other."""
    system = PL.model_copy(update={"aad_object_id": "system"})
    reminded = []
    for product, step, tid in (
        ("Parkeervergunning", _KPI_STEP, "t1"),
        ("Afvalpas", _IMPLEMENTATION_STEP, "t2"),
    ):
        run = Run()
        to_step(run, step)
        if step == _KPI_STEP:
            kpi = Kpi(name="Doorlooptijd", unit="dagen", baseline=10, target=3)
            run.do(PL, c.ProposeKpis(kpis=[kpi]))
        else:
            run.t = run.t.model_copy(update={"id": tid, "product": product})
        outcome = run.do(system, c.FollowUpDue(), after=timedelta(days=21))
        for message in outcome.messages:
            if message.kind == "reminder" and message.recipient == PE:
                reminded.append(Reminded(body=message.body, trajectory=run.t, template=TEMPLATE))
    return PE, reminded


def _message_variants(language: Language) -> Iterator[tuple[str, Element]]:
    seen: set[str] = set()
    for run in _demo_runs():
        for outcome in run.outcomes:
            for message in outcome.messages:
                detail = message.data.get("step") or message.data.get("subject") or "-"
                viewer = message.data.get("role") or (
                    "channel" if message.recipient is None else "person"
                )
                name = f"{message.kind}--{detail}--{viewer}"
                if name in seen or message.kind in SILENT:
                    continue
                rendered = render_message(
                    message.body,
                    outcome.trajectory,
                    language=language,
                    template=TEMPLATE,
                    zone=ZONE,
                    viewer=message.recipient,
                    now=outcome.audit[-1].at if outcome.audit else None,
                )
                if rendered.card is not None:
                    seen.add(name)
                    yield name, rendered.card


def variants() -> Iterator[tuple[str, Element]]:
    """(name, card) for every card the bot can show."""
    runs = _demo_runs()[1:]  # the first (the check's remark) has only messages to show
    finished, rejected, late = runs[0].t, runs[1].t, runs[2].t
    evaluating = Run()  # implemented, the evaluation moment planned months ahead
    to_step(evaluating, _LAST_STEP)
    planned = evaluating.t
    for language in LANGUAGES:
        viewer = Viewer(language=language, template=TEMPLATE, zone=ZONE, now=runs[0].now)
        suffix = f"--{language}"
        for scope, in_channel in (("personal", False), ("channel", True)):
            yield f"welcome--{scope}--all{suffix}", welcome_card(language, in_channel=in_channel)
            yield f"help--{scope}--all{suffix}", help_card(language, in_channel=in_channel)
        for detail, shown in (
            ("empty", []),
            ("two-trajectories", [rejected, finished]),
            ("at-a-glance", [late, planned, finished]),
        ):
            yield (
                f"status--{detail}--all{suffix}",
                status_card(shown, template=TEMPLATE, language=language, zone=ZONE, now=viewer.now),
            )
        for detail, trajectory in (
            ("finished", finished),
            ("step-2", rejected),
            ("overdue", late),
            ("evaluation-planned", planned),
        ):
            yield (
                f"detail--{detail}--all{suffix}",
                detail_card(
                    trajectory, template=TEMPLATE, language=language, zone=ZONE, now=viewer.now
                ),
            )
        # a step's start in the channel's thread, mentioning whom it waits on
        started = rejected.active_steps(TEMPLATE)[0]
        yield (
            f"news--step-started--channel{suffix}",
            news_card(
                text(
                    "notice.step_started",
                    language,
                    product=rejected.product,
                    step=step_label(TEMPLATE, started, language),
                ),
                [w for w in waiting_on(rejected, TEMPLATE) if w.step == started],
                language,
            ),
        )
        # the channel's card with Teams' refresh, and one member's own view of it
        shared = with_refresh(
            detail_card(rejected, template=TEMPLATE, language=language, zone=ZONE, now=viewer.now),
            rejected,
            ["29:1-project-leader", "29:1-process-owner"],
        )
        yield f"channel--refreshed--all{suffix}", shared
        yield (
            f"channel--own-view--projectleider{suffix}",
            personal_view(
                shared,
                rejected,
                [w for w in waiting_on(rejected, TEMPLATE) if w.person == PL],
                template=TEMPLATE,
                language=language,
                zone=ZONE,
            ),
        )
        tasks = [(rejected, task) for task in waiting_on(rejected, TEMPLATE)]
        for detail, listed in (("open", tasks), ("none", [])):
            yield (
                f"tasks--{detail}--person{suffix}",
                tasks_card(listed, template=TEMPLATE, language=language, zone=ZONE, now=viewer.now),
            )
        roster = [PL, PE, PA, KC, SP, VM1, VM2]
        yield (
            f"roles-form--step-1--projectleider{suffix}",
            roles_form(rejected, roster, template=TEMPLATE, language=language),
        )
        # a large team: the people picker, the roster as its own list where there is none
        team = roster + [
            Person(aad_object_id=f"oid-collega-{n:02}", name=f"Collega {n:02}") for n in range(30)
        ]
        yield (
            f"roles-form--large-team--projectleider{suffix}",
            roles_form(rejected, team, template=TEMPLATE, language=language),
        )
        yield (
            f"roles-form--error--projectleider{suffix}",
            roles_form(
                rejected,
                roster,
                template=TEMPLATE,
                language=language,
                error=refusal_message(
                    "one_person_only", {"role": "sponsor"}, language=language, template=TEMPLATE
                ),
            ),
        )
        person, reminded = digest_demo()
        yield (
            f"digest--two-trajectories--person{suffix}",
            digest_card(reminded, language=language, zone=ZONE, viewer=person, now=runs[0].now),
        )
        for name, card in _message_variants(language):
            yield f"{name}{suffix}", card
        for name, card in (*_journey_cards(language), *_pick_cards(language)):
            yield f"{name}{suffix}", card
        yield (
            f"receipt--approve--proceseigenaar{suffix}",
            receipt_card(
                rejected, "decide_kpis", {"decision": "approve", "step": _KPI_STEP}, PE.name, viewer
            ),
        )
        yield (
            f"receipt--reject--proceseigenaar{suffix}",
            receipt_card(
                rejected,
                "decide_kpis",
                {"decision": "reject", "step": _KPI_STEP, "remark": "Te vaag"},
                PE.name,
                viewer,
            ),
        )
        yield (
            f"receipt--check-agree--vakinhoudelijk_medewerker{suffix}",
            receipt_card(
                finished, "answer_check", {"agrees": True, "step": _CHECK_STEP}, "", viewer
            ),
        )
        yield (
            f"receipt--check-disagree--vakinhoudelijk_medewerker{suffix}",
            receipt_card(
                finished,
                "answer_check",
                {"agrees": False, "step": _CHECK_STEP, "remark": "Stap 4 mist"},
                "",
                viewer,
            ),
        )
        yield (
            f"receipt--idea--member{suffix}",
            receipt_card(finished, "add_improvement", {}, "", viewer),
        )
        yield (
            f"stale--decide_kpis--proceseigenaar{suffix}",
            stale_card(finished, runs[0].last("decide_kpis"), viewer),
        )
        yield (
            f"refused--decide_kpis--not-a-holder{suffix}",
            not_allowed_card(rejected, "decide_kpis", viewer),
        )
        yield (
            f"form-error--decide_kpis--proceseigenaar{suffix}",
            form_with_error(
                rejected, "decide_kpis", text("error.remark_required", language), viewer
            ),
        )
        yield (
            f"idea-choice--two-trajectories--member{suffix}",
            idea_choice_card([rejected, finished], "Formulier vooraf online invullen", language),
        )
        yield f"error--unknown-action--all{suffix}", error_card(text("action.unknown", language))


def previews() -> Iterator[tuple[str, Element]]:
    """(name, card) for cards as they look once a button opened what they keep on demand: for
    the README's previews (a card's height is measured as it arrives, in :func:`variants`)."""
    for language in LANGUAGES:
        for name, card in _journey_cards(language):
            yield f"{name}-opened--{language}", _opened(card, MOMENTS)
        for name, card in _pick_cards(language):
            yield f"{name}-opened--{language}", _opened(card, RATINGS)


def export(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, card in (*variants(), *previews()):
        path = directory / f"{name}.json"
        path.write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n", "utf-8")
        written.append(path)
    return written
