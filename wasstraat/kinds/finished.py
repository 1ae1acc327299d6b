"""A step finished by a role: one of ``by`` marks it done once what it requires is there."""

from __future__ import annotations

from wasstraat import commands as c
from wasstraat.context import (
    Behaviour,
    Ctx,
    InvalidInput,
    NotAllowed,
    NotNow,
    behaviour,
    rule,
)
from wasstraat.effects import StepStarted
from wasstraat.model import IMPLEMENT, ImplementationStatus, Person, Trajectory
from wasstraat.template import FinishedBy, Requirement, Reviews, Step, Template


@behaviour("finished_by")
class Finished(Behaviour):
    def waiting(self, t: Trajectory, step: Step, template: Template) -> list[tuple[Person, str]]:
        assert isinstance(step.kind, FinishedBy)
        result: list[tuple[Person, str]] = []
        if Requirement.IMPLEMENTATION_DONE in step.kind.requires:
            # whoever owns an action still open is waited on for it
            owners = {
                i.owner.aad_object_id: i.owner
                for i in t.implementation
                if i.owner is not None and i.status is not ImplementationStatus.DONE
            }
            result += [(owner, IMPLEMENT) for owner in owners.values()]
        for role in step.kind.by:
            if t.holders(role):
                return result + [(p, "complete") for p in t.holders(role)]
        return result

    def joined(self, ctx: Ctx, step: Step, person: Person, role: str) -> None:
        if role in step.actors and not ctx.already_an_actor(step, person, role):
            ctx.tell(person, StepStarted(step=step.id, role=role))


def _finishers(template: Template, command: c.Base | None) -> list[tuple[Step, frozenset[str]]]:
    steps = template.steps
    step_id = getattr(command, "step", None)
    if isinstance(step_id, str) and any(s.id == step_id for s in steps):
        steps = (template.step(step_id),)
    return [(step, frozenset(step.kind.by)) for step in steps if isinstance(step.kind, FinishedBy)]


@rule("complete_step", places=_finishers)
def _complete_step(ctx: Ctx, cmd: c.CompleteStep) -> None:
    try:
        step = ctx.template.step(cmd.step)
    except KeyError:
        raise InvalidInput("unknown_step", step=cmd.step) from None
    if not isinstance(step.kind, FinishedBy):
        raise NotNow("not_marked_done", step=cmd.step)
    if not ctx.active(step):
        raise NotNow("step_not_active", step=step.id)
    if not ctx.holds_any(step.kind.by):
        raise NotAllowed("not_allowed", kind=cmd.kind)
    require_ready(ctx, step, step.kind, open_reason=cmd.open_reason.strip())
    ctx.complete(step)


def require_ready(ctx: Ctx, step: Step, kind: FinishedBy, *, open_reason: str = "") -> None:
    """What the step requires before it can be marked done, in the template's order."""
    t = ctx.t
    missing = [r for r in kind.requires_roles if not t.holders(r)]
    if missing:
        raise NotNow("roles_missing", roles=missing)
    for role in kind.requires_support_from:
        if not any(t.holds(p.aad_object_id, role) for p in t.support_confirmed_by):
            raise NotNow("support_missing", role=role)
    for requirement in kind.requires:
        if requirement is Requirement.IMPLEMENTATION_DONE:
            _implementation_done(ctx, open_reason)
        else:
            _REQUIREMENTS[requirement](ctx)


def _process_map(ctx: Ctx) -> None:
    if not ctx.t.process_maps:
        raise NotNow("process_map_missing")


def _klantreis(ctx: Ctx) -> None:
    if ctx.t.klantreis is None:
        raise NotNow("klantreis_missing")


def _serviceformule(ctx: Ctx) -> None:
    if ctx.t.serviceformule is None:
        raise NotNow("serviceformule_missing")


def _p_assessment(ctx: Ctx) -> None:
    missing = [p.id for p in ctx.template.ps if p.id not in ctx.t.assessment]
    if missing:
        raise NotNow("assessment_missing", ps=missing)


def _plan_ready(ctx: Ctx) -> None:
    from wasstraat.kinds.reviews import rejected, reviewers

    selected = [i for i in ctx.t.improvements if i.selected]
    if not selected:
        raise NotNow("nothing_selected")
    if any(i.horizon is None for i in selected):
        raise NotNow("unclassified")
    review_step = ctx.template.one(Reviews)
    if review_step is not None and not reviewers(ctx.t, ctx.template, review_step):
        raise NotNow("no_specialists")
    if rejected(ctx.t):
        raise NotNow("unresolved_rejection", improvements=rejected(ctx.t))


def _implementation_done(ctx: Ctx, open_reason: str = "") -> None:
    """Every action done, or what is not done closed with a recorded reason."""
    if not ctx.t.implementation:
        raise NotNow("no_implementation_items")
    still_open = [i for i in ctx.t.implementation if i.status is not ImplementationStatus.DONE]
    if still_open and not open_reason:
        raise NotNow("implementation_open", count=len(still_open))
    for item in still_open:
        item.left_open = open_reason
    if still_open:
        ctx.record("implementation.left_open", items=[i.id for i in still_open])


_REQUIREMENTS = {
    Requirement.PROCESS_MAP: _process_map,
    Requirement.KLANTREIS: _klantreis,
    Requirement.SERVICEFORMULE: _serviceformule,
    Requirement.P_ASSESSMENT: _p_assessment,
    Requirement.PLAN_READY: _plan_ready,
}
