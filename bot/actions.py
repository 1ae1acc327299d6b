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
from bot.trajectories import channel_status_card
from bot.turn import Turn
from bot.workflow import TrajectoryNotFound, Workflow
from cards.base import ACTION_KEY, Element, card, heading, paragraph
from cards.catalogue import MESSAGES
from cards.messages import ANSWER_CHECK, DECIDE, render_message
from cards.status import STATUS_REFRESH, local_date, status_card, step_label
from storage import AlreadyProcessed
from wasstraat import engine
from wasstraat.commands import parse_command
from wasstraat.model import Decision, StepStatus, Trajectory

ActionHandler = Callable[[Turn, Mapping[str, Any]], Awaitable[Element]]

ACTIONS: Registry[ActionHandler] = Registry("card action")

MAX_AUDITED_ID = 64
ADD_IMPROVEMENT = "add_improvement"
ROUNDS = {"decide_kpis": "kpis_round", "decide_plan": "plan_round"}


def action_id(data: Mapping[str, Any], verb: object = None) -> str:
    """The action id from the card data, else the Action.Execute verb."""
    value = data.get(ACTION_KEY)
    if isinstance(value, str) and value:
        return value
    return verb if isinstance(verb, str) else ""


@ACTIONS.register(STATUS_REFRESH)
async def refresh_status(turn: Turn, _data: Mapping[str, Any]) -> Element:
    return await channel_status_card(turn)


async def _refuse(turn: Turn, name: str, reason: str, trajectory_id: str | None = None) -> None:
    """Leave an audit entry for a refused card action (no personal data beyond the actor)."""
    now = turn.services.clock()
    actor = turn.actor
    async with turn.services.store.transaction(now=now) as tx:
        await tx.audit(
            action="card_action.refused",
            at=now,
            actor=actor.aad_object_id if actor else None,
            trajectory_id=trajectory_id,
            detail={"reason": reason, "action": name[:MAX_AUDITED_ID]},
        )


def _is_stale(trajectory: Trajectory, name: str, data: Mapping[str, Any]) -> bool:
    step = data.get("step")
    if isinstance(step, str) and trajectory.status_of(step) is not StepStatus.ACTIVE:
        return True
    round_field = ROUNDS.get(name)
    return round_field is not None and data.get("round") != getattr(trajectory, round_field)


def _stale_card(turn: Turn, trajectory: Trajectory, name: str) -> Element:
    """'Already dealt with (by X on …)' above the trajectory's current state."""
    names = {p.aad_object_id: p.name for p in trajectory.members()}
    last = next((e for e in reversed(trajectory.audit) if e.action == name), None)
    by = ""
    if last is not None and names.get(last.actor):
        by = turn.text(
            "action.stale_by",
            name=names[last.actor],
            date=local_date(last.at, turn.language, turn.services.zone),
        )
    current = status_card(
        [trajectory],
        template=turn.services.template,
        language=turn.language,
        zone=turn.services.zone,
        now=turn.services.clock(),
    )
    current["body"].insert(0, paragraph(turn.text("action.stale", by=by)))
    return current


def _receipt(turn: Turn, outcome: engine.Outcome, name: str, data: Mapping[str, Any]) -> Element:
    trajectory = outcome.trajectory
    actor = turn.actor
    when = local_date(turn.services.clock(), turn.language, turn.services.zone)
    remark = str(data.get("remark") or "")
    if name == ADD_IMPROVEMENT:
        line = turn.text("receipt.improvement", product=trajectory.product)
    elif name == ANSWER_CHECK:
        agrees = data.get("agrees") in (True, "true")
        line = (
            turn.text("receipt.check_agree")
            if agrees
            else turn.text("receipt.check_disagree", remark=remark)
        )
    else:
        decision = "approve" if data.get("decision") == Decision.APPROVE.value else "reject"
        line = turn.text(
            f"receipt.{decision}", name=actor.name if actor else "", date=when, remark=remark
        )
    step = data.get("step")
    title = trajectory.product
    if isinstance(step, str):
        title = f"{title} · {step_label(turn.services.template, step, turn.language)}"
    return card([heading(title), paragraph(line)])


def _not_allowed_card(turn: Turn, trajectory: Trajectory, name: str) -> Element:
    rule = engine.RULES.get(name)
    roles = sorted(rule.roles) if rule is not None else []
    template = turn.services.template
    labels = [
        template.role(r).name.get(turn.language)
        for r in roles
        if r in {role.id for role in template.roles}
    ]
    return card(
        [
            paragraph(
                turn.text(
                    "action.not_allowed",
                    roles=" / ".join(labels) or "-",
                    product=trajectory.product,
                )
            )
        ]
    )


def _form_data(trajectory: Trajectory, name: str) -> tuple[str, dict[str, Any]] | None:
    """The message a form card was rendered from, rebuilt from the current state."""
    if name == ANSWER_CHECK:
        check = trajectory.check
        return "check_request", {
            "deadline": check.deadline.isoformat() if check.deadline else None,
            "link": trajectory.process_maps[-1] if trajectory.process_maps else None,
        }
    for subject, kind in DECIDE.items():
        if kind == name:
            round_field = ROUNDS.get(name)
            extra = {"round": getattr(trajectory, round_field)} if round_field else {}
            return "approval_request", {"subject": subject, **extra}
    return None


def _form_with_error(turn: Turn, trajectory: Trajectory, name: str, message: str) -> Element:
    """Field errors go back on the form itself, so the person can correct and click again."""
    form = _form_data(trajectory, name)
    rendered = (
        render_message(
            form[0],
            form[1],
            trajectory,
            language=turn.language,
            template=turn.services.template,
            zone=turn.services.zone,
        )
        if form is not None
        else None
    )
    error = {**paragraph(message), "color": "Attention", "weight": "Bolder"}
    if rendered is None or rendered.card is None:
        return card([error])
    result = rendered.card
    result["body"].insert(1, error)
    return result


@ACTIONS.register(*DECIDE.values(), ANSWER_CHECK, ADD_IMPROVEMENT)
async def engine_action(turn: Turn, data: Mapping[str, Any]) -> Element:
    """A card button that gives the engine a command about one trajectory."""
    name = action_id(data)
    trajectory_id = data.get("trajectory")
    actor = turn.actor
    store = turn.services.store
    trajectory = await store.trajectory(trajectory_id) if isinstance(trajectory_id, str) else None
    if trajectory is None or actor is None:
        await _refuse(turn, name, "unknown_trajectory" if actor else "no_identity")
        return card([paragraph(turn.text("action.unknown"))])
    if _is_stale(trajectory, name, data):
        return _stale_card(turn, trajectory, name)
    try:
        command = parse_command(name, dict(data))
        outcome = await Workflow(turn.services).execute(
            trajectory.id, command, actor, activity_id=turn.activity.id
        )
    except ValidationError:
        return _form_with_error(turn, trajectory, name, turn.text("error.invalid"))
    except engine.NotAllowed:
        await _refuse(turn, name, "not_allowed", trajectory.id)
        return _not_allowed_card(turn, trajectory, name)
    except (engine.AlreadyDecided, engine.NotNow, AlreadyProcessed, TrajectoryNotFound):
        fresh = await store.trajectory(trajectory.id) or trajectory
        return _stale_card(turn, fresh, name)
    except engine.InvalidInput as error:
        key = f"error.{error.code}"
        return _form_with_error(
            turn, trajectory, name, turn.text(key if key in MESSAGES else "error.invalid")
        )
    return _receipt(turn, outcome, name, data)


async def dispatch(turn: Turn, data: Mapping[str, Any], verb: object = None) -> Element:
    """Run the handler for the action; an unknown or forged id changes nothing and is audited."""
    name = action_id(data, verb)
    handler = ACTIONS.get(name)
    if handler is not None:
        return await handler(turn, {**data, ACTION_KEY: name})
    await _refuse(turn, name, "unknown_action")
    return card([paragraph(turn.text("action.unknown"))])
