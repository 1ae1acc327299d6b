"""The work people do inside steps: each command belongs to a part of a step's work
(:class:`~wasstraat.template.Section`) and may be given by whoever the template gives that part
at a running step."""

from __future__ import annotations

from datetime import datetime

from wasstraat import commands as c
from wasstraat import findings, limits
from wasstraat.context import (
    AlreadyDecided,
    Ctx,
    InvalidInput,
    NotAllowed,
    NotNow,
    rule,
    section_places,
)
from wasstraat.effects import (
    CalendarEvent,
    ImplementationAssigned,
    SessionPlanned,
    SupportConfirmed,
)
from wasstraat.kinds.evaluation import not_too_far
from wasstraat.model import (
    ImplementationItem,
    Improvement,
    Klantreis,
    Origin,
    PAssessment,
    Person,
    PlannedSession,
    Session,
    Trajectory,
)
from wasstraat.template import Section, Step, Subject, Template


def _running_step(ctx: Ctx, step_id: str, section: Section) -> Step:
    """The step a command names, which must run and have this part of the work."""
    try:
        step = ctx.template.step(step_id)
    except KeyError:
        raise NotNow("step_not_active", step=step_id) from None
    if not ctx.active(step) or not any(section in parts for parts in step.may.values()):
        raise NotNow("step_not_active", step=step_id)
    return step


# -- support and kick-off --------------------------------------------------------------------------


@rule("confirm_support", places=section_places(Section.SUPPORT))
def _confirm_support(ctx: Ctx, cmd: c.ConfirmSupport) -> None:
    if any(p.aad_object_id == ctx.actor.aad_object_id for p in ctx.t.support_confirmed_by):
        raise AlreadyDecided("already_confirmed")
    ctx.t.support_confirmed_by.append(ctx.actor)
    ctx.tell_leader(SupportConfirmed(by=ctx.actor.name))


@rule("record_kickoff", places=section_places(Section.KICKOFF))
def _record_kickoff(ctx: Ctx, cmd: c.RecordKickoff) -> None:
    ctx.t.kickoff_on = cmd.held_on


# -- sessions and the process description ----------------------------------------------------------


@rule("record_session", places=section_places(Section.SESSION))
def _record_session(ctx: Ctx, cmd: c.RecordSession) -> None:
    step = _running_step(ctx, cmd.step, Section.SESSION)
    ctx.t.sessions.append(Session(step=step.id, held_on=cmd.held_on, notes=cmd.notes))


@rule("plan_session", places=section_places(Section.SESSION))
def _plan_session(ctx: Ctx, cmd: c.PlanSession) -> None:
    step = _running_step(ctx, cmd.step, Section.SESSION)
    if cmd.at <= ctx.now:
        raise InvalidInput("date_in_past")
    not_too_far(ctx, cmd.at)
    if len(ctx.t.planned_sessions) >= limits.SESSIONS_PER_TRAJECTORY:
        raise InvalidInput("too_many_items", limit=limits.SESSIONS_PER_TRAJECTORY)
    attendees: dict[str, Person] = {ctx.actor.aad_object_id: ctx.actor}
    for role in step.actors:
        for person in ctx.t.holders(role):
            attendees.setdefault(person.aad_object_id, person)
    number = len(ctx.t.planned_sessions) + 1
    ctx.t.planned_sessions.append(
        PlannedSession(
            number=number,
            step=step.id,
            at=cmd.at,
            minutes=cmd.minutes,
            organizer=ctx.actor,
            attendees=list(attendees.values()),
            place=cmd.place.strip(),
        )
    )
    planned = SessionPlanned(
        step=step.id,
        at=cmd.at.isoformat(),
        minutes=cmd.minutes,
        place=cmd.place.strip() or None,
        by=ctx.actor.name,
    )
    for person in attendees.values():
        ctx.tell(person, planned)
    invite(
        ctx,
        ctx.actor,
        step.id,
        str(number),
        cmd.at,
        cmd.minutes,
        list(attendees.values()),
        place=cmd.place.strip(),
    )


def invite(
    ctx: Ctx,
    organizer: Person,
    step: str,
    session: str,
    at: datetime,
    minutes: int,
    attendees: list[Person],
    *,
    place: str = "",
) -> None:
    """A calendar invitation from the organizer (sent only when the deployment has the
    calendar on); ``session`` names it, so planning it again gives the same event."""
    ctx.tell(
        organizer,
        CalendarEvent(
            step=step,
            session=session,
            at=at.isoformat(),
            minutes=minutes,
            attendees=[p.aad_object_id for p in attendees],
            place=place or None,
        ),
    )


@rule("set_process_map", places=section_places(Section.PROCESS_MAP))
def _set_process_map(ctx: Ctx, cmd: c.SetProcessMap) -> None:
    link = cmd.link.strip()
    if not link.lower().startswith("https://"):
        raise InvalidInput("link_not_https")
    if link not in ctx.t.process_maps:
        if len(ctx.t.process_maps) >= limits.PROCESS_MAPS_PER_TRAJECTORY:
            raise InvalidInput("too_many_items", limit=limits.PROCESS_MAPS_PER_TRAJECTORY)
        ctx.t.process_maps.append(link)


# -- klantreis and serviceformule ------------------------------------------------------------------


@rule("record_klantreis", places=section_places(Section.KLANTREIS))
def _record_klantreis(ctx: Ctx, cmd: c.RecordKlantreis) -> None:
    if cmd.method.value == "vng_klantreis" and not cmd.link:
        raise InvalidInput("link_required")
    if cmd.link and not cmd.link.lower().startswith("https://"):
        raise InvalidInput("link_not_https")
    if sum(len(p) + 1 for p in cmd.pain_points) > limits.PAIN_POINTS_CHARACTERS:
        raise InvalidInput("too_long", max=limits.PAIN_POINTS_CHARACTERS)
    if cmd.contact_moments and not ctx.template.contact_moments:
        raise InvalidInput("contact_moments_off")
    for moment in cmd.contact_moments:
        if not moment.channel:
            raise InvalidInput("channel_missing")
        if ctx.template.channel(moment.channel) is None:
            raise InvalidInput("unknown_channel")
    ctx.t.klantreis = Klantreis(
        method=cmd.method,
        link=cmd.link,
        findings=cmd.findings,
        contact_moments=list(cmd.contact_moments),
        pain_points=list(cmd.pain_points),
        recorded_at=ctx.now,
        by=ctx.actor,
    )
    findings.keep(ctx, Origin.KLANTREIS, "klantreis:", findings.of_klantreis(ctx.t.klantreis))


@rule("choose_serviceformule", places=section_places(Section.SERVICEFORMULE))
def _choose_formule(ctx: Ctx, cmd: c.ChooseServiceformule) -> None:
    if cmd.formule not in {f.id for f in ctx.template.serviceformules}:
        raise InvalidInput("unknown_serviceformule")
    ctx.t.serviceformule = cmd.formule


@rule("assess_p", places=section_places(Section.ASSESS_P))
def _assess_p(ctx: Ctx, cmd: c.AssessP) -> None:
    if cmd.p not in {p.id for p in ctx.template.ps}:
        raise InvalidInput("unknown_p")
    if not cmd.matches and not cmd.note.strip():
        raise InvalidInput("remark_required")
    ctx.t.assessment[cmd.p] = PAssessment(
        matches=cmd.matches, note=cmd.note, by=ctx.actor, at=ctx.now
    )
    ref = f"p:{cmd.p}:"  # a P that does not match is a candidate, with its note
    found = {} if cmd.matches else {ref: findings.Finding(cmd.note, p=cmd.p)}
    findings.keep(ctx, Origin.P, ref, found)


# -- improvements and the plan ---------------------------------------------------------------------


@rule("add_improvement", member=True)
def _add_improvement(ctx: Ctx, cmd: c.AddImprovement) -> None:
    if cmd.p is not None and cmd.p not in {p.id for p in ctx.template.ps}:
        raise InvalidInput("unknown_p")
    if len(ctx.t.improvements) >= limits.IMPROVEMENTS_PER_TRAJECTORY:
        raise InvalidInput("too_many_items", limit=limits.IMPROVEMENTS_PER_TRAJECTORY)
    recent = [
        i
        for i in ctx.t.improvements
        if i.by.aad_object_id == ctx.actor.aad_object_id and ctx.now - i.at < limits.MINUTE
    ]
    if len(recent) >= limits.IDEAS_PER_PERSON_PER_MINUTE:
        raise InvalidInput("too_many_ideas", limit=limits.IDEAS_PER_PERSON_PER_MINUTE)
    source = findings.source_step(ctx)
    if cmd.step is not None and cmd.step in ctx.t.steps:
        source = cmd.step  # the card it came from, finished or not
    improvement = Improvement(
        id=findings.next_improvement_id(ctx.t),
        text=cmd.text.strip(),
        source_step=source,
        by=ctx.actor,
        at=ctx.now,
        p=cmd.p,
    )
    ctx.t.improvements.append(improvement)
    ctx.record("add_improvement", improvement=improvement.id, step=improvement.source_step)


def _improvement(ctx: Ctx, improvement_id: str) -> Improvement:
    found = ctx.t.improvement(improvement_id)
    if found is None:
        raise InvalidInput("unknown_improvement", improvement=improvement_id)
    return found


def _plan_changed(ctx: Ctx) -> None:
    """Changing a plan that is up for approval withdraws it ("Bijstellen")."""
    step = ctx.template.approval_step(Subject.PLAN)
    if step is not None and ctx.active(step) and ctx.t.plan_finalised_at is not None:
        ctx.t.plan_finalised_at = None


@rule("classify_improvement", places=section_places(Section.PLAN))
def _classify(ctx: Ctx, cmd: c.ClassifyImprovement) -> None:
    _plan_changed(ctx)
    improvement = _improvement(ctx, cmd.improvement_id)
    if cmd.p is not None and cmd.p not in {p.id for p in ctx.template.ps}:
        raise InvalidInput("unknown_p")
    improvement.horizon = cmd.horizon
    if cmd.p is not None:
        improvement.p = cmd.p


@rule("rate_improvement", places=section_places(Section.PLAN))
def _rate(ctx: Ctx, cmd: c.RateImprovement) -> None:
    _plan_changed(ctx)
    improvement = _improvement(ctx, cmd.improvement_id)
    improvement.impact = cmd.impact
    improvement.effort = cmd.effort


@rule("select_improvement", places=section_places(Section.PLAN))
def _select(ctx: Ctx, cmd: c.SelectImprovement) -> None:
    _plan_changed(ctx)
    _improvement(ctx, cmd.improvement_id).selected = cmd.selected


@rule("revise_improvement", places=section_places(Section.PLAN))
def _revise(ctx: Ctx, cmd: c.ReviseImprovement) -> None:
    _plan_changed(ctx)
    improvement = _improvement(ctx, cmd.improvement_id)
    improvement.text = cmd.text.strip()
    improvement.revision += 1


@rule("split_improvement", places=section_places(Section.PLAN))
def _split(ctx: Ctx, cmd: c.SplitImprovement) -> None:
    original = _improvement(ctx, cmd.improvement_id)
    if len(ctx.t.improvements) >= limits.IMPROVEMENTS_PER_TRAJECTORY:
        raise InvalidInput("too_many_items", limit=limits.IMPROVEMENTS_PER_TRAJECTORY)
    _plan_changed(ctx)
    part = Improvement(
        id=findings.next_improvement_id(ctx.t),
        text=cmd.text.strip(),
        source_step=original.source_step,
        by=ctx.actor,
        at=ctx.now,
        p=original.p,
        horizon=original.horizon,
        selected=True,
    )
    ctx.t.improvements.append(part)
    ctx.record("split_improvement", improvement=original.id, part=part.id)


# -- implementation --------------------------------------------------------------------------------


@rule("add_implementation_item", places=section_places(Section.IMPLEMENTATION))
def _add_item(ctx: Ctx, cmd: c.AddImplementationItem) -> None:
    if len(ctx.t.implementation) >= limits.IMPLEMENTATION_ITEMS_PER_TRAJECTORY:
        raise InvalidInput("too_many_items", limit=limits.IMPLEMENTATION_ITEMS_PER_TRAJECTORY)
    item = ImplementationItem(
        id=f"i{len(ctx.t.implementation) + 1}",
        text=cmd.text.strip(),
        kind=cmd.item_kind,
        owner=cmd.owner,
        target_date=cmd.target_date,
    )
    ctx.t.implementation.append(item)
    if item.owner is not None:
        ctx.tell(item.owner, ImplementationAssigned(items=[item.id]))


def _implementation_places(
    template: Template, command: c.Base | None
) -> list[tuple[Step, frozenset[str]]]:
    """Any member may update an action they own, while a step with implementation runs."""
    return [
        (step, frozenset(r.id for r in template.roles))
        for step, _roles in section_places(Section.IMPLEMENTATION)(template, command)
    ]


def implementers(t: Trajectory, template: Template) -> set[str]:
    """The roles that keep the implementation at the running steps."""
    return {
        role
        for step_id in t.active_steps(template)
        for role in template.step(step_id).may
        if Section.IMPLEMENTATION in template.step(step_id).sections(role)
    }


@rule("update_implementation_item", places=_implementation_places, member=True)
def _update_item(ctx: Ctx, cmd: c.UpdateImplementationItem) -> None:
    item = next((i for i in ctx.t.implementation if i.id == cmd.item_id), None)
    if item is None:
        raise InvalidInput("unknown_item", item=cmd.item_id)
    # an action with an owner is theirs to update; one without, any implementer's
    if item.owner is not None:
        if item.owner.aad_object_id != ctx.actor.aad_object_id:
            raise NotAllowed("not_allowed", kind=cmd.kind)
    elif not ctx.holds_any(implementers(ctx.t, ctx.template)):
        raise NotAllowed("not_allowed", kind=cmd.kind)
    item.status = cmd.status
    item.updated_at = ctx.now
