"""Card actions: one handler per action id (carried in the card's data), looked up in a registry.

Each action registers with what it needs loaded; the dispatcher loads it once and hands the
handler an :class:`~bot.click.Action` (the turn, the action's name and data, the trajectory).
Card data is never trusted: the trajectory is loaded fresh and the engine alone judges who may
act and whether the card is current (its step, its round, the text it showed). A handler does
its work or raises; :func:`bot.refusals.answer_refusal` turns any refusal into the one answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from bot.click import Action, Load, Redraw, Unknown, card_for
from bot.refusals import CARD_OF_FORM, answer_refusal, typed_values
from bot.registry import Registry
from bot.trajectories import (
    channel_card,
    channel_status_card,
    dossier_links_card,
    my_tasks_card,
    trajectory_for_viewer,
)
from bot.turn import Turn
from cards.base import ACTION_KEY, Element, card, heading, paragraph
from cards.detail import CHANNEL_VIEW, DOSSIER, MY_TASKS, OPEN_TASK, detail_card, personal_view
from cards.formbase import EVALUATION_FORM, REVIEW_FORM, SUBMIT_FORM
from cards.forms import read_step_form
from cards.outcomes import ADD_IMPROVEMENT, nudge_receipt, receipt_card
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
from storage import AlreadyProcessed
from wasstraat import engine
from wasstraat.commands import Command, parse_command
from wasstraat.engine import open_tasks
from wasstraat.kinds.check import summary as check_summary
from wasstraat.model import Trajectory
from wasstraat.template import PROJECT_LEADER, Check
from wasstraat.text import clean_data

# cards made before they carried their round: these were all of the first round
ROUND_BEFORE_ROUNDS = frozenset({ANSWER_CHECK, SEND_BACK_CHECK})


Handler = Callable[[Action], Awaitable[Element]]


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
        return await answer_refusal(act, error, spec.redraw if spec else None)


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


@action(CHANNEL_VIEW, load=Load.VISIBLE)
async def channel_view(act: Action) -> Element:
    """Teams asks, for someone looking at the channel's card, for their own view of it: a
    member of the project group gets what is asked of them here above the shared view;
    anyone else the shared view, nothing more."""
    trajectory = act.loaded
    viewer = act.viewer
    card = await channel_card(act.turn.services, trajectory, viewer.language)
    actor = act.turn.actor
    if actor is None or not trajectory.roles_of(actor.aad_object_id):
        return card
    return personal_view(
        card,
        trajectory,
        open_tasks(trajectory, actor.aad_object_id, viewer.template),
        template=viewer.template,
        language=viewer.language,
        zone=viewer.zone,
    )


@action(OPEN_TASK, load=Load.TRAJECTORY)
async def open_task(act: Action) -> Element:
    """From one's own view of the channel's card: one's own card of that step, in its place."""
    trajectory = act.loaded
    if not trajectory.roles_of(act.actor.aad_object_id):
        raise Unknown("not_a_member", "action.not_for_you")
    return card_for(act.turn, trajectory, "step_started", act.step().id)


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
            person=act.actor,
        )
    kind = CARD_OF_FORM.get(str(form_id), "step_started")
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
    body = check_summary(trajectory.check, "remarks_open")
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
