"""Assigning roles from the team's roster (card actions)."""

from __future__ import annotations

import logging

from botbuilder.core.teams import TeamsInfo

from bot.actions import action
from bot.click import Action, Load, card_for
from bot.turn import Turn
from cards.base import Element, paragraph
from cards.outcomes import error_card
from cards.roles import ASSIGN_ROLES, ROLE_INPUT, ROLES_FORM, assignable_roles, roles_form
from wasstraat import engine
from wasstraat.commands import AssignRole, Command
from wasstraat.model import Person, StepStatus, Trajectory

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
        await turn.services.store.portfolio.set_team_members(
            trajectory.binding.team_id, people.keys()
        )
    return sorted(people.values(), key=lambda p: p.name.lower())


def _may_assign(act: Action) -> Trajectory:
    """The trajectory, if the engine lets the sender assign its roles now (else it raises)."""
    trajectory = act.loaded
    engine.gate(
        trajectory,
        act.actor,
        act.turn.now,
        act.turn.template_of(trajectory),
        kind="assign_role",
    )
    return trajectory


async def _form(act: Action, trajectory: Trajectory, error: str | None = None) -> Element:
    try:
        roster = await fetch_roster(act.turn, trajectory)
    except Exception:
        log.warning("roster could not be fetched", exc_info=True)
        return error_card(act.text("roles.no_roster"))
    return roles_form(
        trajectory,
        roster,
        template=act.turn.template_of(trajectory),
        language=act.turn.language,
        error=error,
    )


async def _form_again(act: Action, message: str) -> Element:
    """A refused assignment: the roles form again, with what was wrong on it."""
    return await _form(act, act.loaded, message)


@action(ROLES_FORM, load=Load.TRAJECTORY)
async def show_roles_form(act: Action) -> Element:
    return await _form(act, _may_assign(act))


@action(ASSIGN_ROLES, load=Load.TRAJECTORY, redraw=_form_again)
async def assign_roles(act: Action) -> Element:
    trajectory = _may_assign(act)
    try:
        roster = {p.aad_object_id: p for p in await fetch_roster(act.turn, trajectory)}
    except Exception:
        log.warning("roster could not be fetched", exc_info=True)
        return error_card(act.text("roles.no_roster"))
    reason = str(act.data.get("reason") or "")[:500]
    template = act.turn.template_of(trajectory)
    commands: list[Command] = []
    for role_id in assignable_roles(template):
        raw = act.data.get(f"{ROLE_INPUT}{role_id}")
        if not isinstance(raw, str):
            continue
        # only people on the roster, by object id: names come from Teams, not from the card;
        # anyone else refuses the whole form (nothing is assigned)
        picked = [i.strip() for i in dict.fromkeys(raw.split(",")) if i.strip()]
        if any(i not in roster for i in picked):
            raise engine.InvalidInput("not_on_roster", role=role_id)
        chosen = [roster[i] for i in picked]
        current = [p.aad_object_id for p in trajectory.holders(role_id)]
        if not chosen or [p.aad_object_id for p in chosen] == current:
            continue
        commands.append(AssignRole(role=role_id, people=chosen, reason=reason))
    act.kinds = ("assign_role",)
    changed = len(commands)
    if commands:
        # the whole group at once: a refusal of one role assigns none
        outcome = await act.turn.workflow.execute_many(
            trajectory.id, commands, act.actor, loaded=trajectory
        )
        trajectory = outcome.trajectory
    # back to the step card where the group is completed, if that step still runs
    forming = next(
        (
            step
            for step in template.steps
            if step.kind.needs_roles() and trajectory.status_of(step.id) is StepStatus.ACTIVE
        ),
        None,
    )
    if forming is not None:
        card = card_for(act.turn, trajectory, "step_started", forming.id)
    else:
        card = await _form(act, trajectory)
    card["body"].insert(1, paragraph(act.text("roles.saved", count=changed)))
    return card
