"""Card actions: one handler per action id (carried in the card's data), looked up in a registry.

Each action registers with what it needs loaded; the dispatcher loads it once and hands the
handler an :class:`Action` (the turn, the action's name and data, the trajectory). Card data is
never trusted: the trajectory is loaded fresh and the engine alone judges who may act and
whether the card is current (its step, its round, the text it showed). A handler does its work
or raises; one function, :func:`answer_refusal`, turns any refusal into the answer: the card
again with what to correct, "already dealt with by …", "this button is for …", or "not for
you" — in the person's language, audited, with nothing changed.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import ValidationError

from bot.registry import Registry
from bot.trajectories import (
    channel_status_card,
    dossier_links_card,
    my_tasks_card,
    trajectory_for_viewer,
)
from bot.turn import Turn, input_problem
from bot.workflow import NextCycleExists, TrajectoryNotFound
from cards.base import ACTION_KEY, Element, card, heading, paragraph
from cards.detail import DOSSIER, MY_TASKS, detail_card
from cards.formbase import EVALUATION_FORM, REVIEW_FORM, SUBMIT_FORM
from cards.forms import read_step_form
from cards.messages import redrawn, render_message
from cards.outcomes import (
    ADD_IMPROVEMENT,
    Viewer,
    error_card,
    form_with_error,
    not_allowed_card,
    nudge_receipt,
    receipt_card,
    stale_card,
)
from cards.review_forms import read_evaluation_form, read_remark_decisions, read_review_form
from cards.status import STATUS_REFRESH, TRAJECTORY_DETAIL
from cards.view import (
    ANSWER_CHECK,
    CLOSE_CHECK,
    DECIDE,
    NEXT_CYCLE,
    NUDGE,
    RESOLVE_REMARKS,
    SEND_BACK_CHECK,
)
from storage import REFUSED, AlreadyProcessed
from wasstraat import engine
from wasstraat.commands import Command, parse_command
from wasstraat.effects import Body, CheckSummary
from wasstraat.engine import open_tasks
from wasstraat.model import AuditEntry, Person, StepStatus, Trajectory
from wasstraat.template import PROJECT_LEADER, Check, Step
from wasstraat.text import clean_data

MAX_AUDITED_ID = 64
# cards made before they carried their round: these were all of the first round
ROUND_BEFORE_ROUNDS = frozenset({ANSWER_CHECK, SEND_BACK_CHECK})
# the card a form's refusal draws again, by the form's id (a step's form otherwise)
_CARD_OF_FORM = {REVIEW_FORM: "review_request", EVALUATION_FORM: "evaluation_request"}


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


Handler = Callable[[Action], Awaitable[Element]]
Redraw = Callable[[Action, str], Awaitable[Element]]


@dataclass(frozen=True, slots=True)
class ActionSpec:
    handler: Handler
    load: Load
    redraw: Redraw | None = None  # the card again with an error on it (else the default)


ACTIONS: Registry[ActionSpec] = Registry("card action")


def action(
    *names: str, load: Load = Load.NOTHING, redraw: Redraw | None = None
) -> Callable[[Handler], Handler]:
    """Register the decorated handler for ``names``, with what it needs loaded."""

    def register(handler: Handler) -> Handler:
        ACTIONS.register(*names)(ActionSpec(handler, load, redraw))
        return handler

    return register


def action_id(data: Mapping[str, Any], verb: object = None) -> str:
    """The action id from the card data, else the Action.Execute verb."""
    value = data.get(ACTION_KEY)
    if isinstance(value, str) and value:
        return value
    return verb if isinstance(verb, str) else ""


async def dispatch(turn: Turn, data: Mapping[str, Any], verb: object = None) -> Element:
    """Run the handler for the action; anything refused changes nothing and is answered once."""
    data = clean_data(dict(data))  # typed text in one form, nothing invisible
    name = action_id(data, verb)
    act = Action(turn=turn, name=name, data={**data, ACTION_KEY: name})
    spec = ACTIONS.get(name)
    try:
        if spec is None:
            raise Unknown("unknown_action")
        act.trajectory = await _load(act, spec.load)
        return await spec.handler(act)
    except (
        Unknown,
        engine.EngineError,
        AlreadyProcessed,
        ValidationError,
        ValueError,
    ) as error:
        return await answer_refusal(act, error, spec)


async def _load(act: Action, load: Load) -> Trajectory | None:
    if load is Load.NOTHING:
        return None
    trajectory_id = act.data.get("trajectory")
    if load is Load.VISIBLE:
        found = await trajectory_for_viewer(act.turn, trajectory_id)
        if found is None:
            raise Unknown("not_visible")
        return found
    if act.turn.actor is None:
        raise Unknown("no_identity")
    store = act.turn.services.store
    found = await store.trajectory(trajectory_id) if isinstance(trajectory_id, str) else None
    if found is None:
        raise Unknown("unknown_trajectory")
    return found


# -- the one answer to a refusal --------------------------------------------------------------


async def answer_refusal(act: Action, error: Exception, spec: ActionSpec | None = None) -> Element:
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
    if spec is not None and spec.redraw is not None:
        return await spec.redraw(act, message)
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
        kind = _CARD_OF_FORM.get(str(act.data.get("form")), "step_started")
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


# -- what the cards ask ----------------------------------------------------------------------


@action(STATUS_REFRESH)
async def refresh_status(act: Action) -> Element:
    return await channel_status_card(act.turn)


@action(MY_TASKS)
async def refresh_tasks(act: Action) -> Element:
    return await my_tasks_card(act.turn)


@action(TRAJECTORY_DETAIL, load=Load.VISIBLE)
async def show_detail(act: Action) -> Element:
    viewer = act.viewer
    return detail_card(
        act.loaded,
        template=viewer.template,
        language=viewer.language,
        zone=viewer.zone,
        now=viewer.now,
    )


@action(DOSSIER, load=Load.TRAJECTORY)
async def dossier_links(act: Action) -> Element:
    trajectory = act.loaded
    if not trajectory.roles_of(act.actor.aad_object_id):
        raise Unknown("not_a_member", "dossier.none_here")
    return await dossier_links_card(act.turn, [trajectory])


def card_command(name: str, data: Mapping[str, Any]) -> Command:
    """The engine command a card button gives, read from its data (pydantic's
    ValidationError for what does not fit)."""
    fields = dict(data)
    if name in ROUND_BEFORE_ROUNDS and "round" not in fields:
        fields["round"] = 1
    return parse_command(name, fields)


@action(*DECIDE.values(), ANSWER_CHECK, CLOSE_CHECK, SEND_BACK_CHECK, NUDGE, load=Load.TRAJECTORY)
async def engine_click(act: Action) -> Element:
    """A card button that gives the engine a command about one trajectory."""
    trajectory = act.loaded
    command = card_command(act.name, act.data)
    act.kinds = (command.kind,)
    outcome = await act.turn.workflow.execute(
        trajectory.id, command, act.actor, loaded=trajectory, card_step=act.card_step
    )
    viewer = act.turn.viewer_for(outcome.trajectory)
    if act.name == NUDGE:
        line = nudge_receipt(outcome, act.actor.aad_object_id, viewer)
        return card([heading(outcome.trajectory.product), paragraph(line)])
    return receipt_card(outcome.trajectory, act.name, act.data, act.actor.name, viewer)


@action(ADD_IMPROVEMENT, load=Load.TRAJECTORY)
async def send_idea(act: Action) -> Element:
    """An idea, from any card of a running trajectory: the card it came from stays, with what
    happened on top (an idea sent from a step card keeps that step as where it came from)."""
    trajectory = act.loaded
    step = act.card_step if act.card_step in trajectory.steps else None
    command = card_command(ADD_IMPROVEMENT, {**act.data, "step": step})
    act.kinds = (command.kind,)
    outcome = await act.turn.workflow.execute(trajectory.id, command, act.actor, loaded=trajectory)
    notice = act.text("receipt.improvement", product=outcome.trajectory.product)
    if step is not None:
        return card_for(act.turn, outcome.trajectory, "step_started", step, notice=notice)
    return receipt_card(outcome.trajectory, act.name, act.data, act.actor.name, act.viewer)


@action(SUBMIT_FORM, load=Load.TRAJECTORY)
async def submit_form(act: Action) -> Element:
    """A step form (or a review or evaluation form): its inputs become engine commands, applied
    all or nothing. Only the parts the person who clicked holds are read; the engine decides."""
    trajectory = act.loaded
    step = act.step()
    form_id = act.data.get("form")
    viewer = act.viewer
    if form_id == REVIEW_FORM:
        commands = read_review_form(act.data, trajectory)
    elif form_id == EVALUATION_FORM:
        commands = read_evaluation_form(act.data, trajectory, viewer.language)
    else:
        commands = read_step_form(
            act.data,
            trajectory,
            step,
            trajectory.roles_of(act.actor.aad_object_id, viewer.now),
            template=viewer.template,
            zone=viewer.zone,
            language=viewer.language,
        )
    kind = _CARD_OF_FORM.get(str(form_id), "step_started")
    if not commands and typed_values(act.data):
        # filled in, but just as it stands (a colleague may have entered the same): nothing to
        # change, and the person is told so instead of "nothing was filled in"
        engine.gate(
            trajectory,
            act.actor,
            act.turn.now,
            act.turn.template_of(trajectory),
            card_step=step.id,
        )
        notice = act.text("form.unchanged")
        return card_for(act.turn, trajectory, kind, step.id, notice=notice)
    act.kinds = tuple(command.kind for command in commands)
    outcome = await act.turn.workflow.execute_many(
        trajectory.id, commands, act.actor, loaded=trajectory, card_step=step.id
    )
    return card_for(act.turn, outcome.trajectory, kind, step.id, saved=True)


async def _remarks_again(act: Action, message: str) -> Element:
    trajectory = act.loaded
    return _decision_card(act.turn, trajectory, error=message)


def _decision_card(
    turn: Turn, trajectory: Trajectory, *, error: str | None = None, saved: bool = False
) -> Element:
    step = turn.template_of(trajectory).one(Check)
    body = CheckSummary(
        reason="remarks_open",
        agree=0,
        disagree=0,
        missing=[],
        final=False,
        round=trajectory.check.round,
    )
    return card_for(
        turn, trajectory, "", step.id if step else "", error=error, saved=saved, body=body
    )


@action(RESOLVE_REMARKS, load=Load.TRAJECTORY, redraw=_remarks_again)
async def resolve_remarks(act: Action) -> Element:
    """The decisions about the check's open remarks, all or nothing; the card again as it is
    now (the decided ones read as decided, the rest still asks)."""
    trajectory = act.loaded
    round_ = act.data.get("round")
    if isinstance(round_, int) and round_ != trajectory.check.round:
        raise engine.AlreadyDecided("stale_round")
    commands = read_remark_decisions(act.data, trajectory)
    act.kinds = tuple(command.kind for command in commands)
    outcome = await act.turn.workflow.execute_many(
        trajectory.id, commands, act.actor, loaded=trajectory
    )
    return _decision_card(act.turn, outcome.trajectory, saved=True)


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


@action(NEXT_CYCLE, load=Load.TRAJECTORY)
async def start_next_cycle(act: Action) -> Element:
    """Who manages a finished trajectory starts its next cycle: the project group and the KPIs
    (last measurement as the new baseline) carry over. The engine decides who may."""
    trajectory = act.loaded
    leader = (trajectory.holders(PROJECT_LEADER) or [act.actor])[0]
    outcome = await act.turn.workflow.start(
        product=trajectory.product,
        binding=trajectory.binding,
        project_leader=leader,
        previous=trajectory,
        starter=act.actor,
    )
    return card(
        [
            heading(outcome.trajectory.product),
            paragraph(act.text("next_cycle.started", product=outcome.trajectory.product)),
        ]
    )
