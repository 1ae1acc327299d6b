"""One card click as the handlers see it: the turn, the action's name and cleaned data, what it
needed loaded; and the card the person was using, drawn again with what happened on top."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from bot.turn import Turn
from cards.base import Element
from cards.messages import redrawn, render_message
from cards.outcomes import Viewer, error_card
from wasstraat.effects import Body
from wasstraat.model import Person, Trajectory
from wasstraat.template import Step


class Load(Enum):
    """What an action needs loaded before its handler runs."""

    NOTHING = "nothing"
    TRAJECTORY = "trajectory"  # the trajectory the card names (the engine judges the rest)
    VISIBLE = "visible"  # one the sender may look at: this channel's, or one they are in


class Unknown(Exception):
    """A card action that names nothing the bot knows for this person (forged, outdated, or
    not theirs to see): audited with ``reason``, answered with the catalogue's ``message``."""

    def __init__(self, reason: str, message: str = "action.unknown") -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message


@dataclass(slots=True)
class Action:
    """One click: the turn it came in, the action's name, its (cleaned) data, and what the
    action needed loaded. ``kinds``: the commands it gave, once known (for "who did it")."""

    turn: Turn
    name: str
    data: Mapping[str, Any]
    trajectory: Trajectory | None = None
    kinds: tuple[str, ...] = ()

    @property
    def actor(self) -> Person:
        """The sender; an action that loads a trajectory is only run for someone identified."""
        actor = self.turn.actor
        if actor is None:
            raise Unknown("no_identity")
        return actor

    @property
    def loaded(self) -> Trajectory:
        if self.trajectory is None:
            raise Unknown("unknown_trajectory")
        return self.trajectory

    @property
    def viewer(self) -> Viewer:
        return self.turn.viewer_for(self.trajectory)

    @property
    def card_step(self) -> str | None:
        """The step the clicked card was drawn for, as the card says (the engine checks it)."""
        step = self.data.get("step")
        return step if isinstance(step, str) and step else None

    def text(self, key: str, **values: object) -> str:
        return self.turn.text(key, **values)

    def step(self) -> Step:
        """The step the card names, in the wasstraat the trajectory follows."""
        step_id = self.card_step
        trajectory = self.loaded
        if step_id is None or step_id not in trajectory.steps:
            raise Unknown("unknown_form")
        try:
            return self.turn.template_of(trajectory).step(step_id)
        except KeyError:
            raise Unknown("unknown_form") from None


def card_for(
    turn: Turn,
    trajectory: Trajectory,
    kind: str,
    step: str,
    *,
    error: str | None = None,
    saved: bool = False,
    notice: str | None = None,
    body: Body | None = None,
) -> Element:
    """The card the person was using (``body``, else the task card of ``kind`` for ``step``),
    drawn again for them from the trajectory as it is now, with what happened on top."""
    viewer = turn.viewer_for(trajectory)
    notices = tuple(
        (line, attention) for line, attention in ((error, True), (notice, False)) if line
    )
    rendered = render_message(
        body or redrawn(kind, step),
        trajectory,
        language=viewer.language,
        template=viewer.template,
        zone=viewer.zone,
        viewer=turn.actor,
        now=viewer.now,
        notices=notices,
        saved=saved,
    )
    return rendered.card or error_card(error or notice or "")


Redraw = Callable[[Action, str], Awaitable[Element]]
