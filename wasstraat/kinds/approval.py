"""A step done by approval: what is put up for a decision (the KPIs, the plan, the priorities)
is approved by the step's approvers, every seat (``all``) or one of them (``any``). A rejection
goes back with its remark; putting it up again starts a new round."""

from __future__ import annotations

from datetime import datetime

from wasstraat import commands as c
from wasstraat.context import (
    AlreadyDecided,
    Behaviour,
    Ctx,
    InvalidInput,
    NotNow,
    Places,
    acting_role,
    behaviour,
    rule,
    section_places,
)
from wasstraat.effects import (
    ApprovalRequest,
    ImplementationAssigned,
    Rejected,
    StepStarted,
    Task,
)
from wasstraat.model import Approval as Decided
from wasstraat.model import (
    Decision,
    ImplementationItem,
    Improvement,
    Person,
    StepStatus,
    Submission,
    Trajectory,
)
from wasstraat.template import (
    PROJECT_LEADER,
    SUBJECTS,
    Approval,
    Section,
    Step,
    Subject,
    Template,
)


def current_round(t: Trajectory, subject: Subject | str) -> int:
    return int(getattr(t, SUBJECTS[Subject(subject)].round))


def put_up(t: Trajectory, subject: Subject | str) -> bool:
    """Whether something is up for a decision in the current round."""
    subject = Subject(subject)
    if subject is Subject.PLAN:
        return t.plan_finalised_at is not None
    if subject is Subject.PRIORITIES:
        return t.priorities_round > 0 and any(i.priority is not None for i in t.improvements)
    return t.kpis_round > 0


def _in_round(t: Trajectory, subject: Subject, round_: int) -> list[Decided]:
    return [a for a in t.approvals if a.subject == subject and a.round == round_]


def decisions(t: Trajectory, subject: str, round_: int) -> list[Decided]:
    """The decisions given in one round of a subject, in the order they came."""
    return _in_round(t, Subject(subject), round_)


def decided_by(t: Trajectory, subject: str, round_: int, person_id: str) -> Decided | None:
    return next(
        (a for a in _in_round(t, Subject(subject), round_) if a.by.aad_object_id == person_id),
        None,
    )


def seats(t: Trajectory, step: Step) -> list[tuple[str, Person]]:
    assert isinstance(step.kind, Approval)
    return [(role, p) for role in step.kind.approvers for p in t.holders(role)]


def open_seats(t: Trajectory, step: Step, now: datetime | None) -> list[Person]:
    """Approvers of this round who still have to decide: nobody, once it is rejected; with the
    rule ``any``, nobody once one approved; else every seat without an approval from its holder
    or from someone standing in for them."""
    kind = step.kind
    assert isinstance(kind, Approval)
    if not put_up(t, kind.subject):
        return []
    decisions = _in_round(t, kind.subject, current_round(t, kind.subject))
    if any(a.decision is Decision.REJECT for a in decisions):
        return []
    approved = {a.by.aad_object_id for a in decisions if a.decision is Decision.APPROVE}
    if kind.rule == "any" and approved:
        return []
    result: dict[str, Person] = {}
    for role, person in seats(t, step):
        stand_ins = {
            sub.substitute.aad_object_id
            for sub in t.substitutes.get(role, [])
            if sub.absent.aad_object_id == person.aad_object_id
            and (now is None or sub.active_at(now))
        }
        if person.aad_object_id not in approved and not stand_ins & approved:
            result.setdefault(person.aad_object_id, person)
    return list(result.values())


@behaviour("approval")
class ApprovalStep(Behaviour):
    def waiting(self, t: Trajectory, step: Step, template: Template) -> list[tuple[Person, str]]:
        deciding = open_seats(t, step, None)
        if deciding:
            return [(p, "approve") for p in deciding]
        leads = t.holders(step.responsible) or t.holders(PROJECT_LEADER)
        return [(p, "complete") for p in leads]

    def task(self, ctx: Ctx, step: Step, person: Person, what: str) -> Task:
        assert isinstance(step.kind, Approval)
        role = acting_role(ctx, person, step)
        if what == "approve":
            role = next(
                (r for r in step.kind.approvers if ctx.t.holds(person.aad_object_id, r)), role
            )
            return ApprovalRequest(
                subject=step.kind.subject.value,
                role=role,
                round=current_round(ctx.t, step.kind.subject),
            )
        return StepStarted(step=step.id, role=role)

    def joined(self, ctx: Ctx, step: Step, person: Person, role: str) -> None:
        assert isinstance(step.kind, Approval)
        if role in step.actors and not ctx.already_an_actor(step, person, role):
            ctx.tell(person, StepStarted(step=step.id, role=role))
        if role in step.kind.approvers and any(
            p.aad_object_id == person.aad_object_id for p in open_seats(ctx.t, step, ctx.now)
        ):
            _ask(ctx, step, [(role, person)])

    def recheck(self, ctx: Ctx, step: Step) -> None:
        kind = step.kind
        assert isinstance(kind, Approval)
        decisions = _in_round(ctx.t, kind.subject, current_round(ctx.t, kind.subject))
        if (
            put_up(ctx.t, kind.subject)
            and any(a.decision is Decision.APPROVE for a in decisions)
            and not any(a.decision is Decision.REJECT for a in decisions)
            and not open_seats(ctx.t, step, ctx.now)
        ):
            _approved(ctx, step)


def _ask(ctx: Ctx, step: Step, people: list[tuple[str, Person]]) -> None:
    assert isinstance(step.kind, Approval)
    told: set[str] = set()
    for role, person in people:
        if person.aad_object_id in told:
            continue
        told.add(person.aad_object_id)
        ctx.tell(
            person,
            ApprovalRequest(
                subject=step.kind.subject.value,
                role=role,
                round=current_round(ctx.t, step.kind.subject),
            ),
        )


def _step_for(ctx: Ctx, subject: Subject) -> Step:
    step = ctx.template.approval_step(subject)
    if step is None:
        raise NotNow("nothing_to_decide", subject=subject.value)
    return step


def _decider_places(subject: Subject) -> Places:
    def places(template: Template, command: c.Base | None) -> list[tuple[Step, frozenset[str]]]:
        step = template.approval_step(subject)
        if step is None:
            return []
        assert isinstance(step.kind, Approval)
        return [(step, frozenset(step.kind.approvers))]

    return places


def _decide(
    ctx: Ctx, subject: Subject, cmd: c.DecideKpis | c.DecidePlan | c.DecidePriorities
) -> None:
    decision, remark = cmd.decision, cmd.remark
    step = _step_for(ctx, subject)
    kind = step.kind
    assert isinstance(kind, Approval)
    round_ = current_round(ctx.t, subject)
    if cmd.round is not None and cmd.round != round_:
        # a card of an earlier round: what it showed was decided or withdrawn since
        raise AlreadyDecided("stale_round", subject=subject.value)
    if not put_up(ctx.t, subject):
        raise NotNow("nothing_to_decide", subject=subject.value)
    if decided_by(ctx.t, subject, round_, ctx.actor.aad_object_id) is not None:
        raise AlreadyDecided("already_decided", subject=subject.value)
    if not open_seats(ctx.t, step, ctx.now):
        raise AlreadyDecided("already_decided", subject=subject.value)
    if decision is Decision.REJECT and not remark.strip():
        raise InvalidInput("remark_required")
    role = next(r for r in kind.approvers if ctx.t.holds(ctx.actor.aad_object_id, r, ctx.now))
    ctx.t.approvals.append(
        Decided(
            subject=subject.value,
            by=ctx.actor,
            role=role,
            decision=decision,
            remark=remark,
            at=ctx.now,
            round=round_,
        )
    )
    if decision is Decision.REJECT:
        if subject is Subject.PLAN:
            ctx.t.plan_finalised_at = None
        # back to whoever may edit it (the project leader among them), with the remark, each
        # with their form; putting it up again starts a new round
        rules = SUBJECTS[subject]
        editors = [
            role
            for role, parts in step.may.items()
            if any(section in parts for section in (rules.puts_up, *rules.edits))
        ]
        rejected = Rejected(subject=subject.value, remark=remark, by=ctx.actor.name, step=step.id)
        ctx.tell_roles([PROJECT_LEADER, *editors], rejected)
        return
    if kind.rule == "any" or not open_seats(ctx.t, step, ctx.now):
        _approved(ctx, step)


def _approved(ctx: Ctx, step: Step) -> None:
    assert isinstance(step.kind, Approval)
    if step.kind.subject is Subject.PRIORITIES:
        _plan_implementation(ctx)
    ctx.complete(step)


@rule("decide_kpis", places=_decider_places(Subject.KPIS))
def _decide_kpis(ctx: Ctx, cmd: c.DecideKpis) -> None:
    _decide(ctx, Subject.KPIS, cmd)


@rule("decide_plan", places=_decider_places(Subject.PLAN))
def _decide_plan(ctx: Ctx, cmd: c.DecidePlan) -> None:
    _decide(ctx, Subject.PLAN, cmd)


@rule("decide_priorities", places=_decider_places(Subject.PRIORITIES))
def _decide_priorities(ctx: Ctx, cmd: c.DecidePriorities) -> None:
    _decide(ctx, Subject.PRIORITIES, cmd)


def waiting_on_approvers(t: Trajectory, template: Template, subject: Subject) -> bool:
    """Whether what is up for a decision still waits on an approver in this round (nobody
    rejected it, and not everyone it needs approved it)."""
    step = template.approval_step(subject)
    return (
        step is not None
        and t.status_of(step.id) is StepStatus.ACTIVE
        and bool(open_seats(t, step, None))
    )


def _put_up(ctx: Ctx, subject: Subject) -> None:
    """A new round: every approver is asked (not the one who put it up, if they approve it)."""
    ctx.t.submissions[subject.value] = Submission(
        round=current_round(ctx.t, subject), by=ctx.actor, at=ctx.now
    )
    step = ctx.template.approval_step(subject)
    if step is None or not ctx.active(step):
        return
    asked = [(r, p) for r, p in seats(ctx.t, step) if p.aad_object_id != ctx.actor.aad_object_id]
    _ask(ctx, step, asked)


# -- what is put up ------------------------------------------------------------------------------


@rule("propose_kpis", places=section_places(Section.KPIS))
def _propose_kpis(ctx: Ctx, cmd: c.ProposeKpis) -> None:
    names = [k.name.strip().lower() for k in cmd.kpis]
    if len(set(names)) != len(names):
        raise InvalidInput("duplicate_kpi")
    if cmd.kpis == ctx.t.kpis and waiting_on_approvers(ctx.t, ctx.template, Subject.KPIS):
        # the same KPIs again while they wait on the approver: the round they are in stands
        # (one approval card per approver per round)
        return
    ctx.t.kpis = list(cmd.kpis)
    ctx.t.kpis_round += 1
    _put_up(ctx, Subject.KPIS)


@rule("finalise_plan", places=section_places(Section.FINALISE))
def _finalise_plan(ctx: Ctx, cmd: c.FinalisePlan) -> None:
    if ctx.t.plan_finalised_at is not None:
        raise AlreadyDecided("already_finalised")
    if not any(i.selected for i in ctx.t.improvements):
        raise NotNow("nothing_selected")
    ctx.t.plan_round += 1
    ctx.t.plan_finalised_at = ctx.now
    _put_up(ctx, Subject.PLAN)


@rule("set_priorities", places=section_places(Section.PRIORITIES))
def _set_priorities(ctx: Ctx, cmd: c.SetPriorities) -> None:
    ids = [p.improvement_id for p in cmd.order]
    if len(set(ids)) != len(ids):
        raise InvalidInput("duplicate_improvement")
    selected = {i.id for i in ctx.t.improvements if i.selected}
    if not set(ids) <= selected:
        raise InvalidInput("improvement_not_selected")
    if cmd.order == _priorities(ctx.t) and waiting_on_approvers(
        ctx.t, ctx.template, Subject.PRIORITIES
    ):
        return  # the same priorities again: the round they wait in stands
    for improvement in ctx.t.improvements:
        improvement.priority = None
    for rank, priority in enumerate(cmd.order, start=1):
        chosen = ctx.t.improvement(priority.improvement_id)
        if chosen is None:
            raise InvalidInput("unknown_improvement", improvement=priority.improvement_id)
        chosen.priority = rank
        chosen.owner = priority.owner
        chosen.target_date = priority.target_date
    ctx.t.priorities_round += 1  # a card made for earlier priorities is stale now
    _put_up(ctx, Subject.PRIORITIES)


def ranked(t: Trajectory) -> list[Improvement]:
    """The improvements given a priority, first first."""
    return sorted(
        (i for i in t.improvements if i.priority is not None), key=lambda i: i.priority or 0
    )


def _priorities(t: Trajectory) -> list[c.Priority]:
    return [
        c.Priority(improvement_id=i.id, owner=i.owner, target_date=i.target_date) for i in ranked(t)
    ]


def _plan_implementation(ctx: Ctx) -> None:
    ctx.t.implementation = [
        ImplementationItem(
            id=f"i{n}",
            text=i.text,
            improvement_id=i.id,
            kind="improvement",
            owner=i.owner,
            target_date=i.target_date,
        )
        for n, i in enumerate(ranked(ctx.t), start=1)
    ]
    # one message an owner, naming every action they lead
    owned: dict[str, list[str]] = {}
    owners = {}
    for item in ctx.t.implementation:
        if item.owner is not None:
            owned.setdefault(item.owner.aad_object_id, []).append(item.id)
            owners[item.owner.aad_object_id] = item.owner
    for owner_id, items in owned.items():
        ctx.tell(owners[owner_id], ImplementationAssigned(items=items))
