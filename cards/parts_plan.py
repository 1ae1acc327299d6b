"""The parts of a step's work about the customer and the plan: the klantreis, the
serviceformule and its Ps, the improvement plan, its priorities, the implementation and the
evaluation moment."""

from __future__ import annotations

from datetime import date, datetime
from typing import cast
from zoneinfo import ZoneInfo

from cards import journey, pick
from cards.base import Element, action_set, paragraph, row, short, toggle
from cards.catalogue import Language
from cards.evidence import origin_line
from cards.formats import format_date
from cards.formbase import (
    EVALUATION_HOUR,
    PAGE,
    REVISE_PER_CARD,
    Commands,
    FormView,
    Inputs,
    ItemKind,
    Part,
    choice,
    date_input,
    feedback,
    is_on,
    list_item,
    more,
    none,
    nothing,
    number_input,
    number_of,
    one,
    questioned,
    text_input,
    text_of,
    toggle_input,
)
from wasstraat import commands as c
from wasstraat import limits
from wasstraat.model import (
    Horizon,
    ImplementationItem,
    ImplementationStatus,
    KlantreisMethod,
    Trajectory,
)
from wasstraat.template import (
    Section,
    Step,
    Template,
)

# -- klantreis, serviceformule, the Ps -------------------------------------------------------------


def _klantreis(view: FormView) -> list[Element]:
    k = view.trajectory.klantreis
    methods = [
        (m, view.t(f"method.{m}")) for m in ("own_interviews", "vng_klantreis", "other_feedback")
    ]
    return [
        choice(
            "method",
            view.t("form.klantreis.method"),
            methods,
            k.method.value if k else "own_interviews",
            expanded=True,
        ),
        text_input("link", view.t("form.klantreis.link"), value=(k.link or "") if k else ""),
        text_input(
            "findings",
            view.t("form.klantreis.findings"),
            multiline=True,
            value=k.findings if k else "",
            max_length=5000,
        ),
        text_input(
            "pain_points",
            view.t("form.klantreis.pain"),
            multiline=True,
            value="\n".join(k.pain_points) if k else "",
            max_length=limits.PAIN_POINTS_CHARACTERS,
        ),
        *journey.moments_part(view, k.contact_moments if k else []),
    ]


def _klantreis_read(
    inputs: Inputs, t: Trajectory, step: Step, tpl: Template, zone: ZoneInfo, language: Language
) -> Commands:
    if not text_of(inputs, "method"):
        return []
    pains = [line.strip() for line in text_of(inputs, "pain_points").splitlines() if line.strip()]
    return [
        c.RecordKlantreis(
            method=KlantreisMethod(text_of(inputs, "method")),
            link=text_of(inputs, "link") or None,
            findings=text_of(inputs, "findings"),
            pain_points=pains,
            contact_moments=journey.read_moments(inputs) if tpl.contact_moments else [],
        )
    ]


def _serviceformule(view: FormView) -> list[Element]:
    formules = [(f.id, f.name.get(view.language)) for f in view.template.serviceformules]
    return [choice("formule", view.t("form.formule"), formules, view.trajectory.serviceformule)]


def _serviceformule_read(
    inputs: Inputs, t: Trajectory, step: Step, tpl: Template, zone: ZoneInfo, language: Language
) -> Commands:
    formule = text_of(inputs, "formule")
    if not formule or formule == t.serviceformule:
        return []
    return [c.ChooseServiceformule(formule=formule)]


def _assess_p(view: FormView) -> list[Element]:
    """Each P in one row: whether it matches the formula, and beside it why not; under the
    chosen formule's name, what it promises per P (where the wasstraat's plate says so)."""
    chosen = next(
        (f for f in view.template.serviceformules if f.id == view.trajectory.serviceformule), None
    )
    intro = (
        view.t("form.p.intro_chosen", formule=chosen.name.get(view.language))
        if chosen is not None
        else view.t("form.p.intro")
    )
    body: list[Element] = [paragraph(intro, spacing="Medium")]
    for p in view.template.ps:
        name = p.name.get(view.language)
        promise = chosen.promise(p.id, view.language) if chosen is not None else None
        if promise:
            body.append(paragraph(view.t("form.p.promise", p=name, promise=promise), subtle=True))
        current = view.trajectory.assessment.get(p.id)
        note: Element = {
            "type": "Input.Text",
            "id": f"p_{p.id}_note",
            "placeholder": view.t("form.p.note", p=name.lower()),
            "maxLength": 2000,
        }
        if current is not None and current.note:
            note["value"] = current.note
        matches = toggle_input(
            f"p_{p.id}_matches", view.t("form.p.matches", p=name), bool(current and current.matches)
        )
        line = row({**matches, "wrap": True}, note, weights=(2, 3))
        line["columns"][0]["verticalContentAlignment"] = "Center"
        body.append({**line, "spacing": "Small"})
    return body


def _assess_p_read(
    inputs: Inputs, t: Trajectory, step: Step, tpl: Template, zone: ZoneInfo, language: Language
) -> Commands:
    commands: Commands = []
    for p in tpl.ps:
        matches = is_on(inputs.get(f"p_{p.id}_matches"))
        note = text_of(inputs, f"p_{p.id}_note")
        current = t.assessment.get(p.id)
        if current is not None and current.matches == matches and current.note == note:
            continue
        if matches or note:
            commands.append(c.AssessP(p=p.id, matches=matches, note=note))
    return commands


# -- the improvement plan --------------------------------------------------------------------------


def _plan(view: FormView) -> list[Element]:
    body: list[Element] = []
    horizons = [(h, view.t(f"horizon.{h}")) for h in ("quick_win", "long_term")]
    improvements = view.trajectory.improvements
    if not improvements:
        body.append(paragraph(view.t("form.no_improvements")))
    # the chosen ones first, then every other candidate in the order they came; the rest is in
    # the dossier
    ordered = [i for i in improvements if i.selected] + [i for i in improvements if not i.selected]
    # improvements the specialists questioned first: they are the ones to rework
    ordered.sort(key=lambda i: not (i.selected and questioned(i)))
    revisable = 0
    body += pick.grid(improvements, view.language)
    for i in ordered[:PAGE]:
        # where it came from and, once rated, its quadrant with what it proposes: one line
        said = origin_line(i, view.template, view.language)
        placed = pick.line(i, view.language, brief=True)
        body += [
            list_item(short(i.text)),
            paragraph(f"{said} · {placed}" if placed else said, subtle=True, spacing="Small"),
        ]
        if i.selected and i.reviews:
            # the specialists' feedback, and what to do with it: reword, split, or drop (untick)
            body += [paragraph(line, subtle=True, spacing="Small") for line in feedback(view, i)]
        if i.selected and i.reviews and revisable < REVISE_PER_CARD:
            revisable += 1
            body += [
                {
                    "type": "Input.Text",
                    "id": f"rev_{i.id}",
                    "label": view.t("form.improvement.revise"),
                    "value": i.text,
                    "isMultiline": True,
                    "maxLength": 2000,
                },
                {
                    "type": "Input.Text",
                    "id": f"split_{i.id}",
                    "label": view.t("form.improvement.split"),
                    "placeholder": view.t("form.improvement.split_hint"),
                    "maxLength": 2000,
                },
            ]
        # chosen or not, and which kind, side by side: a long list of candidates stays short
        body.append(
            row(
                toggle_input(f"sel_{i.id}", view.t("form.improvement.select"), i.selected),
                choice(
                    f"hor_{i.id}",
                    view.t("form.horizon"),
                    horizons,
                    pick.proposed_horizon(i) or "quick_win",
                ),
            )
        )
    # rated while the plan is made, before the specialists' review: opened on demand
    body += pick.rating_part(view, [i for i in ordered[:PAGE] if not i.reviews])
    return body + more(view, min(PAGE, len(ordered)), len(ordered))


def _plan_read(
    inputs: Inputs, t: Trajectory, step: Step, tpl: Template, zone: ZoneInfo, language: Language
) -> Commands:
    commands: Commands = []
    for i in t.improvements:
        if not {f"sel_{i.id}", f"hor_{i.id}", f"pick_{i.id}"} & set(inputs):
            continue  # an idea that came in after the card was drawn
        rated = pick.read_ratings(inputs, i)
        if rated is not None:
            commands.append(rated)
        if f"sel_{i.id}" not in inputs and f"hor_{i.id}" not in inputs:
            continue  # rated only (the ratings' part of the card)
        selected = is_on(inputs.get(f"sel_{i.id}"))
        revised = text_of(inputs, f"rev_{i.id}")
        if revised and revised != i.text.strip():
            commands.append(c.ReviseImprovement(improvement_id=i.id, text=revised))
        part = text_of(inputs, f"split_{i.id}")
        if part:
            commands.append(c.SplitImprovement(improvement_id=i.id, text=part))
        horizon = text_of(inputs, f"hor_{i.id}")
        if horizon and (i.horizon is None or horizon != i.horizon.value):
            commands.append(c.ClassifyImprovement(improvement_id=i.id, horizon=Horizon(horizon)))
        if selected != i.selected:
            commands.append(c.SelectImprovement(improvement_id=i.id, selected=selected))
    return commands


def _finalise_done(view: FormView) -> str | None:
    moment = view.trajectory.plan_finalised_at
    if moment is None:
        return None
    return view.t("form.finalise.done")


def _priorities(view: FormView) -> list[Element]:
    people = [(p.aad_object_id, p.name) for p in view.trajectory.members()]
    body: list[Element] = []
    chosen = [i for i in view.trajectory.improvements if i.selected]
    for i in chosen[:PAGE]:
        body += [
            list_item(short(i.text)),
            number_input(f"prio_{i.id}", view.t("form.priority"), i.priority),
            choice(
                f"owner_{i.id}",
                view.t("form.owner"),
                people,
                i.owner.aad_object_id if i.owner else None,
            ),
            date_input(f"date_{i.id}", view.t("form.target_date"), i.target_date),
        ]
    return body + more(view, min(PAGE, len(chosen)), len(chosen))


def _priorities_read(
    inputs: Inputs, t: Trajectory, step: Step, tpl: Template, zone: ZoneInfo, language: Language
) -> Commands:
    members = {p.aad_object_id: p for p in t.members()}
    ranked = []
    for i in t.improvements:
        rank = number_of(inputs, f"prio_{i.id}", language)
        if i.selected and rank is not None:
            owner = members.get(text_of(inputs, f"owner_{i.id}"))
            when = text_of(inputs, f"date_{i.id}")
            ranked.append(
                (
                    rank,
                    c.Priority(
                        improvement_id=i.id,
                        owner=owner,
                        target_date=date.fromisoformat(when) if when else None,
                    ),
                )
            )
    if not ranked:
        return []
    order = [entry for _rank, entry in sorted(ranked, key=lambda pair: pair[0])]
    return [c.SetPriorities(order=order)]


# -- implementation --------------------------------------------------------------------------------


def _implementation(view: FormView) -> list[Element]:
    """Each owner updates their own actions (an action without an owner, whoever keeps the
    implementation); everyone else reads them, with their owner, date and progress. Own actions
    first, then the rest, the open ones before the done ones."""
    statuses = [(s, view.t(f"item.{s}")) for s in ("todo", "doing", "done")]
    body: list[Element] = []
    me = view.viewer.aad_object_id if view.viewer is not None else None
    keeper = view.keeps(Section.IMPLEMENTATION)

    def mine(item: ImplementationItem) -> bool:
        if item.owner is None:
            return keeper and me is not None
        return item.owner.aad_object_id == me

    items = view.trajectory.implementation
    ordered = sorted(items, key=lambda i: (not mine(i), i.status.value == "done"))
    for item in ordered[:PAGE]:
        body += [
            list_item(short(item.text)),
            paragraph(_item_line(view, item), subtle=True, spacing="None"),
        ]
        if mine(item):
            body.append(
                choice(f"item_{item.id}", view.t("form.item.status"), statuses, item.status.value)
            )
    body += more(view, min(PAGE, len(ordered)), len(ordered))
    return body + (_new_action(view) if keeper else [])


def _item_line(view: FormView, item: ImplementationItem) -> str:
    """'Tom Teammanager · vóór 1 mrt 2027 · Bezig'."""
    parts = [view.name(item.owner) if item.owner is not None else view.t("item.no_owner")]
    if item.target_date is not None:
        parts.append(
            view.t("item.by", date=format_date(item.target_date, view.language, view.zone))
        )
    parts.append(view.t(f"item.{item.status.value}"))
    if item.left_open:
        parts.append(view.t("item.left_open", reason=short(item.left_open, 200)))
    return " · ".join(parts)


def _new_action(view: FormView) -> list[Element]:
    """An action of the plan besides the improvements themselves (training the staff, changing
    the documentation or the process), opened on demand; it goes with the form's save."""
    kinds = [(k, view.t(f"item.kind.{k}")) for k in ("training", "documentation", "other")]
    people = [(p.aad_object_id, p.name) for p in view.trajectory.members()]
    fields: list[Element] = [
        {
            "type": "Input.Text",
            "id": "action_text",
            "label": view.t("form.action.text"),
            "placeholder": view.t("form.action.hint"),
            "maxLength": 2000,
        },
        row(
            choice("action_kind", view.t("form.action.kind"), kinds, "training"),
            choice("action_owner", view.t("form.owner"), people),
        ),
        date_input("action_date", view.t("form.target_date")),
    ]
    return [
        action_set([toggle(view.t("form.action.add"), "new_action")]),
        {"type": "Container", "id": "new_action", "isVisible": False, "items": fields},
    ]


def _implementation_read(
    inputs: Inputs, t: Trajectory, step: Step, tpl: Template, zone: ZoneInfo, language: Language
) -> Commands:
    commands: Commands = []
    text_ = text_of(inputs, "action_text")
    if text_:
        owner = {p.aad_object_id: p for p in t.members()}.get(text_of(inputs, "action_owner"))
        when = text_of(inputs, "action_date")
        commands.append(
            c.AddImplementationItem(
                text=text_,
                item_kind=cast(ItemKind, text_of(inputs, "action_kind") or "other"),
                owner=owner,
                target_date=date.fromisoformat(when) if when else None,
            )
        )
    for item in t.implementation:
        status = text_of(inputs, f"item_{item.id}")
        if status and status != item.status.value:
            commands.append(
                c.UpdateImplementationItem(item_id=item.id, status=ImplementationStatus(status))
            )
    return commands


def _plan_evaluation(view: FormView) -> list[Element]:
    planned = view.trajectory.evaluation.planned_on
    proposal = (
        []
        if planned is not None
        else [
            paragraph(
                view.t("form.evaluation.proposal", count=view.template.evaluation_months),
                subtle=True,
            )
        ]
    )
    return [date_input("evaluation_on", view.t("form.evaluation.date"), planned), *proposal]


def _plan_evaluation_read(
    inputs: Inputs, t: Trajectory, step: Step, tpl: Template, zone: ZoneInfo, language: Language
) -> Commands:
    on = text_of(inputs, "evaluation_on")
    planned = t.evaluation.planned_on
    if not on or (planned is not None and on == planned.isoformat()):
        return []
    day = date.fromisoformat(on)
    moment = datetime.combine(day, EVALUATION_HOUR, tzinfo=zone)
    return [c.PlanEvaluation(on=day, at=moment)]


PLAN_PARTS: dict[Section, Part] = {
    Section.KLANTREIS: Part(_klantreis, _klantreis_read),
    Section.SERVICEFORMULE: Part(_serviceformule, _serviceformule_read),
    Section.ASSESS_P: Part(_assess_p, _assess_p_read),
    Section.PLAN: Part(_plan, _plan_read),
    Section.FINALISE: Part(nothing, one(c.FinalisePlan), "form.finalise", _finalise_done),
    Section.PRIORITIES: Part(_priorities, _priorities_read),
    Section.IMPLEMENTATION: Part(_implementation, _implementation_read),
    Section.PLAN_EVALUATION: Part(_plan_evaluation, _plan_evaluation_read),
    Section.ESTIMATES: Part(nothing, none),  # asked on the review form itself
}
