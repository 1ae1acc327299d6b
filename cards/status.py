"""The status card: the trajectories of one channel (or chat) and the step each is in."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from cards.base import Element, card, execute, heading, paragraph
from cards.catalogue import Language, text
from cards.formats import format_date, format_datetime, format_time
from cards.mentions import LINE, MENTIONS, entity, token
from cards.strip import legend, strip_line
from wasstraat.engine import Waiting, waiting_on
from wasstraat.model import Person, Trajectory, TrajectoryStatus
from wasstraat.progress import Mark, StepMark, progress
from wasstraat.template import PROJECT_LEADER, Template

STATUS_REFRESH = "status.refresh"
TRAJECTORY_DETAIL = "trajectory.detail"


def step_label(template: Template, step_id: str, language: Language) -> str:
    """'Stap 2: KPI's bepalen'; a step without a number (the evaluation) goes by its name."""
    name = template.step(step_id).name.get(language)
    return text("status.step", language, id=step_id, name=name) if step_id[0].isdigit() else name


def now_lines(
    marks: list[StepMark], template: Template, language: Language, zone: ZoneInfo
) -> list[str]:
    """What is going on: the running steps (late ones too), and a planned evaluation with its
    day and time ('Evaluatie op di 2 jun 2027, 09:00')."""
    lines: list[str] = []
    running = [m for m in marks if m.mark in (Mark.RUNNING, Mark.OVERDUE)]
    if running:
        lines.append(
            text(
                "status.active_steps",
                language,
                steps="; ".join(step_label(template, m.step, language) for m in running),
            )
        )
    lines += [
        text(
            "status.planned",
            language,
            step=step_label(template, m.step, language),
            at=format_datetime(m.planned_at, language, zone),
        )
        for m in marks
        if m.planned_at is not None
    ]
    return lines or [text("status.no_active_steps", language)]


SHOWN_PEOPLE = 5


def _people(waiting: list[Waiting], language: Language, *, mention: bool = False) -> str:
    """'Megan Bowen (akkoord, afronden), Adele Vance (controle)': each person once with all they
    are waited on for, at most five, then a count (``mention``: each a Teams mention)."""
    whats: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for w in waiting:
        key = w.person.aad_object_id
        names.setdefault(key, token(w.person) if mention else w.person.name)
        what = text(f"waiting.{w.what}", language)
        if what not in whats.setdefault(key, []):
            whats[key].append(what)
    parts = [f"{names[k]} ({', '.join(v)})" for k, v in list(whats.items())[:SHOWN_PEOPLE]]
    if len(whats) > SHOWN_PEOPLE:
        parts.append(f"+{len(whats) - SHOWN_PEOPLE}")
    return ", ".join(parts)


def _mentioned(waiting: list[Waiting]) -> list[Person]:
    """The people ``_people`` names, in its order."""
    found: dict[str, Person] = {}
    for w in waiting:
        found.setdefault(w.person.aad_object_id, w.person)
    return list(found.values())[:SHOWN_PEOPLE]


def waits_on_line(trajectory: Trajectory, template: Template, language: Language) -> str | None:
    """What a receipt adds: whom the trajectory now waits on (None once it is over)."""
    if trajectory.status is not TrajectoryStatus.RUNNING:
        return None
    waiting = waiting_on(trajectory, template)
    if not waiting:
        return text("receipt.waits_on_nobody", language)
    return text("receipt.waits_on", language, people=_people(waiting, language))


def _trajectory_block(
    trajectory: Trajectory,
    template: Template,
    language: Language,
    zone: ZoneInfo,
    now: datetime,
    mention: str | None = None,
) -> Element:
    """One trajectory on the status card; ``mention`` (the id its lines get) names whom it
    waits on as Teams mentions."""
    marks = progress(trajectory, template, now)
    leaders = ", ".join(person.name for person in trajectory.holders(PROJECT_LEADER) if person.name)
    waiting = waiting_on(trajectory, template)
    late = [w for w in waiting if w.overdue(now)]
    on_time = [w for w in waiting if not w.overdue(now)]
    facts = [
        strip_line(marks, template, language),
        *(paragraph(line, spacing="Small") for line in now_lines(marks, template, language, zone)),
        paragraph(
            " · ".join(
                part
                for part in (
                    text(f"trajectory.status.{trajectory.status.value}", language),
                    text("status.leader", language, name=leaders) if leaders else "",
                    text(
                        "status.started_on",
                        language,
                        date=format_date(trajectory.created_at, language, zone),
                    ),
                )
                if part
            ),
            subtle=True,
            spacing="None",
        ),
    ]
    live = mention is not None
    if on_time:
        line = paragraph(
            text("status.waiting", language, people=_people(on_time, language, mention=live)),
            spacing="None",
        )
        facts.append({**line, "id": f"{mention}-on-time"} if live else line)
    if late:
        line = {
            **paragraph(
                text("status.overdue", language, people=_people(late, language, mention=live)),
                spacing="None",
            ),
            "color": "Attention",
        }
        facts.append({**line, "id": f"{mention}-late"} if live else line)
    return {
        "type": "Container",
        "separator": True,
        "spacing": "Medium",
        "items": [
            {"type": "TextBlock", "text": trajectory.product, "weight": "Bolder", "wrap": True},
            *facts,
            {
                "type": "ActionSet",
                "actions": [
                    execute(
                        text("status.details", language),
                        TRAJECTORY_DETAIL,
                        trajectory=trajectory.id,
                    )
                ],
            },
        ],
    }


def status_card(
    trajectories: Sequence[Trajectory],
    *,
    template: Template,
    language: Language,
    zone: ZoneInfo,
    now: datetime,
    total: int | None = None,
    template_of: Callable[[Trajectory], Template] | None = None,
    mention: bool = False,
) -> Element:
    """Every trajectory given, newest first; ``total`` tells how many exist beyond those shown.
    ``template_of`` names the wasstraat each trajectory follows (else ``template``);
    ``mention``: whom each waits on as Teams mentions (a channel, in working time)."""
    body: list[Element] = [heading(text("status.title", language))]
    if not trajectories:
        body.append(paragraph(text("status.none", language)))
    people: dict[str, Person] = {}
    for n, t in enumerate(trajectories):
        t_template = template_of(t) if template_of else template
        line_id = f"{LINE}-{n}" if mention else None
        body.append(_trajectory_block(t, t_template, language, zone, now, line_id))
        if mention and t.status is TrajectoryStatus.RUNNING:
            waiting = waiting_on(t, t_template)
            late = [w for w in waiting if w.overdue(now)]
            on_time = [w for w in waiting if not w.overdue(now)]
            for person in _mentioned(on_time) + _mentioned(late):
                people.setdefault(person.aad_object_id, person)
    if trajectories:
        body.append(legend([], language))
    if total is not None and total > len(trajectories):
        body.append(
            paragraph(text("status.more", language, count=total - len(trajectories)), subtle=True)
        )
    body.append(
        paragraph(
            text("status.refreshed_at", language, time=format_time(now, language, zone)),
            subtle=True,
            spacing="Medium",
        )
    )
    built = card(body, [execute(text("status.refresh", language), STATUS_REFRESH)])
    if people:
        built[MENTIONS] = {"entities": [entity(p) for p in people.values()]}
    return built
