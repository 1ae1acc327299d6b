"""Who holds which role: assigning people, substitutes during leave, and the separation of
duties (who approves or reviews is chosen by someone else)."""

from __future__ import annotations

from wasstraat import commands as c
from wasstraat import kinds as _kinds  # noqa: F401  (registers the kinds of step)
from wasstraat import work as _work  # noqa: F401  (registers the work inside steps)
from wasstraat.context import (
    BEHAVIOURS,
    Ctx,
    InvalidInput,
    NotAllowed,
    iso,
    redact,
    rule,
)
from wasstraat.effects import (
    RoleAssigned,
    SubstituteAssigned,
)
from wasstraat.model import (
    Substitution,
)
from wasstraat.template import (
    Section,
    Template,
)

# -- roles ---------------------------------------------------------------------------------------


def _known_role(ctx: Ctx, role_id: str) -> None:
    try:
        role = ctx.template.role(role_id)
    except KeyError:
        raise InvalidInput("unknown_role", role=role_id) from None
    if not role.teams_user:
        raise InvalidInput("role_not_assignable", role=role_id)


def _checking_roles(template: Template) -> set[str]:
    """Roles that approve, check support or review: chosen by someone else, never oneself."""
    roles: set[str] = set()
    for step in template.steps:
        roles.update(step.kind.checks(template))
        for role, parts in step.may.items():
            if Section.SUPPORT in parts:
                roles.add(role)
    return roles


@rule("assign_role", managers=True)
def _assign_role(ctx: Ctx, cmd: c.AssignRole) -> None:
    _known_role(ctx, cmd.role)
    people = list({p.aad_object_id: p for p in cmd.people}.values())
    if cmd.role in _checking_roles(ctx.template):
        if any(p.aad_object_id == ctx.actor.aad_object_id for p in people):
            # separation of duties: who approves or reviews is chosen by someone else
            raise NotAllowed("self_assignment", role=cmd.role)
    if len(people) > 1 and not ctx.template.role(cmd.role).several:
        raise InvalidInput("one_person_only", role=cmd.role)
    before = {p.aad_object_id for p in ctx.t.holders(cmd.role)}
    ctx.t.roles[cmd.role] = people
    added = [p for p in people if p.aad_object_id not in before]
    ctx.record(
        "assign_role",
        role=cmd.role,
        holders=[p.aad_object_id for p in people],
        removed=sorted(before - {p.aad_object_id for p in people}),
        reason=redact(cmd)["reason"],
    )
    running = [s for s in ctx.template.steps if ctx.active(s)]
    for person in added:
        ctx.tell(person, RoleAssigned(role=cmd.role))
        # someone who joins a running step is asked what the step asks of them
        for step in running:
            BEHAVIOURS[step.kind.type].joined(ctx, step, person, cmd.role)
    for step in running:
        if ctx.active(step):
            BEHAVIOURS[step.kind.type].recheck(ctx, step)


@rule("substitute", managers=True)
def _substitute(ctx: Ctx, cmd: c.Substitute) -> None:
    _known_role(ctx, cmd.role)
    if not any(p.aad_object_id == cmd.absent.aad_object_id for p in ctx.t.holders(cmd.role)):
        raise InvalidInput("not_a_holder", role=cmd.role)
    if cmd.until is not None and cmd.until <= ctx.now:
        raise InvalidInput("until_in_past")
    ctx.t.substitutes.setdefault(cmd.role, []).append(
        Substitution(
            absent=cmd.absent, substitute=cmd.substitute, reason=cmd.reason, until=cmd.until
        )
    )
    ctx.tell(
        cmd.substitute,
        SubstituteAssigned(role=cmd.role, absent=cmd.absent.name, until=iso(cmd.until)),
    )


@rule("end_substitution", managers=True)
def _end_substitution(ctx: Ctx, cmd: c.EndSubstitution) -> None:
    current = ctx.t.substitutes.get(cmd.role, [])
    kept = [s for s in current if s.substitute.aad_object_id != cmd.substitute.aad_object_id]
    if len(kept) == len(current):
        raise InvalidInput("not_a_substitute", role=cmd.role)
    ctx.t.substitutes[cmd.role] = kept
