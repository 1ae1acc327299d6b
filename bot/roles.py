"""Assigning roles from the team's roster (card actions)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from botbuilder.core.teams import TeamsInfo

from bot.actions import ACTIONS, card_for, outsider, refuse
from bot.turn import Turn
from bot.workflow import Workflow
from cards.base import Element, paragraph
from cards.outcomes import error_card, not_allowed_card
from cards.roles import ASSIGN_ROLES, ROLE_INPUT, ROLES_FORM, assignable_roles, roles_form
from storage import AlreadyProcessed
from wasstraat import engine
from wasstraat.commands import AssignRole, Command
from wasstraat.model import Person, StepStatus, Trajectory
from wasstraat.template import FinishedBy

log = logging.getLogger(__name__)

PAGE_SIZE = 200


async def fetch_roster(turn: Turn, trajectory: Trajectory) -> list[Person]:
    """The people of the trajectory's team (or, for a chat, of this conversation)."""
    people: dict[str, Person] = {}
    token: str | None = None
    while True:
        if trajectory.binding.team_id:
            page = await TeamsInfo.get_paged_team_members(
                turn.context, trajectory.binding.team_id, token, PAGE_SIZE
            )
        else:
            page = await TeamsInfo.get_paged_members(turn.context, token, PAGE_SIZE)
        for member in page.members or []:
            if member.aad_object_id:
                people[member.aad_object_id] = Person(
                    aad_object_id=member.aad_object_id, name=member.name or ""
                )
        token = page.continuation_token
        if not token:
            break
    if trajectory.binding.team_id:
        # who is in the team, for the portfolio tab (people see their teams' trajectories)
        await turn.services.store.set_team_members(trajectory.binding.team_id, people.keys())
    return sorted(people.values(), key=lambda p: p.name.lower())


async def _manageable(turn: Turn, data: Mapping[str, Any], action: str) -> Trajectory | Element:
    """The trajectory, if the sender may manage its roles; else the card to answer with."""
    trajectory_id = data.get("trajectory")
    store = turn.services.store
    trajectory = await store.trajectory(trajectory_id) if isinstance(trajectory_id, str) else None
    actor = turn.actor
    if trajectory is None or actor is None:
        await refuse(turn, action, "unknown_trajectory")
        return error_card(turn.text("action.unknown"))
    if (refused := await outsider(turn, trajectory, action)) is not None:
        return refused
    if not engine.manages(
        trajectory, actor, turn.services.clock(), turn.services.template_of(trajectory)
    ):
        await refuse(turn, action, "not_allowed", trajectory.id)
        return not_allowed_card(trajectory, "assign_role", turn.viewer_for(trajectory))
    return trajectory


async def _form(turn: Turn, trajectory: Trajectory, error: str | None = None) -> Element:
    try:
        roster = await fetch_roster(turn, trajectory)
    except Exception:
        log.warning("roster could not be fetched", exc_info=True)
        return error_card(turn.text("roles.no_roster"))
    return roles_form(
        trajectory,
        roster,
        template=turn.services.template_of(trajectory),
        language=turn.language,
        error=error,
    )


@ACTIONS.register(ROLES_FORM)
async def show_roles_form(turn: Turn, data: Mapping[str, Any]) -> Element:
    found = await _manageable(turn, data, ROLES_FORM)
    if not isinstance(found, Trajectory):
        return found
    return await _form(turn, found)


@ACTIONS.register(ASSIGN_ROLES)
async def assign_roles(turn: Turn, data: Mapping[str, Any]) -> Element:
    found = await _manageable(turn, data, ASSIGN_ROLES)
    if not isinstance(found, Trajectory):
        return found
    trajectory = found
    try:
        roster = {p.aad_object_id: p for p in await fetch_roster(turn, trajectory)}
    except Exception:
        log.warning("roster could not be fetched", exc_info=True)
        return error_card(turn.text("roles.no_roster"))
    reason = str(data.get("reason") or "")[:500]
    actor = turn.actor
    assert actor is not None
    commands: list[Command] = []
    for role_id in assignable_roles(turn.services.template_of(trajectory)):
        raw = data.get(f"{ROLE_INPUT}{role_id}")
        if not isinstance(raw, str):
            continue
        # only people on the roster, by object id: names come from Teams, not from the card
        chosen = [roster[i] for i in dict.fromkeys(raw.split(",")) if i in roster]
        current = [p.aad_object_id for p in trajectory.holders(role_id)]
        if not chosen or [p.aad_object_id for p in chosen] == current:
            continue
        commands.append(AssignRole(role=role_id, people=chosen, reason=reason))
    changed = len(commands)
    if commands:
        # the whole group at once: a refusal of one role assigns none
        try:
            outcome = await Workflow(turn.services).execute_many(
                trajectory.id, commands, actor, activity_id=turn.inbox_key
            )
        except engine.EngineError as error:
            return await _form(turn, trajectory, turn.refusal(error, trajectory))
        except AlreadyProcessed:
            return await _form(turn, trajectory, turn.text("error.not_now"))
        trajectory = outcome.trajectory
    # back to the step card where the group is completed, if that step still runs
    forming = next(
        (
            step
            for step in turn.services.template_of(trajectory).steps
            if isinstance(step.kind, FinishedBy)
            and step.kind.requires_roles
            and trajectory.status_of(step.id) is StepStatus.ACTIVE
        ),
        None,
    )
    if forming is not None:
        card = card_for(turn, trajectory, "step_started", forming.id)
    else:
        card = await _form(turn, trajectory)
    card["body"].insert(1, paragraph(turn.text("roles.saved", count=changed)))
    return card
