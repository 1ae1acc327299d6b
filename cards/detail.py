"""The detail card of one trajectory (the ten steps as a timeline) and a person's task list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from cards import journey
from cards.base import Element, action_set, card, execute, heading, paragraph, toggle
from cards.catalogue import Language, text
from cards.formats import format_date
from cards.results import result_elements
from cards.status import TRAJECTORY_DETAIL, now_lines, step_label
from cards.strip import planned_on, strip
from wasstraat.engine import Waiting, waiting_on
from wasstraat.kinds.evaluation import kpi_results
from wasstraat.model import StepStatus, Trajectory, TrajectoryStatus
from wasstraat.progress import progress
from wasstraat.template import Template

DOSSIER = "dossier"
MY_TASKS = "tasks.refresh"
STATUS_ICON = {
    StepStatus.WAITING: "○",
    StepStatus.ACTIVE: "◐",
    StepStatus.DONE: "●",
    StepStatus.MERGED: "●",
    StepStatus.SKIPPED: "–",
}
FINISHED = {StepStatus.DONE, StepStatus.MERGED, StepStatus.SKIPPED}


def detail_card(
    trajectory: Trajectory,
    *,
    template: Template,
    language: Language,
    zone: ZoneInfo,
    now: datetime,
) -> Element:
    """The strip of steps at a glance, then every step with its state and dates, who the
    trajectory waits on, the project group, and once evaluated the result per KPI."""
    waiting = waiting_on(trajectory, template)
    marks = progress(trajectory, template, now)
    rows: list[Element] = []
    # the steps behind us and those not begun: the strip shows them, their rows open on demand
    finished: list[Element] = []
    later: list[Element] = []
    for step, mark in zip(template.steps, marks, strict=True):
        state = trajectory.steps.get(step.id)
        status = state.status if state else StepStatus.WAITING
        when = ""
        if state is not None and status is StepStatus.ACTIVE and state.started_at:
            when = text(
                "detail.since", language, date=format_date(state.started_at, language, zone)
            )
            if state.deadline:
                when += ", " + text(
                    "detail.deadline", language, date=format_date(state.deadline, language, zone)
                )
        elif state is not None and state.done_at:
            when = text("detail.done_on", language, date=format_date(state.done_at, language, zone))
        planned = planned_on(mark, language, zone)
        if planned:
            when = planned
        people = ", ".join(w.person.name for w in waiting if w.step == step.id)
        facts = " · ".join(
            part for part in (text(f"step.status.{status.value}", language), when, people) if part
        )
        shelf = finished if status in FINISHED else rows
        if status is StepStatus.WAITING and not when and not people:
            shelf = later
        shelf.append(
            {
                "type": "ColumnSet",
                "spacing": "Small",
                "columns": [
                    {
                        "type": "Column",
                        "width": "auto",
                        "items": [{"type": "TextBlock", "text": STATUS_ICON[status]}],
                    },
                    {
                        "type": "Column",
                        "width": "stretch",
                        "items": [
                            {
                                "type": "TextBlock",
                                "wrap": True,
                                "text": step_label(template, step.id, language),
                                "weight": "Bolder" if status is StepStatus.ACTIVE else "Default",
                            },
                            {
                                "type": "TextBlock",
                                "wrap": True,
                                "isSubtle": True,
                                "spacing": "None",
                                "text": facts,
                            },
                        ],
                    },
                ],
            }
        )
    group = [
        f"{template.role(role).name.get(language)}: {', '.join(p.name for p in people)}"
        for role, people in trajectory.roles.items()
        if people and role in {r.id for r in template.roles}
    ]
    selected = sum(1 for i in trajectory.improvements if i.selected)
    body: list[Element] = [
        heading(trajectory.product),
        paragraph(
            text(f"trajectory.status.{trajectory.status.value}", language),
            subtle=True,
            spacing="None",
        ),
        strip(marks, template, language),
        *(
            paragraph(line, spacing="Small")
            for line in now_lines(marks, template, language, zone)
            if trajectory.status is TrajectoryStatus.RUNNING
        ),
        *_on_demand("done", text("detail.done_steps", language, count=len(finished)), finished),
        *rows,
        *_on_demand("later", text("detail.later_steps", language, count=len(later)), later),
        paragraph(text("detail.roles", language), spacing="Medium"),
        {
            "type": "TextBlock",
            "wrap": True,
            "spacing": "None",
            "isSubtle": True,
            "text": "\n".join(f"- {line}" for line in group),
        },
        paragraph(
            text(
                "detail.improvements",
                language,
                count=len(trajectory.improvements),
                selected=selected,
            ),
            subtle=True,
        ),
    ]
    moments = trajectory.klantreis.contact_moments if trajectory.klantreis else []
    if moments and template.contact_moments:  # the klantreis's hartslag
        body += journey.titled(moments, template, language)
    if trajectory.evaluation.recorded_at is not None:
        body += [
            {
                **paragraph(text("result.heading", language), spacing="Large"),
                "weight": "Bolder",
            },
            *result_elements(kpi_results(trajectory), language, with_charts=False),
        ]
    return card(
        body,
        [
            execute(text("status.refresh", language), TRAJECTORY_DETAIL, trajectory=trajectory.id),
            execute(text("dossier.button", language), DOSSIER, trajectory=trajectory.id),
        ],
    )


def _on_demand(id_: str, title: str, rows: list[Element]) -> list[Element]:
    """Rows behind a button that shows them (and hides them again)."""
    if not rows:
        return []
    return [
        {**action_set([toggle(title, id_)]), "spacing": "Small"},
        {"type": "Container", "id": id_, "isVisible": False, "items": rows},
    ]


def dossier_card(links: list[tuple[str, str]], until: str, language: Language) -> Element:
    """Download links for dossiers: (product, url); they work until ``until``."""
    if not links:
        return card([paragraph(text("dossier.none_here", language))])
    body: list[Element] = [
        paragraph(text("dossier.ready", language, product=product, time=until))
        for product, _url in links
    ]
    actions: list[Element] = [
        {"type": "Action.OpenUrl", "title": f"{text('dossier.download', language)}: {p}", "url": u}
        for p, u in links
    ]
    return card(body, actions[:5])


TASKS_SHOWN = 20


def tasks_card(
    tasks: Sequence[tuple[Trajectory, Waiting]],
    *,
    template: Template,
    language: Language,
    zone: ZoneInfo,
    now: datetime,
    template_of: Callable[[Trajectory], Template] | None = None,
) -> Element:
    """'Mijn taken': what is asked of one person now, across trajectories (each in the
    wasstraat it follows, with ``template_of``)."""
    body: list[Element] = [heading(text("tasks.title", language))]
    if not tasks:
        body.append(paragraph(text("tasks.none", language)))
    for trajectory, task in tasks[:TASKS_SHOWN]:
        line = text(
            "tasks.line",
            language,
            product=trajectory.product,
            what=text(f"waiting.{task.what}", language),
            step=step_label(
                template_of(trajectory) if template_of else template, task.step, language
            ),
        )
        block = paragraph(line, spacing="Small")
        if task.deadline is not None:
            block["text"] += " — " + text(
                "detail.deadline", language, date=format_date(task.deadline, language, zone)
            )
            if task.overdue(now):
                block["color"] = "Attention"
        body.append(block)
    if len(tasks) > TASKS_SHOWN:
        body.append(paragraph(text("form.more", language, count=len(tasks) - TASKS_SHOWN)))
    return card(body, [execute(text("status.refresh", language), MY_TASKS)])


# -- the channel's card, each person's own view of it ------------------------------------------

CHANNEL_VIEW = "trajectory.view"  # Teams asks the bot for a person's view of the channel card
OPEN_TASK = "task.open"  # from that view: the person's own card of a step, in its place
REFRESH_LIMIT = 60  # people Teams refreshes a card for (its limit for user-specific views)


def with_refresh(shared: Element, trajectory: Trajectory, user_ids: Sequence[str]) -> Element:
    """The channel's card with Universal Actions' ``refresh``: Teams asks the bot, for each of
    ``user_ids`` (the project group's Teams ids, at most 60) who looks at it, for their own
    view; everyone else, and clients without refresh, see the shared card."""
    if not user_ids:
        return shared
    view = execute("", CHANNEL_VIEW, trajectory=trajectory.id)
    view.pop("title", None)
    view.pop("fallback", None)
    return {**shared, "refresh": {"action": view, "userIds": list(user_ids)[:REFRESH_LIMIT]}}


def personal_view(
    shared: Element,
    trajectory: Trajectory,
    tasks: Sequence[Waiting],
    *,
    template: Template,
    language: Language,
    zone: ZoneInfo,
) -> Element:
    """The channel's card as one member of the project group sees it: above the shared view,
    what is asked of *them* here, each with a button to their own card of that step."""
    mine: list[Element] = [
        {**paragraph(text("view.for_you", language), spacing="Medium"), "weight": "Bolder"}
    ]
    if not tasks:
        mine.append(paragraph(text("view.nothing", language), subtle=True, spacing="None"))
    steps: list[str] = []
    for task in tasks[:TASKS_SHOWN]:
        line = text(
            "view.task",
            language,
            what=text(f"waiting.{task.what}", language),
            step=step_label(template, task.step, language),
        )
        if task.deadline is not None:
            line += " — " + text(
                "detail.deadline", language, date=format_date(task.deadline, language, zone)
            )
        mine.append(paragraph(line, spacing="Small"))
        if task.step not in steps:
            steps.append(task.step)
    buttons = [
        execute(
            text("view.open", language, step=step_label(template, step, language)),
            OPEN_TASK,
            trajectory=trajectory.id,
            step=step,
        )
        for step in steps[:3]
    ]
    if buttons:
        mine.append(action_set(buttons))
    body = list(shared.get("body", []))
    return {**shared, "body": [*body[:2], *mine, *body[2:]]}
