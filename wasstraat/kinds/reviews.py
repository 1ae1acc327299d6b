"""Reviews by specialists: every reviewer gives a verdict on every chosen improvement (at its
current text) in each reviewing role they hold, asked in that role's terms; done when all
have, or at the deadline. A "niet akkoord" sends the plan back. Someone with several reviewing
roles gets one request, with a part per role."""

from __future__ import annotations

from wasstraat import commands as c
from wasstraat import findings
from wasstraat.context import (
    DEADLINE_TIMER,
    AlreadyDecided,
    Behaviour,
    Ctx,
    InvalidInput,
    NotAllowed,
    behaviour,
    iso,
    one_places,
    rule,
    the_one,
)
from wasstraat.effects import (
    PlanSentBack,
    ReviewRequest,
    ReviewsSummary,
    Task,
)
from wasstraat.model import Improvement, Origin, Person, Review, StepStatus, Trajectory, Verdict
from wasstraat.template import Reviews, Step, Template


def reviewers(t: Trajectory, template: Template, step: Step) -> list[tuple[str, Person]]:
    return [(role, person) for role in template.kind_roles(step) for person in t.holders(role)]


def selected(t: Trajectory) -> list[Improvement]:
    return [i for i in t.improvements if i.selected]


def reviewed(improvement: Improvement, person: Person, role: str) -> Review | None:
    """The person's review of the improvement's current text in this role."""
    return next(
        (
            r
            for r in improvement.reviews
            if r.by.aad_object_id == person.aad_object_id
            and r.role == role
            and r.revision == improvement.revision
        ),
        None,
    )


def pending(t: Trajectory, person: Person, role: str) -> list[str]:
    """The chosen improvements the person has still to review in this role."""
    return [i.id for i in selected(t) if reviewed(i, person, role) is None]


def roles_to_review(
    t: Trajectory, template: Template, step: Step, person: Person
) -> list[tuple[str, list[str]]]:
    """Each reviewing role the person holds with what is still to review in it, in the
    template's order of reviewers (roles with nothing left are left out)."""
    return [
        (role, left)
        for role, holder in reviewers(t, template, step)
        if holder.aad_object_id == person.aad_object_id and (left := pending(t, person, role))
    ]


def missing(t: Trajectory, template: Template, step: Step) -> list[Person]:
    result: dict[str, Person] = {}
    for role, person in reviewers(t, template, step):
        if pending(t, person, role):
            result[person.aad_object_id] = person
    return list(result.values())


def rejected(t: Trajectory) -> list[str]:
    """Chosen improvements with a "niet akkoord" on their current text."""
    return [
        i.id
        for i in selected(t)
        if any(r.verdict is Verdict.NIET_AKKOORD and r.revision == i.revision for r in i.reviews)
    ]


@behaviour("reviews")
class ReviewStep(Behaviour):
    def start(self, ctx: Ctx, step: Step) -> None:
        if not missing(ctx.t, ctx.template, step):
            # every chosen improvement was reviewed at its current text: nothing to ask again
            finish(ctx, step, "all_reviewed")
            return
        # one request a person, with a part for each reviewing role they hold
        for person in missing(ctx.t, ctx.template, step):
            ctx.tell(person, _request(ctx, step, person))

    def waiting(self, t: Trajectory, step: Step, template: Template) -> list[tuple[Person, str]]:
        return [(p, "review") for p in missing(t, template, step)]

    def task(self, ctx: Ctx, step: Step, person: Person, what: str) -> Task:
        return _request(ctx, step, person)

    def joined(self, ctx: Ctx, step: Step, person: Person, role: str) -> None:
        others = ctx.t.roles_of(person.aad_object_id, ctx.now) - {role}
        if role in ctx.template.kind_roles(step) and not others & set(
            ctx.template.kind_roles(step)
        ):
            ctx.tell(person, _request(ctx, step, person))

    def recheck(self, ctx: Ctx, step: Step) -> None:
        if not missing(ctx.t, ctx.template, step):
            finish(ctx, step, "all_reviewed")

    def deadline(self, ctx: Ctx, step: Step) -> None:
        finish(ctx, step, "deadline")


def _request(ctx: Ctx, step: Step, person: Person) -> ReviewRequest:
    asked = roles_to_review(ctx.t, ctx.template, step, person)
    roles = [role for role, _left in asked]
    improvements = list(dict.fromkeys(i for _role, left in asked for i in left))
    return ReviewRequest(
        step=step.id,
        role=roles[0] if roles else None,
        roles=roles if len(roles) > 1 else None,
        improvements=improvements,
        deadline=iso(ctx.t.steps[step.id].deadline),
    )


def finish(ctx: Ctx, step: Step, reason: str) -> None:
    assert isinstance(step.kind, Reviews)
    sent_back = rejected(ctx.t)
    late = missing(ctx.t, ctx.template, step)
    ctx.cancel_timer(step.id, DEADLINE_TIMER)
    if sent_back:
        # a "niet akkoord" sends the plan back to the step that made it
        back = ctx.template.step(step.kind.send_back_to)
        ctx.reopen(step)
        ctx.t.steps[back.id].status = StepStatus.WAITING
        ctx.record("plan.sent_back", improvements=sent_back)
        ctx.tell_leader(PlanSentBack(improvements=sent_back))
        ctx.start_step(back)
        return
    ctx.tell_leader(ReviewsSummary(reason=reason, missing=[p.name for p in late]))
    ctx.complete(step, reason=reason, missing=[p.aad_object_id for p in late])


def _the_reviews(ctx: Ctx) -> Step:
    return the_one(ctx, Reviews)


_reviewer_places = one_places(Reviews, lambda template, step: template.kind_roles(step))


@rule("submit_review", places=_reviewer_places)
def _submit_review(ctx: Ctx, cmd: c.SubmitReview) -> None:
    step = _the_reviews(ctx)
    improvement = ctx.t.improvement(cmd.improvement_id)
    if improvement is None:
        raise InvalidInput("unknown_improvement", improvement=cmd.improvement_id)
    if not improvement.selected:
        raise InvalidInput("improvement_not_selected")
    if cmd.revision is not None and cmd.revision != improvement.revision:
        # a verdict on an earlier text of the improvement
        raise AlreadyDecided("stale_revision", improvement=improvement.id)
    roles = [
        r for r in ctx.template.kind_roles(step) if ctx.t.holds(ctx.actor.aad_object_id, r, ctx.now)
    ]
    if cmd.role is not None:
        if cmd.role not in roles:
            raise NotAllowed("not_allowed", kind=cmd.kind)
        role = cmd.role
    else:
        # no role named: the first of the person's reviewing roles still to review it
        role = next((r for r in roles if reviewed(improvement, ctx.actor, r) is None), roles[0])
    if reviewed(improvement, ctx.actor, role) is not None:
        raise AlreadyDecided("already_reviewed")
    if cmd.verdict is not Verdict.AKKOORD and not cmd.remark.strip():
        raise InvalidInput("remark_required")
    improvement.reviews.append(
        Review(
            by=ctx.actor,
            role=role,
            verdict=cmd.verdict,
            remark=cmd.remark,
            cost_estimate=cmd.cost_estimate,
            lead_time=cmd.lead_time,
            at=ctx.now,
            revision=improvement.revision,
        )
    )
    # a condition is a candidate of its own for the plan
    ref = f"review:{improvement.id}:{role}:"
    condition = cmd.verdict is Verdict.ONDER_VOORWAARDEN and cmd.remark.strip()
    findings.keep(ctx, Origin.REVIEW, ref, {ref: findings.Finding(cmd.remark)} if condition else {})
    if not missing(ctx.t, ctx.template, step):
        finish(ctx, step, "all_reviewed")
