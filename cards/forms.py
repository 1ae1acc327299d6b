"""The form a person fills in at a step, drawn from the parts of the step's work the engine says
they may do now, and how its inputs become engine commands.

Each part (:class:`~wasstraat.template.Section`) has a builder and a reader side by side, so a
form and its parsing cannot drift apart. A card shows the parts of every role the viewer holds
at the step, once; submitting it reads only the parts the person who clicked may use now, and
the engine decides again, all or nothing. Buttons that do one thing once (support, merging the
check, putting the plan up) are parts of their own and are gone once done.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from cards.base import Element, action_set, execute, paragraph, primary, toggle
from cards.catalogue import Language, join
from cards.formats import format_datetime
from cards.formbase import (
    COMPLETE,
    OPEN_REASON,
    PAGE,
    STEP_FORM,
    SUBMIT_FORM,
    UTC_ZONE,
    Commands,
    Form,
    FormView,
    Inputs,
    Part,
    is_on,
    more,
    text_input,
    text_of,
    toggle_input,
)
from cards.parts_group import GROUP_PARTS, merge_title
from cards.parts_plan import PLAN_PARTS
from cards.submitted import approval_items
from wasstraat import commands as c
from wasstraat.kinds import as_kind
from wasstraat.kinds.approval import current_round, open_seats, seats
from wasstraat.model import (
    Decision,
    Person,
    Trajectory,
)
from wasstraat.template import (
    SUBJECTS,
    Approval,
    Section,
    Step,
    Subject,
    Template,
)

# every part of a step's work, as its module draws and reads it
PARTS: dict[Section, Part] = {**GROUP_PARTS, **PLAN_PARTS}


# -- what was put up for a decision ----------------------------------------------------------------

CHANGES = "changes"  # the container of a submitted part's inputs, opened to change them


@dataclass(frozen=True, slots=True)
class Submitted:
    """What these parts put up, while it waits on the approvers: what the card says of it, and
    the parts whose inputs fold away behind "change" (the submit button goes with them)."""

    notice: list[Element]
    parts: frozenset[Section]
    subject: Subject


def _submitted(view: FormView, parts: tuple[Section, ...]) -> Submitted | None:
    t = view.trajectory
    for subject, rules in SUBJECTS.items():
        step = view.template.approval_step(subject)
        if step is None or step.id != view.step.id or not set(parts) & set(rules.edits):
            continue
        submission = t.submissions.get(subject.value)
        waiting = open_seats(t, step, None)
        if submission is None or submission.round != current_round(t, subject) or not waiting:
            return None
        to = list({p.aad_object_id: p for _, p in seats(t, step)}.values())
        either = as_kind(step, Approval).rule == "any" and len(waiting) > 1
        said = view.t(
            f"form.submitted.{subject.value}",
            to=join([view.name(p) for p in to], view.language),
            by=view.name(submission.by),
            when=format_datetime(submission.at, view.language, view.zone),
        )
        waits = view.t(
            "form.submitted.waiting",
            people=join(
                [view.name(p) for p in waiting],
                view.language,
                style="or" if either else "standard",
            ),
        )
        items = approval_items(t, subject, view.template, view.language, view.zone)
        notice = [paragraph(said, spacing="Small")]
        for item in items[:PAGE]:
            notice += item
        notice += more(view, min(PAGE, len(items)), len(items))
        notice.append(paragraph(waits, spacing="Small"))
        return Submitted(notice, frozenset(rules.edits), subject)
    return None


def _complete(view: FormView) -> list[Element]:
    body = [toggle_input(COMPLETE, view.t("form.complete"))]
    still_open = [i for i in view.trajectory.implementation if i.status.value != "done"]
    if view.step.kind.requires_done_actions() and still_open:
        # a step that waits for its actions closes over open ones only with a reason
        label = view.t("form.open_reason", count=len(still_open))
        body.append(text_input(OPEN_REASON, label, multiline=True, max_length=500))
    return body


def _complete_read(
    inputs: Inputs, t: Trajectory, step: Step, tpl: Template, zone: ZoneInfo, language: Language
) -> Commands:
    if not is_on(inputs.get(COMPLETE)):
        return []
    return [c.CompleteStep(step=step.id, open_reason=text_of(inputs, OPEN_REASON))]


# the part a kind of step adds to the form of the roles it names, after the template's parts
# (a step finished by a role: "this step is done"); a new kind registers its own
KIND_PARTS: dict[str, Part] = {"finished_by": Part(_complete, _complete_read)}
KIND_PART = "kind"  # what a button of the kind's part says it is


def kind_part(step: Step, roles: set[str], template: Template) -> Part | None:
    """The part the step's kind adds for these roles, if they are among the roles it names."""
    part = KIND_PARTS.get(step.kind.type)
    return part if part is not None and roles & set(template.kind_roles(step)) else None


def _save_title(inputs: list[Section]) -> str:
    if inputs == [Section.KPIS]:
        return "form.kpi.submit"
    if inputs == [Section.PRIORITIES]:
        return "form.priorities.save"
    return "form.submit"


def step_form(
    trajectory: Trajectory,
    step: Step,
    roles: set[str],
    *,
    template: Template,
    language: Language,
    viewer: Person | None = None,
    zone: ZoneInfo = UTC_ZONE,
) -> Form | None:
    """The form for whoever holds ``roles`` at this step now: the inputs of their parts under one
    save button, a button for each one-time part not yet done (what it did, once done), and the
    "this step is done" toggle for who may mark it done. None when the step asks nothing of them."""
    view = FormView(trajectory, template, language, step, viewer, zone, frozenset(roles))
    body: list[Element] = []
    actions: list[Element] = []
    inputs: list[Section] = []  # the parts that put inputs on the card
    parts = _parts(trajectory, step, roles, viewer)
    submitted = _submitted(view, parts)
    folded: list[Element] = []  # the submitted parts' inputs, behind "change"
    if submitted is not None:
        body += submitted.notice
    for part in parts:
        spec = PARTS[part]
        held = submitted is not None and part in submitted.parts
        if spec.button is None:
            built = spec.build(view)
            if built and held:
                folded += built
            elif built:
                inputs.append(part)
                body += built
            continue
        done = spec.done(view) if spec.done is not None else None
        if held:
            continue  # put up: the notice says so, and by whom
        if done:
            body.append(paragraph(done, subtle=True))
        else:
            title = merge_title(view) if part is Section.MERGE_CHECK else view.t(spec.button)
            actions.append(_button(view, title, part.value))
    own = kind_part(step, roles, template)  # what the step's kind adds (its toggle or button)
    own_inputs: list[Element] = []
    if own is not None and own.button is None:
        own_inputs = own.build(view)
    elif own is not None and own.button is not None:
        done = own.done(view) if own.done is not None else None
        if done:
            body.append(paragraph(done, subtle=True))
        else:
            actions.append(_button(view, view.t(own.button), KIND_PART))
    complete = bool(own_inputs)
    save: Element | None = None
    if inputs or complete:
        save = execute(
            view.t(_save_title(inputs) if not complete else "form.submit"),
            SUBMIT_FORM,
            trajectory=trajectory.id,
            step=step.id,
            form=STEP_FORM,
        )
    elif actions:
        save, *actions = actions
    # one primary button; the one-time ones sit in the form, each on a line of its own
    body += [action_set([button]) for button in actions]
    if submitted is not None and folded:
        body += _changes(view, submitted, folded, trajectory, step)
    body += own_inputs
    actions = [primary(save)] if save is not None else []
    if not body and not actions:
        return None
    return Form(body, actions, submitted=submitted is not None)


def reading(
    trajectory: Trajectory,
    step: Step,
    roles: set[str],
    *,
    template: Template,
    language: Language,
    viewer: Person | None = None,
    zone: ZoneInfo = UTC_ZONE,
) -> list[Element]:
    """What a step is about, for one of its actors who has nothing to fill in or decide there
    (to read and react): the plan or the KPIs a step approves as they stand, or the actions of
    the implementation with their owners and dates."""
    view = FormView(trajectory, template, language, step, viewer, zone, frozenset(roles))
    subject = step.kind.decides()
    if subject is not None:
        items = approval_items(trajectory, subject, template, language, zone)
        if not items:
            return []
        body = [paragraph(view.t(f"reading.{subject.value}"), spacing="Small")]
        for item in items[:PAGE]:
            body += item
        return body + more(view, min(PAGE, len(items)), len(items))
    if any(Section.IMPLEMENTATION in held for held in step.may.values()):
        return PARTS[Section.IMPLEMENTATION].build(view)
    return []


def _parts(
    t: Trajectory, step: Step, roles: set[str], person: Person | None
) -> tuple[Section, ...]:
    """The parts of the step's work these roles have; and whoever owns an action of the
    implementation updates it at a step that keeps the implementation, whatever their role."""
    parts = step.parts_for(roles)
    keeps_actions = any(Section.IMPLEMENTATION in held for held in step.may.values())
    if Section.IMPLEMENTATION in parts or not keeps_actions or person is None:
        return parts
    if any(i.owner and i.owner.aad_object_id == person.aad_object_id for i in t.implementation):
        return (*parts, Section.IMPLEMENTATION)
    return parts


def _button(view: FormView, title: str, part: str) -> Element:
    """A part that is one button: its click says which part it is."""
    return execute(
        title,
        SUBMIT_FORM,
        trajectory=view.trajectory.id,
        step=view.step.id,
        form=STEP_FORM,
        part=part,
    )


def _changes(
    view: FormView, submitted: Submitted, folded: list[Element], t: Trajectory, step: Step
) -> list[Element]:
    """What was put up, folded away: opened with "change", with its own button to put the
    change up (the one submit button, gone until then)."""
    again = execute(
        view.t(f"form.submitted.again.{submitted.subject.value}"),
        SUBMIT_FORM,
        trajectory=t.id,
        step=step.id,
        form=STEP_FORM,
    )
    items = [
        *folded,
        paragraph(view.t(f"form.submitted.change.{submitted.subject.value}"), subtle=True),
        action_set([again]),
    ]
    return [
        action_set([toggle(view.t("form.submitted.open"), CHANGES)]),
        {"type": "Container", "id": CHANGES, "isVisible": False, "items": items},
    ]


def read_step_form(
    inputs: Inputs,
    trajectory: Trajectory,
    step: Step,
    roles: set[str],
    *,
    template: Template,
    zone: ZoneInfo,
    language: Language,
    person: Person | None = None,
) -> Commands:
    """The commands a submitted step form gives, from the parts these roles have at the step:
    one button's part alone, or every input part and the "done" toggle. Whether they may is the
    engine's to decide again."""
    parts = _parts(trajectory, step, roles, person)
    own = kind_part(step, roles, template)
    pressed = inputs.get("part")
    if isinstance(pressed, str) and pressed:
        if pressed == KIND_PART:
            chosen = own
        else:
            try:
                chosen = PARTS[Section(pressed)] if Section(pressed) in parts else None
            except ValueError:
                return []
        if chosen is None or chosen.button is None:
            return []
        return chosen.read(inputs, trajectory, step, template, zone, language)
    commands: Commands = []
    for part in parts:
        if PARTS[part].button is None:
            commands += PARTS[part].read(inputs, trajectory, step, template, zone, language)
    priorities = template.approval_step(Subject.PRIORITIES)
    if commands and priorities is not None and priorities.id == step.id:
        # the approver who sets the priorities approves them with the same click
        if roles & set(template.kind_roles(step)):
            commands.append(c.DecidePriorities(decision=Decision.APPROVE))
    if own is not None and own.button is None:
        commands += own.read(inputs, trajectory, step, template, zone, language)
    return commands
