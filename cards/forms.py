"""The form each actor fills in at each step, and how its inputs become engine commands.

The input ids and their reading live side by side here, so a form and its parsing cannot
drift apart. Submitting a form gives the engine one or more commands, applied all or nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from cards.base import Element, execute, paragraph
from cards.catalogue import Language, text
from wasstraat.model import Trajectory
from wasstraat.template import Template

SUBMIT_FORM = "form.submit"
KPI_ROWS = 3
EVALUATION_HOUR = time(9, 0)


@dataclass(frozen=True, slots=True)
class FormView:
    trajectory: Trajectory
    template: Template
    language: Language
    role: str

    def t(self, key: str, **values: object) -> str:
        return text(key, self.language, **values)


Form = tuple[list[Element], list[Element]]  # body elements, actions
Builder = Callable[[FormView], Form]
Reader = Callable[[Mapping[str, Any], Trajectory, ZoneInfo], list[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class StepForm:
    build: Builder
    read: Reader


def _text_input(
    id_: str, label: str, *, multiline: bool = False, value: str = "", max_length: int = 2000
) -> Element:
    element: Element = {"type": "Input.Text", "id": id_, "label": label, "maxLength": max_length}
    if multiline:
        element["isMultiline"] = True
    if value:
        element["value"] = value
    return element


def _number(id_: str, label: str, value: float | None = None) -> Element:
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


def _complete_toggle(view: FormView) -> Element:
    return _toggle("complete", view.t("form.complete"))


def _save(view: FormView, step: str, form: str, title_key: str = "form.submit") -> Element:
    return execute(
        view.t(title_key),
        SUBMIT_FORM,
        trajectory=view.trajectory.id,
        step=step,
        form=form,
        version=view.trajectory.version,
    )


def _is_on(value: object) -> bool:
    return value is True or value == "true"


def _complete(inputs: Mapping[str, Any], step: str) -> list[dict[str, Any]]:
    return [{"kind": "complete_step", "step": step}] if _is_on(inputs.get("complete")) else []


def _str(inputs: Mapping[str, Any], key: str) -> str:
    value = inputs.get(key)
    return value.strip() if isinstance(value, str) else ""


def _float(inputs: Mapping[str, Any], key: str) -> float | None:
    raw = inputs.get(key)
    if raw in (None, ""):
        return None
    value = float(str(raw).replace(",", "."))  # ValueError: the form says "invalid"
    if not math.isfinite(value):  # "NaN", "Infinity": not a measurement
        raise ValueError("not a finite number")
    return value


# -- step 1 -----------------------------------------------------------------------------------


def _support_form(view: FormView) -> Form:
    return [], [_save(view, "1", "support", "form.support")]


def _support_read(inputs: Mapping[str, Any], t: Trajectory, zone: ZoneInfo) -> list[dict[str, Any]]:
    return [{"kind": "confirm_support"}]


def _leader_1_form(view: FormView) -> Form:
    return [_complete_toggle(view)], [_save(view, "1", "complete")]


def _complete_read(step: str) -> Reader:
    return lambda inputs, t, zone: _complete(inputs, step)


# -- step 2 -----------------------------------------------------------------------------------


def _kpi_form(view: FormView) -> Form:
    body: list[Element] = []
    kpis = view.trajectory.kpis
    for n in range(1, KPI_ROWS + 1):
        kpi = kpis[n - 1] if n <= len(kpis) else None
        body += [
            paragraph(view.t("form.kpi", n=n), spacing="Medium"),
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
            _number(f"kpi{n}_baseline", view.t("form.kpi.baseline"), kpi.baseline if kpi else None),
            _number(f"kpi{n}_target", view.t("form.kpi.target"), kpi.target if kpi else None),
            _text_input(
                f"kpi{n}_how", view.t("form.kpi.how"), value=kpi.how_measured if kpi else ""
            ),
        ]
    return body, [_save(view, "2", "kpis", "form.kpi.submit")]


def _kpi_read(inputs: Mapping[str, Any], t: Trajectory, zone: ZoneInfo) -> list[dict[str, Any]]:
    kpis = [
        {
            "name": _str(inputs, f"kpi{n}_name"),
            "unit": _str(inputs, f"kpi{n}_unit"),
            "baseline": _float(inputs, f"kpi{n}_baseline"),
            "target": _float(inputs, f"kpi{n}_target"),
            "how_measured": _str(inputs, f"kpi{n}_how"),
        }
        for n in range(1, KPI_ROWS + 1)
        if _str(inputs, f"kpi{n}_name")
    ]
    return [{"kind": "propose_kpis", "kpis": kpis}]


# -- sessions (3a, 5) -------------------------------------------------------------------------

SESSION_START = time(9, 30)
SESSION_MINUTES = 120


def _session_inputs(view: FormView) -> list[Element]:
    """Plan a working session: the actors get a calendar invitation when that is switched on."""
    return [
        {
            "type": "Input.Date",
            "id": "session_on",
            "label": view.t("form.session.date"),
            "spacing": "Medium",
        },
        {"type": "Input.Time", "id": "session_at", "label": view.t("form.session.time")},
        {
            "type": "Input.Number",
            "id": "session_minutes",
            "label": view.t("form.session.minutes"),
            "min": 15,
            "max": 480,
            "value": SESSION_MINUTES,
        },
    ]


def _session_read(inputs: Mapping[str, Any], step: str, zone: ZoneInfo) -> list[dict[str, Any]]:
    on = _str(inputs, "session_on")
    if not on:
        return []
    at = _str(inputs, "session_at")
    moment = datetime.combine(
        date.fromisoformat(on), time.fromisoformat(at) if at else SESSION_START, tzinfo=zone
    )
    minutes = _float(inputs, "session_minutes")
    return [
        {
            "kind": "plan_session",
            "step": step,
            "at": moment,
            "minutes": int(minutes) if minutes is not None else SESSION_MINUTES,
        }
    ]


# -- step 3a ----------------------------------------------------------------------------------


def _map_form(view: FormView) -> Form:
    maps = view.trajectory.process_maps
    return [
        _text_input("map_link", view.t("form.map_link"), value=maps[-1] if maps else ""),
        *_session_inputs(view),
        _complete_toggle(view),
    ], [_save(view, "3a", "map")]


def _map_read(inputs: Mapping[str, Any], t: Trajectory, zone: ZoneInfo) -> list[dict[str, Any]]:
    link = _str(inputs, "map_link")
    commands: list[dict[str, Any]] = []
    if link and link not in t.process_maps:
        commands.append({"kind": "set_process_map", "link": link})
    return commands + _session_read(inputs, "3a", zone) + _complete(inputs, "3a")


def _merge_form(view: FormView) -> Form:
    return [], [_save(view, "3a", "merge", "form.merge")]


def _merge_read(inputs: Mapping[str, Any], t: Trajectory, zone: ZoneInfo) -> list[dict[str, Any]]:
    return [{"kind": "merge_check"}]


# -- step 4 -----------------------------------------------------------------------------------


def _klantreis_form(view: FormView) -> Form:
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
        _complete_toggle(view),
    ], [_save(view, "4", "klantreis")]


def _klantreis_read(
    inputs: Mapping[str, Any], t: Trajectory, zone: ZoneInfo
) -> list[dict[str, Any]]:
    pains = [line.strip() for line in _str(inputs, "pain_points").splitlines() if line.strip()]
    return [
        {
            "kind": "record_klantreis",
            "method": _str(inputs, "method"),
            "link": _str(inputs, "link") or None,
            "findings": _str(inputs, "findings"),
            "pain_points": pains,
        },
        *_complete(inputs, "4"),
    ]


# -- step 5 -----------------------------------------------------------------------------------


def _formule_form(view: FormView) -> Form:
    t = view.trajectory
    formules = [(f.id, f.name.get(view.language)) for f in view.template.serviceformules]
    body: list[Element] = [_choice("formule", view.t("form.formule"), formules, t.serviceformule)]
    for p in view.template.ps:
        name = p.name.get(view.language)
        current = t.assessment.get(p.id)
        body += [
            _toggle(
                f"p_{p.id}_matches",
                view.t("form.p.matches", p=name),
                current.matches if current else False,
            ),
            _text_input(
                f"p_{p.id}_note",
                view.t("form.p.note", p=name),
                value=current.note if current else "",
            ),
        ]
    body += _session_inputs(view)
    body.append(_complete_toggle(view))
    return body, [_save(view, "5", "formule")]


def _make_formule_read(template: Template) -> Reader:
    def read(inputs: Mapping[str, Any], t: Trajectory, zone: ZoneInfo) -> list[dict[str, Any]]:
        commands: list[dict[str, Any]] = []
        if _str(inputs, "formule"):
            commands.append({"kind": "choose_serviceformule", "formule": _str(inputs, "formule")})
        for p in template.ps:
            matches = _is_on(inputs.get(f"p_{p.id}_matches"))
            note = _str(inputs, f"p_{p.id}_note")
            if matches or note:
                commands.append({"kind": "assess_p", "p": p.id, "matches": matches, "note": note})
        return commands + _session_read(inputs, "5", zone) + _complete(inputs, "5")

    return read


# -- step 6 -----------------------------------------------------------------------------------


def _plan_form(view: FormView) -> Form:
    body: list[Element] = []
    horizons = [(h, view.t(f"horizon.{h}")) for h in ("quick_win", "long_term")]
    if not view.trajectory.improvements:
        body.append(paragraph(view.t("form.no_improvements")))
    for i in view.trajectory.improvements:
        body += [
            paragraph(f"{i.id}. {i.text}", spacing="Medium"),
            _toggle(f"sel_{i.id}", view.t("form.improvement.select"), i.selected),
            _choice(
                f"hor_{i.id}",
                view.t("form.horizon"),
                horizons,
                i.horizon.value if i.horizon else "quick_win",
            ),
        ]
    body.append(_complete_toggle(view))
    return body, [_save(view, "6", "plan")]


def _plan_read(inputs: Mapping[str, Any], t: Trajectory, zone: ZoneInfo) -> list[dict[str, Any]]:
    commands: list[dict[str, Any]] = []
    for i in t.improvements:
        selected = _is_on(inputs.get(f"sel_{i.id}"))
        horizon = _str(inputs, f"hor_{i.id}")
        if horizon and (i.horizon is None or horizon != i.horizon.value):
            commands.append(
                {"kind": "classify_improvement", "improvement_id": i.id, "horizon": horizon}
            )
        if selected != i.selected:
            commands.append(
                {"kind": "select_improvement", "improvement_id": i.id, "selected": selected}
            )
    return commands + _complete(inputs, "6")


# -- step 7 -----------------------------------------------------------------------------------


def _review_form(view: FormView, with_estimates: bool) -> Form:
    verdicts = [
        (v, view.t(f"verdict.{v}"))
        for v in ("akkoord", "akkoord_onder_voorwaarden", "niet_akkoord")
    ]
    body: list[Element] = []
    for i in (i for i in view.trajectory.improvements if i.selected):
        body += [
            paragraph(f"{i.id}. {i.text}", spacing="Medium"),
            _choice(f"verdict_{i.id}", view.t("form.verdict"), verdicts),
            _text_input(f"remark_{i.id}", view.t("form.review.remark"), multiline=True),
        ]
        if with_estimates:
            body += [
                _text_input(f"cost_{i.id}", view.t("form.review.cost"), max_length=200),
                _text_input(f"lead_{i.id}", view.t("form.review.lead_time"), max_length=200),
            ]
    save = _save(view, "7", "review")
    # what each verdict is about: a review of an earlier text is stale
    revisions = {i.id: i.revision for i in view.trajectory.improvements if i.selected}
    for data in (save["data"], save["fallback"]["data"]):
        data["revisions"] = revisions
    return body, [save]


def _review_builder(with_estimates: bool) -> Builder:
    return lambda view: _review_form(view, with_estimates)


def _review_read(inputs: Mapping[str, Any], t: Trajectory, zone: ZoneInfo) -> list[dict[str, Any]]:
    return [
        {
            "kind": "submit_review",
            "improvement_id": i.id,
            "verdict": _str(inputs, f"verdict_{i.id}"),
            "remark": _str(inputs, f"remark_{i.id}"),
            "cost_estimate": _str(inputs, f"cost_{i.id}") or None,
            "lead_time": _str(inputs, f"lead_{i.id}") or None,
        }
        for i in t.improvements
        if i.selected and _str(inputs, f"verdict_{i.id}")
    ]


# -- step 8, 9, 10, evaluation ------------------------------------------------------------------


def _finalise_form(view: FormView) -> Form:
    return [], [_save(view, "8", "finalise", "form.finalise")]


def _finalise_read(
    inputs: Mapping[str, Any], t: Trajectory, zone: ZoneInfo
) -> list[dict[str, Any]]:
    return [{"kind": "finalise_plan"}]


def _priorities_form(view: FormView) -> Form:
    people = [(p.aad_object_id, p.name) for p in view.trajectory.members()]
    body: list[Element] = []
    for i in (i for i in view.trajectory.improvements if i.selected):
        body += [
            paragraph(f"{i.id}. {i.text}", spacing="Medium"),
            _number(f"prio_{i.id}", view.t("form.priority"), i.priority),
            _choice(
                f"owner_{i.id}",
                view.t("form.owner"),
                people,
                i.owner.aad_object_id if i.owner else None,
            ),
            {
                "type": "Input.Date",
                "id": f"date_{i.id}",
                "label": view.t("form.target_date"),
                **({"value": i.target_date.isoformat()} if i.target_date else {}),
            },
        ]
    return body, [_save(view, "9", "priorities", "form.priorities.save")]


def _priorities_read(
    inputs: Mapping[str, Any], t: Trajectory, zone: ZoneInfo
) -> list[dict[str, Any]]:
    members = {p.aad_object_id: p for p in t.members()}
    ranked = []
    for i in t.improvements:
        rank = _float(inputs, f"prio_{i.id}")
        if i.selected and rank is not None:
            owner = members.get(_str(inputs, f"owner_{i.id}"))
            when = _str(inputs, f"date_{i.id}") or None
            ranked.append(
                (
                    rank,
                    {
                        "improvement_id": i.id,
                        "owner": owner.model_dump() if owner else None,
                        "target_date": when,
                    },
                )
            )
    order = [entry for _rank, entry in sorted(ranked, key=lambda pair: pair[0])]
    return [
        {"kind": "set_priorities", "order": order},
        {"kind": "decide_priorities", "decision": "approve"},
    ]


def _implementation_form(view: FormView) -> Form:
    statuses = [(s, view.t(f"item.{s}")) for s in ("todo", "doing", "done")]
    body: list[Element] = []
    for item in view.trajectory.implementation:
        body += [
            paragraph(f"{item.id}. {item.text}", spacing="Medium"),
            _choice(f"item_{item.id}", view.t("form.item.status"), statuses, item.status.value),
        ]
    body += [
        {"type": "Input.Date", "id": "evaluation_on", "label": view.t("form.evaluation.date")},
        _complete_toggle(view),
    ]
    return body, [_save(view, "10", "implementation")]


def _implementation_read(
    inputs: Mapping[str, Any], t: Trajectory, zone: ZoneInfo
) -> list[dict[str, Any]]:
    commands: list[dict[str, Any]] = []
    for item in t.implementation:
        status = _str(inputs, f"item_{item.id}")
        if status and status != item.status.value:
            commands.append(
                {"kind": "update_implementation_item", "item_id": item.id, "status": status}
            )
    on = _str(inputs, "evaluation_on")
    if on:
        day = date.fromisoformat(on)
        moment = datetime.combine(day, EVALUATION_HOUR, tzinfo=zone)
        commands.append({"kind": "plan_evaluation", "on": on, "at": moment})
    return commands + _complete(inputs, "10")


def _evaluation_form(view: FormView) -> Form:
    body: list[Element] = [
        _number(
            f"kpi_{n}",
            view.t(
                "form.evaluation.measure",
                name=k.name,
                baseline=_num(k.baseline),
                target=_num(k.target),
                unit=k.unit,
            ),
        )
        for n, k in enumerate(view.trajectory.kpis)
    ]
    body += [
        _text_input("went_well", view.t("form.evaluation.went_well"), multiline=True),
        _text_input("could_be_better", view.t("form.evaluation.better"), multiline=True),
    ]
    return body, [_save(view, "evaluatie", "evaluation")]


def _evaluation_read(
    inputs: Mapping[str, Any], t: Trajectory, zone: ZoneInfo
) -> list[dict[str, Any]]:
    measurements = {}
    for n, kpi in enumerate(t.kpis):
        value = _float(inputs, f"kpi_{n}")
        if value is not None:
            measurements[kpi.name] = value
    return [
        {
            "kind": "record_evaluation",
            "measurements": measurements,
            "went_well": _str(inputs, "went_well"),
            "could_be_better": _str(inputs, "could_be_better"),
        }
    ]


def _num(value: float | None) -> str:
    if value is None:
        return "?"
    return str(int(value)) if float(value).is_integer() else str(value)


def forms(template: Template) -> dict[tuple[str, str], StepForm]:
    """(step, role) → the form that role fills in at that step."""
    specialists = {
        ("7", role): StepForm(_review_builder(role == "specialist_iv"), _review_read)
        for role in template.specialist_roles
    }
    return {
        ("1", "projectleider"): StepForm(_leader_1_form, _complete_read("1")),
        ("1", "sponsor"): StepForm(_support_form, _support_read),
        ("1", "proceseigenaar"): StepForm(_support_form, _support_read),
        ("2", "projectleider"): StepForm(_kpi_form, _kpi_read),
        ("2", "procesadviseur"): StepForm(_kpi_form, _kpi_read),
        ("3a", "procesadviseur"): StepForm(_map_form, _map_read),
        ("3a", "projectleider"): StepForm(_merge_form, _merge_read),
        ("4", "klantreiscoach"): StepForm(_klantreis_form, _klantreis_read),
        ("5", "procesadviseur"): StepForm(_formule_form, _make_formule_read(template)),
        ("6", "projectleider"): StepForm(_plan_form, _plan_read),
        **specialists,
        ("8", "projectleider"): StepForm(_finalise_form, _finalise_read),
        ("9", "proceseigenaar"): StepForm(_priorities_form, _priorities_read),
        ("10", "proceseigenaar"): StepForm(_implementation_form, _implementation_read),
        ("10", "teammanager"): StepForm(_implementation_form, _implementation_read),
        ("evaluatie", "proceseigenaar"): StepForm(_evaluation_form, _evaluation_read),
    }


FORM_IDS = {
    "support": ("1", "sponsor"),
    "complete": ("1", "projectleider"),
    "kpis": ("2", "projectleider"),
    "map": ("3a", "procesadviseur"),
    "merge": ("3a", "projectleider"),
    "klantreis": ("4", "klantreiscoach"),
    "formule": ("5", "procesadviseur"),
    "plan": ("6", "projectleider"),
    "review": ("7", "specialist_iv"),
    "finalise": ("8", "projectleider"),
    "priorities": ("9", "proceseigenaar"),
    "implementation": ("10", "proceseigenaar"),
    "evaluation": ("evaluatie", "proceseigenaar"),
}


def step_form(
    trajectory: Trajectory, step: str, role: str, *, template: Template, language: Language
) -> Form | None:
    """The form for this role at this step (None when the step asks no input of the role)."""
    form = forms(template).get((step, role))
    if form is None:
        return None
    return form.build(FormView(trajectory, template, language, role))


def read_form(
    form_id: str,
    inputs: Mapping[str, Any],
    trajectory: Trajectory,
    *,
    template: Template,
    zone: ZoneInfo,
) -> list[dict[str, Any]] | None:
    """The commands a submitted form gives (None for an unknown form). Who may give them is
    the engine's to decide, not the form's."""
    key = FORM_IDS.get(form_id)
    if key is None:
        return None
    return forms(template)[key].read(inputs, trajectory, zone)
