"""Card actions: one handler per action id (carried in the card's data), looked up in a registry.

A handler returns the card that replaces the one that was clicked. Card data is never trusted:
the trajectory is loaded fresh, the engine checks who may act, and a stale, forged or repeated
click changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
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
from bot.workflow import NextCycleExists, TrajectoryNotFound, Workflow
from cards.base import ACTION_KEY, Element, card, heading, paragraph
from cards.detail import DOSSIER, MY_TASKS, detail_card
from cards.forms import (
    EVALUATION_FORM,
    REVIEW_FORM,
    SUBMIT_FORM,
    read_evaluation_form,
    read_review_form,
    read_step_form,
)
from cards.messages import (
    ANSWER_CHECK,
    CLOSE_CHECK,
    DECIDE,
    NEXT_CYCLE,
    NUDGE,
    SEND_BACK_CHECK,
    render_message,
)
from cards.outcomes import (
    ADD_IMPROVEMENT,
    FIRST_ROUND,
    ROUNDS,
    error_card,
    form_with_error,
    not_allowed_card,
    nudge_receipt,
    receipt_card,
    stale_card,
)
from cards.status import STATUS_REFRESH, TRAJECTORY_DETAIL
from storage import REFUSED, AlreadyProcessed
from wasstraat import engine
from wasstraat.commands import parse_command
from wasstraat.model import StepStatus, Trajectory
from wasstraat.template import PROJECT_LEADER, Step
from wasstraat.text import clean_data

ActionHandler = Callable[[Turn, Mapping[str, Any]], Awaitable[Element]]

ACTIONS: Registry[ActionHandler] = Registry("card action")

MAX_AUDITED_ID = 64


def action_id(data: Mapping[str, Any], verb: object = None) -> str:
    """The action id from the card data, else the Action.Execute verb."""
    value = data.get(ACTION_KEY)
    if isinstance(value, str) and value:
        return value
    return verb if isinstance(verb, str) else ""


@ACTIONS.register(STATUS_REFRESH)
async def refresh_status(turn: Turn, _data: Mapping[str, Any]) -> Element:
    return await channel_status_card(turn)


@ACTIONS.register(MY_TASKS)
async def refresh_tasks(turn: Turn, _data: Mapping[str, Any]) -> Element:
    return await my_tasks_card(turn)


@ACTIONS.register(TRAJECTORY_DETAIL)
async def show_detail(turn: Turn, data: Mapping[str, Any]) -> Element:
    trajectory = await trajectory_for_viewer(turn, data.get("trajectory"))
    if trajectory is None:
        await refuse(turn, TRAJECTORY_DETAIL, "not_visible")
        return error_card(turn.text("action.unknown"))
    viewer = turn.viewer_for(trajectory)
    return detail_card(
        trajectory,
        template=viewer.template,
        language=viewer.language,
        zone=viewer.zone,
        now=viewer.now,
    )


@ACTIONS.register(DOSSIER)
async def dossier_links(turn: Turn, data: Mapping[str, Any]) -> Element:
    trajectory = await trajectory_for_viewer(turn, data.get("trajectory"))
    actor = turn.actor
    if trajectory is None or actor is None or not trajectory.roles_of(actor.aad_object_id):
        await refuse(turn, DOSSIER, "not_a_member")
        return error_card(turn.text("dossier.none_here"))
    return await dossier_links_card(turn, [trajectory])


async def refuse(turn: Turn, name: str, reason: str, trajectory_id: str | None = None) -> None:
    """Leave an audit entry for a refused card action (no personal data beyond the actor)."""
    now = turn.services.clock()
    actor = turn.actor
    async with turn.services.store.transaction(now=now) as tx:
        await tx.audit(
            action=REFUSED,
            at=now,
            actor=actor.aad_object_id if actor else None,
            trajectory_id=trajectory_id,
            detail={"reason": reason, "action": name[:MAX_AUDITED_ID]},
        )


async def outsider(turn: Turn, trajectory: Trajectory, name: str) -> Element | None:
    """The answer to someone outside the project group (no content of the trajectory, the
    refusal audited), or None for a member: the gate's first question."""
    actor = turn.actor
    if actor is not None and trajectory.roles_of(actor.aad_object_id, turn.services.clock()):
        return None
    await refuse(turn, name, "not_a_member", trajectory.id)
    return error_card(turn.text("action.not_for_you"))


async def already_done(turn: Turn, trajectory: Trajectory, name: str, *, reload: bool) -> Element:
    """The answer to a card that was already dealt with: who did it and when (from the audit
    trail) above the trajectory as it is now (read again after a lost race: ``reload``)."""
    store = turn.services.store
    fresh = (await store.trajectory(trajectory.id) or trajectory) if reload else trajectory
    last = (await store.history(trajectory.id, action=name))[-1:]
    return stale_card(fresh, last[0] if last else None, turn.viewer_for(fresh))


def _is_stale(trajectory: Trajectory, name: str, data: Mapping[str, Any]) -> bool:
    step = data.get("step")
    if isinstance(step, str) and trajectory.status_of(step) is not StepStatus.ACTIVE:
        return True
    round_field = ROUNDS.get(name)
    round_ = data.get("round", 1 if name in FIRST_ROUND else None)
    return round_field is not None and round_ != getattr(trajectory, round_field)


@ACTIONS.register(
    *DECIDE.values(), ANSWER_CHECK, CLOSE_CHECK, SEND_BACK_CHECK, ADD_IMPROVEMENT, NUDGE
)
async def engine_action(turn: Turn, data: Mapping[str, Any]) -> Element:
    """A card button that gives the engine a command about one trajectory."""
    name = action_id(data)
    trajectory_id = data.get("trajectory")
    actor = turn.actor
    store = turn.services.store
    trajectory = await store.trajectory(trajectory_id) if isinstance(trajectory_id, str) else None
    if trajectory is None or actor is None:
        await refuse(turn, name, "unknown_trajectory" if actor else "no_identity")
        return error_card(turn.text("action.unknown"))
    if (refused := await outsider(turn, trajectory, name)) is not None:
        return refused
    viewer = turn.viewer_for(trajectory)
    if _is_stale(trajectory, name, data):
        await refuse(turn, name, "stale", trajectory.id)
        return await already_done(turn, trajectory, name, reload=False)
    # an idea sent from a step card: the card stays, with what happened on top
    from_step = (
        _template_step(turn, trajectory, data.get("step")) if name == ADD_IMPROVEMENT else None
    )
    try:
        command = parse_command(name, dict(data))
        outcome = await Workflow(turn.services).execute(
            trajectory.id, command, actor, activity_id=turn.inbox_key, loaded=trajectory
        )
    except ValidationError as error:
        await refuse(turn, name, "invalid", trajectory.id)
        key, values = input_problem(error)
        message = turn.text(key, **values)
        if from_step is not None:
            return card_for(turn, trajectory, "step_started", from_step.id, error=message)
        return form_with_error(trajectory, name, message, viewer)
    except engine.NotAllowed:
        await refuse(turn, name, "not_allowed", trajectory.id)
        return not_allowed_card(trajectory, name, viewer)
    except (engine.AlreadyDecided, engine.NotNow) as error:
        await refuse(turn, name, error.code, trajectory.id)
        return await already_done(turn, trajectory, name, reload=True)
    except (AlreadyProcessed, TrajectoryNotFound):
        return await already_done(turn, trajectory, name, reload=True)
    except engine.InvalidInput as error:
        await refuse(turn, name, error.code, trajectory.id)
        message = turn.refusal(error, trajectory)
        if from_step is not None:
            return card_for(turn, trajectory, "step_started", from_step.id, error=message)
        return form_with_error(trajectory, name, message, viewer)
    if name == NUDGE:
        line = nudge_receipt(outcome, actor.aad_object_id, viewer)
        return card([heading(outcome.trajectory.product), paragraph(line)])
    if from_step is not None:
        return card_for(
            turn,
            outcome.trajectory,
            "step_started",
            from_step.id,
            notice=turn.text("receipt.improvement", product=outcome.trajectory.product),
        )
    return receipt_card(outcome.trajectory, name, data, actor.name, viewer)


@ACTIONS.register(SUBMIT_FORM)
async def submit_form(turn: Turn, data: Mapping[str, Any]) -> Element:
    """A step form (or a review or evaluation form): its inputs become engine commands, applied
    all or nothing. Only the parts the person who clicked may use now are read."""
    trajectory_id = data.get("trajectory")
    actor = turn.actor
    store = turn.services.store
    trajectory = await store.trajectory(trajectory_id) if isinstance(trajectory_id, str) else None
    step = _template_step(turn, trajectory, data.get("step"))
    form_id = data.get("form")
    if trajectory is None or actor is None or step is None or step.id not in trajectory.steps:
        await refuse(turn, SUBMIT_FORM, "unknown_form")
        return error_card(turn.text("action.unknown"))
    template = turn.services.template_of(trajectory)
    viewer = turn.viewer_for(trajectory)
    if (refused := await outsider(turn, trajectory, SUBMIT_FORM)) is not None:
        return refused
    roles = trajectory.roles_of(actor.aad_object_id, viewer.now)
    card_kind = _CARD_OF_FORM.get(str(form_id), "step_started")
    if trajectory.status_of(step.id) is not StepStatus.ACTIVE or _reviews_stale(trajectory, data):
        await refuse(turn, SUBMIT_FORM, "stale", trajectory.id)
        return await already_done(turn, trajectory, "complete_step", reload=False)
    try:
        if form_id == REVIEW_FORM:
            fields = read_review_form(data, trajectory)
        elif form_id == EVALUATION_FORM:
            fields = read_evaluation_form(data, trajectory, turn.language)
        else:
            fields = read_step_form(
                data,
                trajectory,
                step,
                roles,
                template=template,
                zone=viewer.zone,
                language=turn.language,
            )
        commands = [parse_command(str(f["kind"]), f) for f in fields]
        if not commands:
            raise engine.InvalidInput("nothing_to_do")
        outcome = await Workflow(turn.services).execute_many(
            trajectory.id, commands, actor, activity_id=turn.inbox_key, loaded=trajectory
        )
    except ValidationError as error:
        await refuse(turn, SUBMIT_FORM, "invalid", trajectory.id)
        key, values = input_problem(error)
        return card_for(turn, trajectory, card_kind, step.id, error=turn.text(key, **values))
    except ValueError:  # a form value such as a bad date
        await refuse(turn, SUBMIT_FORM, "invalid", trajectory.id)
        return card_for(turn, trajectory, card_kind, step.id, error=turn.text("error.invalid"))
    except engine.NotAllowed:
        await refuse(turn, SUBMIT_FORM, "not_allowed", trajectory.id)
        return not_allowed_card(trajectory, commands[0].kind, viewer)
    except (engine.AlreadyDecided, AlreadyProcessed, TrajectoryNotFound):
        return await already_done(turn, trajectory, "complete_step", reload=True)
    except engine.EngineError as error:
        await refuse(turn, SUBMIT_FORM, error.code, trajectory.id)
        return card_for(turn, trajectory, card_kind, step.id, error=turn.refusal(error, trajectory))
    return card_for(turn, outcome.trajectory, card_kind, step.id, saved=True)


_CARD_OF_FORM = {REVIEW_FORM: "review_request", EVALUATION_FORM: "evaluation_request"}


def _template_step(turn: Turn, trajectory: Trajectory | None, step_id: object) -> Step | None:
    """The step a card names, in the wasstraat the trajectory follows."""
    if not isinstance(step_id, str) or trajectory is None:
        return None
    try:
        return turn.services.template_of(trajectory).step(step_id)
    except KeyError:
        return None


def _reviews_stale(trajectory: Trajectory, data: Mapping[str, Any]) -> bool:
    """A review form made for an earlier text of an improvement."""
    revisions = data.get("revisions")
    if data.get("form") != REVIEW_FORM or not isinstance(revisions, dict):
        return False
    return any(
        (improvement := trajectory.improvement(str(i))) is None or improvement.revision != r
        for i, r in revisions.items()
    )


def card_for(
    turn: Turn,
    trajectory: Trajectory,
    kind: str,
    step: str,
    *,
    error: str | None = None,
    saved: bool = False,
    notice: str | None = None,
) -> Element:
    """The card the person was using, drawn again for them from the trajectory as it is now,
    with what happened on top."""
    viewer = turn.viewer_for(trajectory)
    rendered = render_message(
        kind,
        {"step": step, "saved": saved},
        trajectory,
        language=viewer.language,
        template=viewer.template,
        zone=viewer.zone,
        viewer=turn.actor,
        now=viewer.now,
    )
    result = rendered.card or error_card("")
    if notice:
        result["body"].insert(1, paragraph(notice, spacing="Small"))
    if error:
        result["body"].insert(
            1,
            {
                "type": "TextBlock",
                "text": error,
                "wrap": True,
                "color": "Attention",
                "weight": "Bolder",
            },
        )
    return result


@ACTIONS.register(NEXT_CYCLE)
async def start_next_cycle(turn: Turn, data: Mapping[str, Any]) -> Element:
    """The proceseigenaar (or project leader) starts the next cycle of a finished trajectory:
    the project group and the KPIs (last measurement as the new baseline) carry over."""
    trajectory_id = data.get("trajectory")
    actor = turn.actor
    store = turn.services.store
    trajectory = await store.trajectory(trajectory_id) if isinstance(trajectory_id, str) else None
    if trajectory is None or actor is None:
        await refuse(turn, NEXT_CYCLE, "unknown_trajectory" if actor else "no_identity")
        return error_card(turn.text("action.unknown"))
    if (refused := await outsider(turn, trajectory, NEXT_CYCLE)) is not None:
        return refused
    viewer = turn.viewer_for(trajectory)
    if not engine.manages(trajectory, actor, viewer.now, viewer.template):
        await refuse(turn, NEXT_CYCLE, "not_allowed", trajectory.id)
        return not_allowed_card(trajectory, "cancel", viewer)
    leader = (trajectory.holders(PROJECT_LEADER) or [actor])[0]
    try:
        outcome = await Workflow(turn.services).start(
            product=trajectory.product,
            binding=trajectory.binding,
            project_leader=leader,
            activity_id=turn.inbox_key,
            previous=trajectory,
        )
    except (engine.EngineError, AlreadyProcessed, NextCycleExists):
        return await already_done(turn, trajectory, NEXT_CYCLE, reload=False)
    return card(
        [
            heading(outcome.trajectory.product),
            paragraph(turn.text("next_cycle.started", product=outcome.trajectory.product)),
        ]
    )


async def dispatch(turn: Turn, data: Mapping[str, Any], verb: object = None) -> Element:
    """Run the handler for the action; an unknown or forged id changes nothing and is audited."""
    data = clean_data(dict(data))  # typed text in one form, nothing invisible
    name = action_id(data, verb)
    handler = ACTIONS.get(name)
    if handler is not None:
        return await handler(turn, {**data, ACTION_KEY: name})
    await refuse(turn, name, "unknown_action")
    return error_card(turn.text("action.unknown"))
