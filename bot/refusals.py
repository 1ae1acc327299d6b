"""The one answer to a refused card action: the card again with what to correct, "already dealt
with by … on …" with what the person typed, "this button is for …", or "not for you" — in the
person's language, audited, with nothing changed. A redelivery or a lost race is answered the
same way but is not audited as the person's refusal."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from bot.click import Action, Redraw, Unknown, card_for
from bot.turn import input_problem
from bot.workflow import NextCycleExists, TrajectoryNotFound
from cards.base import ACTION_KEY, Element
from cards.formbase import EVALUATION_FORM, REVIEW_FORM, SUBMIT_FORM
from cards.outcomes import (
    ADD_IMPROVEMENT,
    error_card,
    form_with_error,
    not_allowed_card,
    stale_card,
)
from storage import REFUSED, AlreadyProcessed
from wasstraat import engine
from wasstraat.engine import open_tasks
from wasstraat.model import AuditEntry, StepStatus, Trajectory

MAX_AUDITED_ID = 64
# the card a form's refusal draws again, by the form's id (a step's form otherwise)
CARD_OF_FORM = {REVIEW_FORM: "review_request", EVALUATION_FORM: "evaluation_request"}


async def answer_refusal(act: Action, error: Exception, redraw: Redraw | None = None) -> Element:
    """Any refusal as the answer the person sees; audited (a redelivery or a lost race is not
    a refusal of theirs and is not)."""
    trajectory = act.trajectory
    if isinstance(error, ValidationError | ValueError) and trajectory is not None:
        # the input could not be read: the gate's own questions come first
        try:
            engine.gate(
                trajectory,
                act.actor,
                act.turn.now,
                act.turn.template_of(trajectory),
                kind=act.name if act.name in engine.RULES else None,
                card_step=act.card_step if act.name != ADD_IMPROVEMENT else None,
            )
        except engine.EngineError as refused:
            error = refused
    if isinstance(error, Unknown):
        await refuse(act, error.reason)
        return error_card(act.text(error.message))
    if isinstance(error, engine.NotAllowed):
        await refuse(act, error.code)
        if error.code == "not_a_member" or trajectory is None:
            return error_card(act.text("action.not_for_you"))
        kind = str(error.detail.get("kind") or (act.kinds[0] if act.kinds else act.name))
        return not_allowed_card(trajectory, kind, act.viewer)
    if isinstance(error, AlreadyProcessed | TrajectoryNotFound | NextCycleExists):
        return await already_done(act, error)
    if isinstance(error, engine.AlreadyDecided | engine.NotNow) and not isinstance(
        error, engine.InvalidInput
    ):
        if isinstance(error, engine.AlreadyDecided) or _moved_on(act, error):
            await refuse(act, error.code)
            return await already_done(act, error)
        # not yet: what the step still needs, on the card the person used
    if isinstance(error, ValidationError):
        await refuse(act, "invalid")
        key, values = input_problem(error)
        message = act.text(key, **values)
    elif isinstance(error, engine.EngineError):
        await refuse(act, error.code)
        message = act.turn.refusal(error, trajectory)
    else:  # a form value that is no value (a date that is no date)
        await refuse(act, "invalid")
        message = act.text("error.invalid")
    if trajectory is None:
        return error_card(message)
    if redraw is not None:
        return await redraw(act, message)
    return _redraw(act, trajectory, message)


def _moved_on(act: Action, error: engine.EngineError) -> bool:
    """A "not now" that means the card is past: its step no longer runs (or, for a card of no
    step, the engine says so); else it is what the step still needs, said on the card."""
    trajectory = act.trajectory
    step = act.card_step
    if trajectory is None or step is None or step not in trajectory.steps:
        return error.code in ("step_not_active", "check_not_open", "check_moved_on")
    return trajectory.status_of(step) is not StepStatus.ACTIVE


def _redraw(act: Action, trajectory: Trajectory, message: str) -> Element:
    """The card the person clicked, drawn again with what to correct on top."""
    if act.name == SUBMIT_FORM and act.card_step is not None:
        kind = CARD_OF_FORM.get(str(act.data.get("form")), "step_started")
        return card_for(act.turn, trajectory, kind, act.card_step, error=message)
    if act.name == ADD_IMPROVEMENT and act.card_step in trajectory.steps:
        return card_for(act.turn, trajectory, "step_started", str(act.card_step), error=message)
    return form_with_error(trajectory, act.name, message, act.viewer)


async def refuse(act: Action, reason: str) -> None:
    """Leave an audit entry for a refused card action (no personal data beyond the actor)."""
    turn = act.turn
    actor = turn.actor
    trajectory = act.trajectory
    async with turn.services.store.transaction(now=turn.now) as tx:
        await tx.audit(
            action=REFUSED,
            at=turn.now,
            actor=actor.aad_object_id if actor else None,
            trajectory_id=trajectory.id if trajectory is not None else None,
            detail={"reason": reason, "action": act.name[:MAX_AUDITED_ID]},
        )


async def already_done(act: Action, error: Exception) -> Element:
    """The answer to a card that was already dealt with: who did it and when (from the audit
    trail), above the trajectory as it is now (read again: it may have moved since)."""
    store = act.turn.services.store
    trajectory = act.loaded
    fresh = await store.trajectory(trajectory.id) or trajectory
    viewer = act.turn.viewer_for(fresh)
    actor = act.turn.actor
    return stale_card(
        fresh,
        await _dealt_with(act, fresh, error),
        viewer,
        step=act.card_step if act.card_step in fresh.steps else None,
        typed=typed_values(act.data),
        asked=open_tasks(fresh, actor.aad_object_id, viewer.template) if actor else None,
    )


# what a card's data carries besides what the person typed
_CONTROL = frozenset(
    {ACTION_KEY, "trajectory", "step", "round", "form", "verb", "decision", "agrees", "subject"}
)
_CODE = re.compile(r"^[a-z0-9_.:@-]*$")  # ids, choices' values, dates and numbers


def typed_values(data: Mapping[str, Any]) -> list[str]:
    """What the person typed into the card (not its ids, choices or switches), in card order."""
    return [
        value.strip()
        for key, value in data.items()
        if key not in _CONTROL and isinstance(value, str) and not _CODE.match(value.strip())
    ]


async def _dealt_with(act: Action, fresh: Trajectory, error: Exception) -> AuditEntry | None:
    """The audit entry of what dealt with the card: the closing of its step when that is over
    (whoever closed it), else the last command of the kind it gave."""
    store = act.turn.services.store
    detail = error.detail if isinstance(error, engine.EngineError) else {}
    step = detail.get("step") or act.card_step
    if isinstance(step, str) and fresh.status_of(step) is not StepStatus.ACTIVE:
        closed = await store.history(fresh.id, action="step.done")
        mine = [e for e in closed if e.detail.get("step") == step]
        if mine:
            return mine[-1]
    kind = act.kinds[0] if act.kinds else act.name
    last = (await store.history(fresh.id, action=kind))[-1:]
    return last[0] if last else None
