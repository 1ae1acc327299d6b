"""The form a person fills in at a step, drawn from the parts of the step's work the engine says
they may do now, and how its inputs become engine commands.

Each part (:class:`~wasstraat.template.Section`) has a builder and a reader side by side, so a
form and its parsing cannot drift apart. A card shows the parts of every role the viewer holds
at the step, once; submitting it reads only the parts the person who clicked may use now, and
the engine decides again, all or nothing. Buttons that do one thing once (support, merging the
check, putting the plan up) are parts of their own and are gone once done.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Literal, cast
from zoneinfo import ZoneInfo

from cards.base import Element, action_set, execute, paragraph, primary, row, short, toggle
from cards.catalogue import Language, join, text
from cards.evidence import review_lines
from cards.formats import format_datetime, num, parse_number
from cards.submitted import approval_items
from wasstraat import commands as c
from wasstraat.kinds import as_kind
from wasstraat.kinds.approval import current_round, open_seats, seats
from wasstraat.model import (
    Decision,
    Horizon,
    ImplementationStatus,
    Improvement,
    KlantreisMethod,
    Kpi,
    Person,
    Trajectory,
    Verdict,
)
from wasstraat.template import (
    SUBJECTS,
    Approval,
    Check,
    Section,
    Step,
    Subject,
    Template,
)

SUBMIT_FORM = "form.submit"
STEP_FORM = "step"
REVIEW_FORM = "review"
EVALUATION_FORM = "evaluation"
KPI_ROWS = 3
# a card must stay under 28 KB however much a trajectory holds: lists show a page, texts a part
PAGE = 12
# improvements offered for rewording and splitting on one card (each carries its whole text)
REVISE_PER_CARD = 5
REVIEWS_PER_CARD = 8
EVALUATION_HOUR = time(9, 0)
UTC_ZONE = ZoneInfo("UTC")  # a form drawn without the municipality's zone (a test's)
COMPLETE = "complete"  # the toggle of whoever may mark a step done (not a part of the template)


@dataclass(frozen=True, slots=True)
class FormView:
    trajectory: Trajectory
    template: Template
    language: Language
    step: Step
    viewer: Person | None = None
    zone: ZoneInfo = UTC_ZONE

    def t(self, key: str, **values: object) -> str:
        return text(key, self.language, **values)

    def name(self, person: Person) -> str:
        """A person as the viewer reads them in a sentence: "you" for themselves."""
        if self.viewer is not None and person.aad_object_id == self.viewer.aad_object_id:
            return self.t("form.you")
        return person.name


@dataclass(frozen=True, slots=True)
class Form:
    body: list[Element]
    actions: list[Element]
    submitted: bool = False  # it says what was put up, by whom and when (no "saved" needed)


Inputs = Mapping[str, Any]
# what a form gives: typed commands (pydantic's ValidationError for a value that does not fit)
Commands = list[c.Command]
ItemKind = Literal["training", "documentation", "other"]
# a part's reader: the inputs, read for the trajectory and step as they are, with the zone and
# the language of the person who submitted them (a typed number is read as they write it)
Reader = Callable[[Inputs, Trajectory, Step, Template, ZoneInfo, Language], Commands]


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a step form: its inputs (or its one button), and how they are read."""

    build: Callable[[FormView], list[Element]]
    read: Reader
    button: str | None = None  # a part that is one button: its title's catalogue key
    done: Callable[[FormView], str | None] | None = None  # what it did, once it is done


def _text_input(
    id_: str, label: str, *, multiline: bool = False, value: str = "", max_length: int = 2000
) -> Element:
    element: Element = {"type": "Input.Text", "id": id_, "label": label, "maxLength": max_length}
    if multiline:
        element["isMultiline"] = True
    if value:
        element["value"] = value
    return element


def _number_input(id_: str, label: str, value: float | None = None) -> Element:
    element: Element = {"type": "Input.Number", "id": id_, "label": label}
    if value is not None:
        element["value"] = value
    return element


def _choice(
    id_: str,
    label: str,
    choices: list[tuple[str, str]],
    value: str | None = None,
    *,
    expanded: bool = False,
) -> Element:
    element: Element = {
        "type": "Input.ChoiceSet",
        "id": id_,
        "label": label,
        "style": "expanded" if expanded else "compact",
        "choices": [{"title": title, "value": v} for v, title in choices],
    }
    if value is not None:
        element["value"] = value
    return element


def _toggle(id_: str, title: str, value: bool = False) -> Element:
    return {
        "type": "Input.Toggle",
        "id": id_,
        "title": title,
        "value": "true" if value else "false",
        "valueOn": "true",
        "valueOff": "false",
    }


def _date(id_: str, label: str, value: date | None = None) -> Element:
    element: Element = {"type": "Input.Date", "id": id_, "label": label}
    if value is not None:
        element["value"] = value.isoformat()
    return element


def _is_on(value: object) -> bool:
    return value is True or value == "true"


def _str(inputs: Inputs, key: str) -> str:
    value = inputs.get(key)
    return value.strip() if isinstance(value, str) else ""


def _number(inputs: Inputs, key: str, language: Language) -> float | None:
    """A number as the person typed it ('6,8' or '6.8'); ValueError (the form says "invalid"
    and nothing changes) for what is not one number beyond doubt."""
    return parse_number(inputs.get(key), language)


def _item(value: str) -> Element:
    """An improvement or an action above its inputs, by its text: the id it has is for the bot
    (it names the inputs), not for the person reading."""
    return {**paragraph(value, spacing="Medium"), "weight": "Bolder"}


def _questioned(improvement: Improvement) -> bool:
    """A specialist disagreed or set a condition (on any version of its text)."""
    return any(r.verdict is not Verdict.AKKOORD for r in improvement.reviews)


def _feedback(view: FormView, improvement: Improvement) -> list[str]:
    return review_lines(improvement, view.template, view.language)


def _more(view: FormView, shown: int, total: int) -> list[Element]:
    if total <= shown:
        return []
    return [paragraph(view.t("form.more", count=total - shown), subtle=True)]


def _nothing(view: FormView) -> list[Element]:
    return []


# -- support and kick-off --------------------------------------------------------------------


def _support_done(view: FormView) -> str | None:
    viewer = view.viewer
    if viewer is None or not any(
        p.aad_object_id == viewer.aad_object_id for p in view.trajectory.support_confirmed_by
    ):
        return None
    return view.t("form.support.given")


def _kickoff(view: FormView) -> list[Element]:
    return [_date("kickoff_on", view.t("form.kickoff"), view.trajectory.kickoff_on)]


def _kickoff_read(
    inputs: Inputs, t: Trajectory, step: Step, tpl: Template, zone: ZoneInfo, language: Language
) -> Commands:
    on = _str(inputs, "kickoff_on")
    if not on or (t.kickoff_on is not None and on == t.kickoff_on.isoformat()):
        return []
    return [c.RecordKickoff(held_on=date.fromisoformat(on))]


# -- KPIs -------------------------------------------------------------------------------------


def _kpis(view: FormView) -> list[Element]:
    """A KPI in two rows (its name and unit; where it stands, where it should go and how it is
    measured); the KPIs not given yet open one by one with "another KPI"."""
    body: list[Element] = []
    kpis = view.trajectory.kpis
    shown = max(1, min(len(kpis), KPI_ROWS))
    for n in range(1, KPI_ROWS + 1):
        kpi = kpis[n - 1] if n <= len(kpis) else None
        fields = [
            paragraph(view.t("form.kpi", n=n), spacing="Medium"),
            row(
                _text_input(
                    f"kpi{n}_name",
                    view.t("form.kpi.name"),
                    value=kpi.name if kpi else "",
                    max_length=200,
                ),
                _text_input(
                    f"kpi{n}_unit",
                    view.t("form.kpi.unit"),
                    value=kpi.unit if kpi else "",
                    max_length=50,
                ),
                weights=(3, 2),
            ),
            row(
                _number_input(
                    f"kpi{n}_baseline", view.t("form.kpi.baseline"), kpi.baseline if kpi else None
                ),
                _number_input(
                    f"kpi{n}_target", view.t("form.kpi.target"), kpi.target if kpi else None
                ),
                _text_input(
                    f"kpi{n}_how", view.t("form.kpi.how"), value=kpi.how_measured if kpi else ""
                ),
                weights=(1, 1, 2),
            ),
        ]
        if n <= shown:
            body += fields
            continue
        # hidden, yet the form's: the inputs go with its save button, open or not
        body += [
            action_set(
                [
                    toggle(
                        view.t("form.kpi.add"),
                        f"kpi{n}",
                        f"kpi{n}_add",
                        *([f"kpi{n + 1}_add"] if n < KPI_ROWS else []),
                    )
                ],
                id_=f"kpi{n}_add",
                visible=n == shown + 1,
            ),
            {"type": "Container", "id": f"kpi{n}", "isVisible": False, "items": fields},
        ]
    return body


def _kpis_read(
    inputs: Inputs, t: Trajectory, step: Step, tpl: Template, zone: ZoneInfo, language: Language
) -> Commands:
    kpis = [
        Kpi(
            name=_str(inputs, f"kpi{n}_name"),
            unit=_str(inputs, f"kpi{n}_unit"),
            baseline=_number(inputs, f"kpi{n}_baseline", language),
            target=_number(inputs, f"kpi{n}_target", language),
            how_measured=_str(inputs, f"kpi{n}_how"),
        )
        for n in range(1, KPI_ROWS + 1)
        if _str(inputs, f"kpi{n}_name")
    ]
    return [c.ProposeKpis(kpis=kpis)] if kpis else []


# -- the process description and sessions ----------------------------------------------------------

SESSION_START = time(9, 30)
SESSION_MINUTES = 120


def _process_map(view: FormView) -> list[Element]:
    maps = view.trajectory.process_maps
    return [_text_input("map_link", view.t("form.map_link"), value=maps[-1] if maps else "")]


def _process_map_read(
    inputs: Inputs, t: Trajectory, step: Step, tpl: Template, zone: ZoneInfo, language: Language
) -> Commands:
    link = _str(inputs, "map_link")
    if link and link not in t.process_maps:
        return [c.SetProcessMap(link=link)]
    return []


def _session(view: FormView) -> list[Element]:
    """Plan a working session: the actors are told, with a calendar invitation when that is on.
    Not every save plans one, so its fields open on demand (and go with the save button)."""
    fields = [
        paragraph(view.t("form.session.told"), subtle=True, spacing="Small"),
        row(
            {"type": "Input.Date", "id": "session_on", "label": view.t("form.session.date")},
            {"type": "Input.Time", "id": "session_at", "label": view.t("form.session.time")},
        ),
        row(
            {
                "type": "Input.Number",
                "id": "session_minutes",
                "label": view.t("form.session.minutes"),
                "min": 15,
                "max": 480,
                "value": SESSION_MINUTES,
            },
            {
                "type": "Input.Text",
                "id": "session_place",
                "label": view.t("form.session.place"),
                "placeholder": view.t("form.session.place_hint"),
                "maxLength": 200,
            },
            weights=(1, 2),
        ),
    ]
    return [
        {
            **action_set([toggle(view.t("form.session.open"), "session")]),
            "spacing": "Medium",
        },
        {"type": "Container", "id": "session", "isVisible": False, "items": fields},
    ]


def _session_read(
    inputs: Inputs, t: Trajectory, step: Step, tpl: Template, zone: ZoneInfo, language: Language
) -> Commands:
    on = _str(inputs, "session_on")
    if not on:
        return []
    at = _str(inputs, "session_at")
    moment = datetime.combine(
        date.fromisoformat(on), time.fromisoformat(at) if at else SESSION_START, tzinfo=zone
    )
    minutes = _number(inputs, "session_minutes", language)
    return [
        c.PlanSession(
            step=step.id,
            at=moment,
            minutes=int(minutes) if minutes is not None else SESSION_MINUTES,
            place=_str(inputs, "session_place"),
        )
    ]


def _merge_title(view: FormView) -> str:
    check = view.template.one(Check)
    into = None if check is None else as_kind(check, Check).merge_into
    if check is None or into is None:
        return view.t("form.merge.plain")
    return view.t("form.merge", check=_short_label(view, check.id), into=_short_label(view, into))


def _short_label(view: FormView, step_id: str) -> str:
    """A step as a button names it: its number, or its name when it has none."""
    if step_id[0].isdigit():
        return step_id
    return view.template.step(step_id).name.get(view.language)


def _merge_done(view: FormView) -> str | None:
    return view.t("form.merge.done") if view.trajectory.check_merged else None


def _close_check_done(view: FormView) -> str | None:
    check = view.trajectory.check
    return view.t("receipt.check_closed") if check.closed_at is not None else None


# -- klantreis, serviceformule, the Ps -------------------------------------------------------------


def _klantreis(view: FormView) -> list[Element]:
    k = view.trajectory.klantreis
    methods = [
        (m, view.t(f"method.{m}")) for m in ("own_interviews", "vng_klantreis", "other_feedback")
    ]
    return [
        _choice(
            "method",
            view.t("form.klantreis.method"),
            methods,
            k.method.value if k else "own_interviews",
            expanded=True,
        ),
        _text_input("link", view.t("form.klantreis.link"), value=(k.link or "") if k else ""),
        _text_input(
            "findings",
            view.t("form.klantreis.findings"),
            multiline=True,
            value=k.findings if k else "",
            max_length=5000,
        ),
        _text_input(
            "pain_points",
            view.t("form.klantreis.pain"),
            multiline=True,
            value="\n".join(k.pain_points) if k else "",
        ),
    ]


def _klantreis_read(
    inputs: Inputs, t: Trajectory, step: Step, tpl: Template, zone: ZoneInfo, language: Language
) -> Commands:
    if not _str(inputs, "method"):
        return []
    pains = [line.strip() for line in _str(inputs, "pain_points").splitlines() if line.strip()]
    return [
        c.RecordKlantreis(
            method=KlantreisMethod(_str(inputs, "method")),
            link=_str(inputs, "link") or None,
            findings=_str(inputs, "findings"),
            pain_points=pains,
        )
    ]


def _serviceformule(view: FormView) -> list[Element]:
    formules = [(f.id, f.name.get(view.language)) for f in view.template.serviceformules]
    return [_choice("formule", view.t("form.formule"), formules, view.trajectory.serviceformule)]


def _serviceformule_read(
    inputs: Inputs, t: Trajectory, step: Step, tpl: Template, zone: ZoneInfo, language: Language
) -> Commands:
    formule = _str(inputs, "formule")
    if not formule or formule == t.serviceformule:
        return []
    return [c.ChooseServiceformule(formule=formule)]


def _assess_p(view: FormView) -> list[Element]:
    """Each P in one row: whether it matches the formula, and beside it why not."""
    body: list[Element] = [paragraph(view.t("form.p.intro"), spacing="Medium")]
    for p in view.template.ps:
        name = p.name.get(view.language)
        current = view.trajectory.assessment.get(p.id)
        note: Element = {
            "type": "Input.Text",
            "id": f"p_{p.id}_note",
            "placeholder": view.t("form.p.note", p=name.lower()),
            "maxLength": 2000,
        }
        if current is not None and current.note:
            note["value"] = current.note
        matches = _toggle(
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
        matches = _is_on(inputs.get(f"p_{p.id}_matches"))
        note = _str(inputs, f"p_{p.id}_note")
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
    # the chosen ones first, then the newest ideas; the rest is in the dossier
    ordered = [i for i in improvements if i.selected] + [
        i for i in reversed(improvements) if not i.selected
    ]
    # improvements the specialists questioned first: they are the ones to rework
    ordered.sort(key=lambda i: not (i.selected and _questioned(i)))
    revisable = 0
    for i in ordered[:PAGE]:
        body.append(_item(short(i.text)))
        if i.selected and i.reviews:
            # the specialists' feedback, and what to do with it: reword, split, or drop (untick)
            body += [paragraph(line, subtle=True, spacing="Small") for line in _feedback(view, i)]
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
        body += [
            _toggle(f"sel_{i.id}", view.t("form.improvement.select"), i.selected),
            _choice(
                f"hor_{i.id}",
                view.t("form.horizon"),
                horizons,
                i.horizon.value if i.horizon else "quick_win",
            ),
        ]
    return body + _more(view, min(PAGE, len(ordered)), len(ordered))


def _plan_read(
    inputs: Inputs, t: Trajectory, step: Step, tpl: Template, zone: ZoneInfo, language: Language
) -> Commands:
    commands: Commands = []
    for i in t.improvements:
        if f"sel_{i.id}" not in inputs and f"hor_{i.id}" not in inputs:
            continue  # an idea that came in after the card was drawn
        selected = _is_on(inputs.get(f"sel_{i.id}"))
        revised = _str(inputs, f"rev_{i.id}")
        if revised and revised != i.text.strip():
            commands.append(c.ReviseImprovement(improvement_id=i.id, text=revised))
        part = _str(inputs, f"split_{i.id}")
        if part:
            commands.append(c.SplitImprovement(improvement_id=i.id, text=part))
        horizon = _str(inputs, f"hor_{i.id}")
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
            _item(short(i.text)),
            _number_input(f"prio_{i.id}", view.t("form.priority"), i.priority),
            _choice(
                f"owner_{i.id}",
                view.t("form.owner"),
                people,
                i.owner.aad_object_id if i.owner else None,
            ),
            _date(f"date_{i.id}", view.t("form.target_date"), i.target_date),
        ]
    return body + _more(view, min(PAGE, len(chosen)), len(chosen))


def _priorities_read(
    inputs: Inputs, t: Trajectory, step: Step, tpl: Template, zone: ZoneInfo, language: Language
) -> Commands:
    members = {p.aad_object_id: p for p in t.members()}
    ranked = []
    for i in t.improvements:
        rank = _number(inputs, f"prio_{i.id}", language)
        if i.selected and rank is not None:
            owner = members.get(_str(inputs, f"owner_{i.id}"))
            when = _str(inputs, f"date_{i.id}")
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
    statuses = [(s, view.t(f"item.{s}")) for s in ("todo", "doing", "done")]
    body: list[Element] = []
    items = view.trajectory.implementation
    ordered = [i for i in items if i.status.value != "done"] + [
        i for i in items if i.status.value == "done"
    ]
    for item in ordered[:PAGE]:
        body += [
            _item(short(item.text)),
            _choice(f"item_{item.id}", view.t("form.item.status"), statuses, item.status.value),
        ]
    return body + _more(view, min(PAGE, len(ordered)), len(ordered)) + _new_action(view)


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
            _choice("action_kind", view.t("form.action.kind"), kinds, "training"),
            _choice("action_owner", view.t("form.owner"), people),
        ),
        _date("action_date", view.t("form.target_date")),
    ]
    return [
        action_set([toggle(view.t("form.action.add"), "new_action")]),
        {"type": "Container", "id": "new_action", "isVisible": False, "items": fields},
    ]


def _implementation_read(
    inputs: Inputs, t: Trajectory, step: Step, tpl: Template, zone: ZoneInfo, language: Language
) -> Commands:
    commands: Commands = []
    text_ = _str(inputs, "action_text")
    if text_:
        owner = {p.aad_object_id: p for p in t.members()}.get(_str(inputs, "action_owner"))
        when = _str(inputs, "action_date")
        commands.append(
            c.AddImplementationItem(
                text=text_,
                item_kind=cast(ItemKind, _str(inputs, "action_kind") or "other"),
                owner=owner,
                target_date=date.fromisoformat(when) if when else None,
            )
        )
    for item in t.implementation:
        status = _str(inputs, f"item_{item.id}")
        if status and status != item.status.value:
            commands.append(
                c.UpdateImplementationItem(item_id=item.id, status=ImplementationStatus(status))
            )
    return commands


def _plan_evaluation(view: FormView) -> list[Element]:
    return [
        _date(
            "evaluation_on", view.t("form.evaluation.date"), view.trajectory.evaluation.planned_on
        )
    ]


def _plan_evaluation_read(
    inputs: Inputs, t: Trajectory, step: Step, tpl: Template, zone: ZoneInfo, language: Language
) -> Commands:
    on = _str(inputs, "evaluation_on")
    planned = t.evaluation.planned_on
    if not on or (planned is not None and on == planned.isoformat()):
        return []
    day = date.fromisoformat(on)
    moment = datetime.combine(day, EVALUATION_HOUR, tzinfo=zone)
    return [c.PlanEvaluation(on=day, at=moment)]


def _one(command: Callable[[], c.Command]) -> Reader:
    return lambda inputs, t, step, tpl, zone, language: [command()]


def _none(
    inputs: Inputs, t: Trajectory, step: Step, tpl: Template, zone: ZoneInfo, language: Language
) -> Commands:
    return []


PARTS: dict[Section, Part] = {
    Section.SUPPORT: Part(_nothing, _one(c.ConfirmSupport), "form.support", _support_done),
    Section.KICKOFF: Part(_kickoff, _kickoff_read),
    Section.KPIS: Part(_kpis, _kpis_read),
    Section.PROCESS_MAP: Part(_process_map, _process_map_read),
    Section.SESSION: Part(_session, _session_read),
    Section.SEND_CHECK: Part(_nothing, _none),  # the check goes out when its step starts
    Section.CLOSE_CHECK: Part(_nothing, _one(c.CloseCheck), "check.close", _close_check_done),
    Section.MERGE_CHECK: Part(_nothing, _one(c.MergeCheck), "form.merge", _merge_done),
    Section.SEND_BACK: Part(_nothing, _none),  # a button on the check's summary
    Section.KLANTREIS: Part(_klantreis, _klantreis_read),
    Section.SERVICEFORMULE: Part(_serviceformule, _serviceformule_read),
    Section.ASSESS_P: Part(_assess_p, _assess_p_read),
    Section.PLAN: Part(_plan, _plan_read),
    Section.FINALISE: Part(_nothing, _one(c.FinalisePlan), "form.finalise", _finalise_done),
    Section.PRIORITIES: Part(_priorities, _priorities_read),
    Section.IMPLEMENTATION: Part(_implementation, _implementation_read),
    Section.PLAN_EVALUATION: Part(_plan_evaluation, _plan_evaluation_read),
    Section.ESTIMATES: Part(_nothing, _none),  # asked on the review form itself
}


# -- what was put up for a decision ----------------------------------------------------------------

CHANGES = "changes"  # the container of a submitted part's inputs, opened to change them


@dataclass(frozen=True, slots=True)
class Submitted:
    """What these parts put up, while it waits on the approvers: what the card says of it, and
    the parts whose inputs fold away behind "change" (the submit button goes with them)."""

    notice: list[Element]
    parts: frozenset[Section]
    subject: Subject


def _submitted(view: FormView, parts: tuple[Section, ...]) -> Submitted | None:
    t = view.trajectory
    for subject, rules in SUBJECTS.items():
        step = view.template.approval_step(subject)
        if step is None or step.id != view.step.id or not set(parts) & set(rules.edits):
            continue
        submission = t.submissions.get(subject.value)
        waiting = open_seats(t, step, None)
        if submission is None or submission.round != current_round(t, subject) or not waiting:
            return None
        to = list({p.aad_object_id: p for _, p in seats(t, step)}.values())
        either = as_kind(step, Approval).rule == "any" and len(waiting) > 1
        said = view.t(
            f"form.submitted.{subject.value}",
            to=join([view.name(p) for p in to], view.language),
            by=view.name(submission.by),
            when=format_datetime(submission.at, view.language, view.zone),
        )
        waits = view.t(
            "form.submitted.waiting",
            people=join(
                [view.name(p) for p in waiting],
                view.language,
                style="or" if either else "standard",
            ),
        )
        items = approval_items(t, subject, view.template, view.language, view.zone)
        notice = [paragraph(said, spacing="Small")]
        for item in items[:PAGE]:
            notice += item
        notice += _more(view, min(PAGE, len(items)), len(items))
        notice.append(paragraph(waits, spacing="Small"))
        return Submitted(notice, frozenset(rules.edits), subject)
    return None


def _complete(view: FormView) -> list[Element]:
    return [_toggle(COMPLETE, view.t("form.complete"))]


def _complete_read(
    inputs: Inputs, t: Trajectory, step: Step, tpl: Template, zone: ZoneInfo, language: Language
) -> Commands:
    return [c.CompleteStep(step=step.id)] if _is_on(inputs.get(COMPLETE)) else []


# the part a kind of step adds to the form of the roles it names, after the template's parts
# (a step finished by a role: "this step is done"); a new kind registers its own
KIND_PARTS: dict[str, Part] = {"finished_by": Part(_complete, _complete_read)}
KIND_PART = "kind"  # what a button of the kind's part says it is


def kind_part(step: Step, roles: set[str], template: Template) -> Part | None:
    """The part the step's kind adds for these roles, if they are among the roles it names."""
    part = KIND_PARTS.get(step.kind.type)
    return part if part is not None and roles & set(template.kind_roles(step)) else None


def _save_title(inputs: list[Section]) -> str:
    if inputs == [Section.KPIS]:
        return "form.kpi.submit"
    if inputs == [Section.PRIORITIES]:
        return "form.priorities.save"
    return "form.submit"


def step_form(
    trajectory: Trajectory,
    step: Step,
    roles: set[str],
    *,
    template: Template,
    language: Language,
    viewer: Person | None = None,
    zone: ZoneInfo = UTC_ZONE,
) -> Form | None:
    """The form for whoever holds ``roles`` at this step now: the inputs of their parts under one
    save button, a button for each one-time part not yet done (what it did, once done), and the
    "this step is done" toggle for who may mark it done. None when the step asks nothing of them."""
    view = FormView(trajectory, template, language, step, viewer, zone)
    body: list[Element] = []
    actions: list[Element] = []
    inputs: list[Section] = []  # the parts that put inputs on the card
    parts = step.parts_for(roles)
    submitted = _submitted(view, parts)
    folded: list[Element] = []  # the submitted parts' inputs, behind "change"
    if submitted is not None:
        body += submitted.notice
    for part in parts:
        spec = PARTS[part]
        held = submitted is not None and part in submitted.parts
        if spec.button is None:
            built = spec.build(view)
            if built and held:
                folded += built
            elif built:
                inputs.append(part)
                body += built
            continue
        done = spec.done(view) if spec.done is not None else None
        if held:
            continue  # put up: the notice says so, and by whom
        if done:
            body.append(paragraph(done, subtle=True))
        else:
            title = _merge_title(view) if part is Section.MERGE_CHECK else view.t(spec.button)
            actions.append(_button(view, title, part.value))
    own = kind_part(step, roles, template)  # what the step's kind adds (its toggle or button)
    own_inputs: list[Element] = []
    if own is not None and own.button is None:
        own_inputs = own.build(view)
    elif own is not None and own.button is not None:
        done = own.done(view) if own.done is not None else None
        if done:
            body.append(paragraph(done, subtle=True))
        else:
            actions.append(_button(view, view.t(own.button), KIND_PART))
    complete = bool(own_inputs)
    save: Element | None = None
    if inputs or complete:
        save = execute(
            view.t(_save_title(inputs) if not complete else "form.submit"),
            SUBMIT_FORM,
            trajectory=trajectory.id,
            step=step.id,
            form=STEP_FORM,
        )
    elif actions:
        save, *actions = actions
    # one primary button; the one-time ones sit in the form, each on a line of its own
    body += [action_set([button]) for button in actions]
    if submitted is not None and folded:
        body += _changes(view, submitted, folded, trajectory, step)
    body += own_inputs
    actions = [primary(save)] if save is not None else []
    if not body and not actions:
        return None
    return Form(body, actions, submitted=submitted is not None)


def _button(view: FormView, title: str, part: str) -> Element:
    """A part that is one button: its click says which part it is."""
    return execute(
        title,
        SUBMIT_FORM,
        trajectory=view.trajectory.id,
        step=view.step.id,
        form=STEP_FORM,
        part=part,
    )


def _changes(
    view: FormView, submitted: Submitted, folded: list[Element], t: Trajectory, step: Step
) -> list[Element]:
    """What was put up, folded away: opened with "change", with its own button to put the
    change up (the one submit button, gone until then)."""
    again = execute(
        view.t(f"form.submitted.again.{submitted.subject.value}"),
        SUBMIT_FORM,
        trajectory=t.id,
        step=step.id,
        form=STEP_FORM,
    )
    items = [
        *folded,
        paragraph(view.t(f"form.submitted.change.{submitted.subject.value}"), subtle=True),
        action_set([again]),
    ]
    return [
        action_set([toggle(view.t("form.submitted.open"), CHANGES)]),
        {"type": "Container", "id": CHANGES, "isVisible": False, "items": items},
    ]


def read_step_form(
    inputs: Inputs,
    trajectory: Trajectory,
    step: Step,
    roles: set[str],
    *,
    template: Template,
    zone: ZoneInfo,
    language: Language,
) -> Commands:
    """The commands a submitted step form gives, from the parts these roles have at the step:
    one button's part alone, or every input part and the "done" toggle. Whether they may is the
    engine's to decide again."""
    parts = step.parts_for(roles)
    own = kind_part(step, roles, template)
    pressed = inputs.get("part")
    if isinstance(pressed, str) and pressed:
        if pressed == KIND_PART:
            chosen = own
        else:
            try:
                chosen = PARTS[Section(pressed)] if Section(pressed) in parts else None
            except ValueError:
                return []
        if chosen is None or chosen.button is None:
            return []
        return chosen.read(inputs, trajectory, step, template, zone, language)
    commands: Commands = []
    for part in parts:
        if PARTS[part].button is None:
            commands += PARTS[part].read(inputs, trajectory, step, template, zone, language)
    priorities = template.approval_step(Subject.PRIORITIES)
    if commands and priorities is not None and priorities.id == step.id:
        # the approver who sets the priorities approves them with the same click
        if roles & set(template.kind_roles(step)):
            commands.append(c.DecidePriorities(decision=Decision.APPROVE))
    if own is not None and own.button is None:
        commands += own.read(inputs, trajectory, step, template, zone, language)
    return commands


# -- the reviews and the evaluation (their own cards) ----------------------------------------------


def review_form(
    trajectory: Trajectory,
    step: Step,
    sections: list[tuple[str, list[str]]],
    *,
    template: Template,
    language: Language,
) -> Form:
    """A reviewer's verdict per improvement still to review, a part for each reviewing role
    (role, the improvements still to review in it): each part asks in its role's terms, and
    the role that estimates (the IT specialist) also gives cost and lead time."""
    verdicts = [
        (v, text(f"verdict.{v}", language))
        for v in ("akkoord", "akkoord_onder_voorwaarden", "niet_akkoord")
    ]
    body: list[Element] = []
    shown: set[str] = set()
    room = REVIEWS_PER_CARD  # a page at a time: what is left comes back on the card after saving
    roles: list[str] = []
    for role, pending in sections:
        page = [i for i in (trajectory.improvement(i) for i in pending[:room]) if i is not None]
        if not page:
            continue
        roles.append(role)
        room -= len(page)
        if len(sections) > 1:
            name = template.role(role).name.get(language)
            body.append(
                {
                    "type": "TextBlock",
                    "text": text("form.review.as_role", language, role=name),
                    "weight": "Bolder",
                    "wrap": True,
                    "separator": True,
                    "spacing": "Large",
                }
            )
        ask = step.asks.get(role)
        if ask is not None:
            body.append(paragraph(ask.get(language)))
        with_estimates = Section.ESTIMATES in step.sections(role)
        for i in page:
            shown.add(i.id)
            body += [
                _item(short(i.text, 1000)),
                _choice(
                    review_input("verdict", i.id, role), text("form.verdict", language), verdicts
                ),
                _text_input(
                    review_input("remark", i.id, role),
                    text("form.review.remark", language),
                    multiline=True,
                ),
            ]
            if with_estimates:
                body += [
                    _text_input(
                        review_input("cost", i.id, role),
                        text("form.review.cost", language),
                        max_length=200,
                    ),
                    _text_input(
                        review_input("lead", i.id, role),
                        text("form.review.lead_time", language),
                        max_length=200,
                    ),
                ]
    # what each verdict is about: a review of an earlier text is stale
    revisions = {i.id: i.revision for i in trajectory.improvements if i.id in shown}
    save = execute(
        text("form.submit", language),
        SUBMIT_FORM,
        trajectory=trajectory.id,
        step=step.id,
        form=REVIEW_FORM,
        roles=roles,
        revisions=revisions,
    )
    return Form(body, [save] if roles else [])


def review_input(field: str, improvement_id: str, role: str) -> str:
    """The id of a review form's input: one per field, improvement and reviewing role."""
    return f"{field}_{improvement_id}_{role}"


def read_review_form(inputs: Inputs, trajectory: Trajectory) -> Commands:
    """A review in each role the form had a part for (the engine checks the person holds it),
    each naming the text's revision the form showed (the engine refuses a verdict on an
    earlier text)."""
    roles = inputs.get("roles")
    shown = inputs.get("revisions")
    revisions = shown if isinstance(shown, dict) else {}
    parts: list[tuple[str | None, bool]] = (
        [(str(r), True) for r in roles]
        if isinstance(roles, list)
        else [(str(inputs["role"]) if inputs.get("role") else None, False)]
    )
    commands: Commands = []
    for role, per_role in parts:
        # a form drawn before reviews had a part per role names its inputs without the role
        def key(
            field: str, improvement_id: str, role: str | None = role, per: bool = per_role
        ) -> str:
            if per and role is not None:
                return review_input(field, improvement_id, role)
            return f"{field}_{improvement_id}"

        commands += [
            c.SubmitReview(
                improvement_id=i.id,
                role=role,
                verdict=Verdict(_str(inputs, key("verdict", i.id))),
                remark=_str(inputs, key("remark", i.id)),
                cost_estimate=_str(inputs, key("cost", i.id)) or None,
                lead_time=_str(inputs, key("lead", i.id)) or None,
                revision=revisions.get(i.id),
            )
            for i in trajectory.improvements
            if i.selected and _str(inputs, key("verdict", i.id))
        ]
    return commands


def evaluation_form(trajectory: Trajectory, step: Step, *, language: Language) -> Form:
    body: list[Element] = [
        _number_input(
            f"kpi_{n}",
            text(
                "form.evaluation.measure",
                language,
                name=k.name,
                baseline=num(k.baseline, language),
                target=num(k.target, language),
                unit=k.unit,
            ),
        )
        for n, k in enumerate(trajectory.kpis)
    ]
    body += [
        _text_input("went_well", text("form.evaluation.went_well", language), multiline=True),
        _text_input("could_be_better", text("form.evaluation.better", language), multiline=True),
    ]
    save = execute(
        text("form.submit", language),
        SUBMIT_FORM,
        trajectory=trajectory.id,
        step=step.id,
        form=EVALUATION_FORM,
    )
    return Form(body, [save])


def read_evaluation_form(inputs: Inputs, trajectory: Trajectory, language: Language) -> Commands:
    measurements = {}
    for n, kpi in enumerate(trajectory.kpis):
        value = _number(inputs, f"kpi_{n}", language)
        if value is not None:
            measurements[kpi.name] = value
    return [
        c.RecordEvaluation(
            measurements=measurements,
            went_well=_str(inputs, "went_well"),
            could_be_better=_str(inputs, "could_be_better"),
        )
    ]
