"""What each outbox message looks like for its recipient: a card or a short text.

Pure functions of the message's typed body, the current trajectory, the recipient's role and
language. One renderer per kind of body, in a table (a test keeps it complete): tasks in
``cards.tasks``, news in ``cards.news``, the view they draw with in ``cards.view``. Here: drawing
one message, a task card drawn again, and a person's daily digest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from cards import checks as _checks  # noqa: F401  (registers the renderers of the check)
from cards import news as _news  # noqa: F401  (registers the renderers of news)
from cards import tasks as _tasks  # noqa: F401  (registers the renderers of tasks)
from cards.base import ACTION_KEY, Element, card, execute, heading, paragraph
from cards.catalogue import Language, text
from cards.detail import DOSSIER, MY_TASKS
from cards.status import STATUS_REFRESH, TRAJECTORY_DETAIL
from cards.view import RENDERERS, Rendered, View
from wasstraat.effects import (
    Body,
    EvaluationRequest,
    ReviewRequest,
    StepStarted,
)
from wasstraat.model import Person, Trajectory
from wasstraat.template import (
    Template,
)


def render_message(
    body: Body,
    trajectory: Trajectory,
    *,
    language: Language,
    template: Template,
    zone: ZoneInfo,
    viewer: Person | None = None,
    now: datetime | None = None,
    notices: tuple[tuple[str, bool], ...] = (),
    saved: bool = False,
) -> Rendered:
    """The card or text for one message, drawn for ``viewer`` at ``now`` from the trajectory
    as it is: their roles, only what they may use now, nothing they already did. Drawn again
    for who acted: ``notices`` (each a text, and whether it asks for attention) go under the
    title, and ``saved`` says that what they saved was kept."""
    view = View(
        body=body,
        trajectory=trajectory,
        language=language,
        template=template,
        zone=zone,
        viewer=viewer,
        now=now,
        notices=notices,
        saved=saved,
    )
    return RENDERERS[body.kind](view, body)


def redrawn(kind: str, step: str) -> Body:
    """The body of a task card of ``kind`` for a step, to draw it again as it is now (the
    renderers read what the person still has to do from the trajectory)."""
    if kind == "review_request":
        return ReviewRequest(step=step, improvements=[])
    if kind == "evaluation_request":
        return EvaluationRequest(step=step)
    return StepStarted(step=step)


# what any card offers whatever its task: a look at the status, the detail or the dossier, one's
# tasks, and an idea (always welcome); a card with nothing else on it asks nothing any more
ALWAYS_OFFERED = frozenset(
    {STATUS_REFRESH, TRAJECTORY_DETAIL, DOSSIER, MY_TASKS, "add_improvement"}
)


def asks_something(element: object) -> bool:
    """The card still has a button that does the work of a task (approving, saving, answering):
    anything beyond what every card offers."""
    if isinstance(element, list):
        return any(asks_something(item) for item in element)
    if not isinstance(element, dict):
        return False
    if element.get("type") in ("Action.Execute", "Action.Submit"):
        data = element.get("data")
        name = data.get(ACTION_KEY) if isinstance(data, dict) else None
        if name not in ALWAYS_OFFERED:
            return True
    return any(asks_something(value) for key, value in element.items() if key != "fallback")


DIGEST_SHOWN = 10  # tasks drawn in one digest (a card must stay under Teams' 28 KB)


@dataclass(frozen=True, slots=True)
class Reminded:
    """One due reminder as a digest draws it: the message's body, its trajectory as it is now,
    and the wasstraat that trajectory follows."""

    body: Body
    trajectory: Trajectory
    template: Template


def _has_inputs(element: object) -> bool:
    if isinstance(element, list):
        return any(_has_inputs(item) for item in element)
    if not isinstance(element, dict):
        return False
    if str(element.get("type", "")).startswith("Input."):
        return True
    return any(_has_inputs(value) for value in element.values())


def digest_card(
    reminders: list[Reminded],
    *,
    language: Language,
    zone: ZoneInfo,
    viewer: Person,
    now: datetime,
) -> Element:
    """The daily digest: one person's due reminders across trajectories in one card, each task
    with its own buttons (the very actions of its card, so a click goes through the same gate).
    A task whose card asks for input opens in place, so that no two forms share a card."""
    body: list[Element] = [
        heading(text("digest.title", language)),
        paragraph(text("digest.intro", language, count=len(reminders)), subtle=True),
    ]
    for reminded in reminders[:DIGEST_SHOWN]:
        rendered = render_message(
            reminded.body,
            reminded.trajectory,
            language=language,
            template=reminded.template,
            zone=zone,
            viewer=viewer,
            now=now,
        )
        task = rendered.card
        if task is None:
            items: list[Element] = [paragraph(rendered.text or "")]
        else:
            title, line, *rest = task["body"]
            items = [{**title, "size": "Default"}, {**line, "spacing": "None"}]
            actions = list(task.get("actions") or [])
            if _has_inputs(rest):
                opened = card(rest, actions)
                opened.pop("$schema", None)
                actions = [
                    {
                        "type": "Action.ShowCard",
                        "title": text("digest.open", language),
                        "card": opened,
                    }
                ]
            if actions:
                items.append({"type": "ActionSet", "actions": actions})
        body.append({"type": "Container", "separator": True, "spacing": "Medium", "items": items})
    if len(reminders) > DIGEST_SHOWN:
        body.append(paragraph(text("digest.more", language, count=len(reminders) - DIGEST_SHOWN)))
    return card(body)


def idea_choice_card(trajectories: list[Trajectory], idea: str, language: Language) -> Element:
    """Which trajectory an idea belongs to, one button each."""
    actions = [
        execute(t.product, "add_improvement", trajectory=t.id, text=idea[:2000])
        for t in trajectories[:5]
    ]
    return card(
        [paragraph(text("idea.choose", language)), paragraph(f"“{idea}”", subtle=True)], actions
    )
