"""The parts of a step's work that form the group and describe the process: support, the
kick-off, the KPIs, the process description, working sessions, and the check's buttons."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from cards.base import Element, action_set, paragraph, row, toggle
from cards.catalogue import Language
from cards.formbase import (
    KPI_ROWS,
    Commands,
    FormView,
    Inputs,
    Part,
    date_input,
    none,
    nothing,
    number_input,
    number_of,
    one,
    text_input,
    text_of,
)
from wasstraat import commands as c
from wasstraat.kinds import as_kind
from wasstraat.model import (
    Kpi,
    Trajectory,
)
from wasstraat.template import (
    Check,
    Section,
    Step,
    Template,
)

# -- support and kick-off --------------------------------------------------------------------


def _support_done(view: FormView) -> str | None:
    viewer = view.viewer
    if viewer is None or not any(
        p.aad_object_id == viewer.aad_object_id for p in view.trajectory.support_confirmed_by
    ):
        return None
    return view.t("form.support.given")


def _kickoff(view: FormView) -> list[Element]:
    return [date_input("kickoff_on", view.t("form.kickoff"), view.trajectory.kickoff_on)]


def _kickoff_read(
    inputs: Inputs, t: Trajectory, step: Step, tpl: Template, zone: ZoneInfo, language: Language
) -> Commands:
    on = text_of(inputs, "kickoff_on")
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
                text_input(
                    f"kpi{n}_name",
                    view.t("form.kpi.name"),
                    value=kpi.name if kpi else "",
                    max_length=200,
                ),
                text_input(
                    f"kpi{n}_unit",
                    view.t("form.kpi.unit"),
                    value=kpi.unit if kpi else "",
                    max_length=50,
                ),
                weights=(3, 2),
            ),
            row(
                number_input(
                    f"kpi{n}_baseline", view.t("form.kpi.baseline"), kpi.baseline if kpi else None
                ),
                number_input(
                    f"kpi{n}_target", view.t("form.kpi.target"), kpi.target if kpi else None
                ),
                text_input(
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
            name=text_of(inputs, f"kpi{n}_name"),
            unit=text_of(inputs, f"kpi{n}_unit"),
            baseline=number_of(inputs, f"kpi{n}_baseline", language),
            target=number_of(inputs, f"kpi{n}_target", language),
            how_measured=text_of(inputs, f"kpi{n}_how"),
        )
        for n in range(1, KPI_ROWS + 1)
        if text_of(inputs, f"kpi{n}_name")
    ]
    return [c.ProposeKpis(kpis=kpis)] if kpis else []


# -- the process description and sessions ----------------------------------------------------------

SESSION_START = time(9, 30)
SESSION_MINUTES = 120


def _process_map(view: FormView) -> list[Element]:
    maps = view.trajectory.process_maps
    return [text_input("map_link", view.t("form.map_link"), value=maps[-1] if maps else "")]


def _process_map_read(
    inputs: Inputs, t: Trajectory, step: Step, tpl: Template, zone: ZoneInfo, language: Language
) -> Commands:
    link = text_of(inputs, "map_link")
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
    on = text_of(inputs, "session_on")
    if not on:
        return []
    at = text_of(inputs, "session_at")
    moment = datetime.combine(
        date.fromisoformat(on), time.fromisoformat(at) if at else SESSION_START, tzinfo=zone
    )
    minutes = number_of(inputs, "session_minutes", language)
    return [
        c.PlanSession(
            step=step.id,
            at=moment,
            minutes=int(minutes) if minutes is not None else SESSION_MINUTES,
            place=text_of(inputs, "session_place"),
        )
    ]


def merge_title(view: FormView) -> str:
    check = view.template.one(Check)
    into = None if check is None else as_kind(check, Check).merge_into
    if check is None or into is None:
        return view.t("form.merge.plain")
    return view.t("form.merge", check=short_label(view, check.id), into=short_label(view, into))


def short_label(view: FormView, step_id: str) -> str:
    """A step as a button names it: its number, or its name when it has none."""
    if step_id[0].isdigit():
        return step_id
    return view.template.step(step_id).name.get(view.language)


def _merge_done(view: FormView) -> str | None:
    return view.t("form.merge.done") if view.trajectory.check_merged else None


def _close_check_done(view: FormView) -> str | None:
    check = view.trajectory.check
    return view.t("receipt.check_closed") if check.closed_at is not None else None


GROUP_PARTS: dict[Section, Part] = {
    Section.SUPPORT: Part(nothing, one(c.ConfirmSupport), "form.support", _support_done),
    Section.KICKOFF: Part(_kickoff, _kickoff_read),
    Section.KPIS: Part(_kpis, _kpis_read),
    Section.PROCESS_MAP: Part(_process_map, _process_map_read),
    Section.SESSION: Part(_session, _session_read),
    Section.SEND_CHECK: Part(nothing, none),  # the check goes out when its step starts
    Section.CLOSE_CHECK: Part(nothing, one(c.CloseCheck), "check.close", _close_check_done),
    Section.MERGE_CHECK: Part(nothing, one(c.MergeCheck), "form.merge", _merge_done),
    Section.SEND_BACK: Part(nothing, none),  # a button on the check's summary
}
