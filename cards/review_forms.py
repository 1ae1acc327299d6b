"""The forms with a card of their own: the specialists' reviews, the evaluation, and the
decisions about the check's remarks."""

from __future__ import annotations

from cards.base import Element, execute, paragraph, short
from cards.catalogue import Language, text
from cards.formats import in_sentence, num
from cards.formbase import (
    EVALUATION_FORM,
    REVIEW_FORM,
    REVIEWS_PER_CARD,
    SUBMIT_FORM,
    Commands,
    Form,
    Inputs,
    choice,
    list_item,
    number_input,
    number_of,
    text_input,
    text_of,
)
from wasstraat import commands as c
from wasstraat.model import (
    Trajectory,
    Verdict,
)
from wasstraat.template import (
    Section,
    Step,
    Template,
)

# -- the reviews and the evaluation (their own cards) ----------------------------------------------


def review_form(
    trajectory: Trajectory,
    step: Step,
    sections: list[tuple[str, list[str]]],
    *,
    template: Template,
    language: Language,
) -> Form:
    """A reviewer's verdict per improvement still to review, a part for each reviewing role
    (role, the improvements still to review in it): each part asks in its role's terms, and
    the role that estimates (the IT specialist) also gives cost and lead time."""
    verdicts = [
        (v, text(f"verdict.{v}", language))
        for v in ("akkoord", "akkoord_onder_voorwaarden", "niet_akkoord")
    ]
    body: list[Element] = []
    shown: set[str] = set()
    room = REVIEWS_PER_CARD  # a page at a time: what is left comes back on the card after saving
    roles: list[str] = []
    for role, pending in sections:
        page = [i for i in (trajectory.improvement(i) for i in pending[:room]) if i is not None]
        if not page:
            continue
        roles.append(role)
        room -= len(page)
        if len(sections) > 1:
            name = template.role(role).name.get(language)
            body.append(
                {
                    "type": "TextBlock",
                    "text": text("form.review.as_role", language, role=in_sentence(name)),
                    "weight": "Bolder",
                    "wrap": True,
                    "separator": True,
                    "spacing": "Large",
                }
            )
        ask = step.asks.get(role)
        if ask is not None:
            body.append(paragraph(ask.get(language)))
        with_estimates = Section.ESTIMATES in step.sections(role)
        for i in page:
            shown.add(i.id)
            body += [
                list_item(short(i.text, 1000)),
                choice(
                    review_input("verdict", i.id, role), text("form.verdict", language), verdicts
                ),
                text_input(
                    review_input("remark", i.id, role),
                    text("form.review.remark", language),
                    multiline=True,
                ),
            ]
            if with_estimates:
                body += [
                    text_input(
                        review_input("cost", i.id, role),
                        text("form.review.cost", language),
                        max_length=200,
                    ),
                    text_input(
                        review_input("lead", i.id, role),
                        text("form.review.lead_time", language),
                        max_length=200,
                    ),
                ]
    # what each verdict is about: a review of an earlier text is stale
    revisions = {i.id: i.revision for i in trajectory.improvements if i.id in shown}
    save = execute(
        text("form.submit", language),
        SUBMIT_FORM,
        trajectory=trajectory.id,
        step=step.id,
        form=REVIEW_FORM,
        roles=roles,
        revisions=revisions,
    )
    return Form(body, [save] if roles else [])


def review_input(field: str, improvement_id: str, role: str) -> str:
    """The id of a review form's input: one per field, improvement and reviewing role."""
    return f"{field}_{improvement_id}_{role}"


def read_review_form(inputs: Inputs, trajectory: Trajectory) -> Commands:
    """A review in each role the form had a part for (the engine checks the person holds it),
    each naming the text's revision the form showed (the engine refuses a verdict on an
    earlier text)."""
    roles = inputs.get("roles")
    shown = inputs.get("revisions")
    revisions = shown if isinstance(shown, dict) else {}
    parts: list[tuple[str | None, bool]] = (
        [(str(r), True) for r in roles]
        if isinstance(roles, list)
        else [(str(inputs["role"]) if inputs.get("role") else None, False)]
    )
    commands: Commands = []
    for role, per_role in parts:
        # a form drawn before reviews had a part per role names its inputs without the role
        def key(
            field: str, improvement_id: str, role: str | None = role, per: bool = per_role
        ) -> str:
            if per and role is not None:
                return review_input(field, improvement_id, role)
            return f"{field}_{improvement_id}"

        commands += [
            c.SubmitReview(
                improvement_id=i.id,
                role=role,
                verdict=Verdict(text_of(inputs, key("verdict", i.id))),
                remark=text_of(inputs, key("remark", i.id)),
                cost_estimate=text_of(inputs, key("cost", i.id)) or None,
                lead_time=text_of(inputs, key("lead", i.id)) or None,
                revision=revisions.get(i.id),
            )
            for i in trajectory.improvements
            if i.selected and text_of(inputs, key("verdict", i.id))
        ]
    return commands


def evaluation_form(trajectory: Trajectory, step: Step, *, language: Language) -> Form:
    body: list[Element] = [
        number_input(
            f"kpi_{n}",
            text(
                "form.evaluation.measure",
                language,
                name=k.name,
                baseline=num(k.baseline, language),
                target=num(k.target, language),
                unit=k.unit,
            ),
        )
        for n, k in enumerate(trajectory.kpis)
    ]
    body += [
        text_input("went_well", text("form.evaluation.went_well", language), multiline=True),
        text_input("could_be_better", text("form.evaluation.better", language), multiline=True),
    ]
    save = execute(
        text("form.submit", language),
        SUBMIT_FORM,
        trajectory=trajectory.id,
        step=step.id,
        form=EVALUATION_FORM,
    )
    return Form(body, [save])


def read_evaluation_form(inputs: Inputs, trajectory: Trajectory, language: Language) -> Commands:
    measurements = {}
    for n, kpi in enumerate(trajectory.kpis):
        value = number_of(inputs, f"kpi_{n}", language)
        if value is not None:
            measurements[kpi.name] = value
    return [
        c.RecordEvaluation(
            measurements=measurements,
            went_well=text_of(inputs, "went_well"),
            could_be_better=text_of(inputs, "could_be_better"),
        )
    ]


def read_remark_decisions(inputs: Inputs, trajectory: Trajectory) -> Commands:
    """A decision for each open remark whose outcome was chosen (the rest wait for later)."""
    check = trajectory.check
    round_ = inputs.get("round")
    commands: Commands = []
    for answer in check.open_remarks():
        writer = answer.by.aad_object_id
        outcome = text_of(inputs, f"res_{writer}")
        if outcome:
            fields = {
                "round": round_ if isinstance(round_, int) else check.round,
                "of": writer,
                "outcome": outcome,  # anything but handled or later does not fit
                "reason": text_of(inputs, f"why_{writer}"),
            }
            commands.append(c.ResolveRemark.model_validate(fields))
    return commands
