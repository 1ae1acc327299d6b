"""Assigning the roles of the project group: one field per role, several people where the
role allows it, choosing from the team's roster. A small team's roster is a list to pick from
(it works in every client); in a large team the field is Teams' people picker (``Data.Query``
on the Graph users of the conversation: type a name), its own list only who holds the role now
(a roster of 80 in fourteen fields would not fit a card). What is submitted is object ids,
comma-separated; names come from the roster.
"""

from __future__ import annotations

from collections.abc import Sequence

from cards.base import Element, card, execute, heading, paragraph, primary, row
from cards.catalogue import Language, text
from wasstraat.model import Person, Trajectory
from wasstraat.template import PROJECT_LEADER, Template

ROLES_FORM = "roles.form"
ASSIGN_ROLES = "roles.assign"
ROLE_INPUT = "role__"
# Teams' people picker: the directory's users, scoped to the conversation the card is in
PEOPLE = {"type": "Data.Query", "dataset": "graph.microsoft.com/users?scope=currentContext"}
PICKER_FROM = 25  # members from which a list is too long to scroll and a name is typed instead


def assignable_roles(template: Template) -> list[str]:
    """Roles people can be given (not the projectleider, who starts the trajectory)."""
    return [r.id for r in template.roles if r.teams_user and r.id != PROJECT_LEADER]


def roles_form(
    trajectory: Trajectory,
    roster: Sequence[Person],
    *,
    template: Template,
    language: Language,
    error: str | None = None,
) -> Element:
    choices = [{"title": p.name or p.aad_object_id, "value": p.aad_object_id} for p in roster]
    body: list[Element] = [
        heading(text("roles.title", language, product=trajectory.product)),
        paragraph(text("roles.intro", language)),
    ]
    if error:
        body.append({**paragraph(error), "color": "Attention", "weight": "Bolder"})
    fields: dict[str, Element] = {}
    for role_id in assignable_roles(template):
        role = template.role(role_id)
        current = ",".join(p.aad_object_id for p in trajectory.holders(role_id))
        field: Element = {
            "type": "Input.ChoiceSet",
            "id": f"{ROLE_INPUT}{role_id}",
            "label": role.name.get(language),
            "isMultiSelect": role.several,
            "style": "compact",
            "choices": choices,
        }
        if len(roster) >= PICKER_FROM:
            # a name is typed; the field's own list is who holds the role now (the whole
            # roster in every field would not fit Teams' 28 KB a card)
            holders = {p.aad_object_id for p in trajectory.holders(role_id)}
            field["choices"] = [c for c in choices if c["value"] in holders] or choices[:1]
            field["choices.data"] = PEOPLE
        if current:
            field["value"] = current
        fields[role_id] = field
    specialists = [r for r in fields if template.role(r).specialist]
    group = [r for r in fields if r not in specialists]
    body += _side_by_side([fields[r] for r in group], template)
    if specialists:
        # asked for at the plan's test, not to start with: open on demand; closed, their
        # fields are still the form's and keep who holds them
        body += [
            {
                "type": "ActionSet",
                "id": "specialists_open",
                "actions": [
                    {
                        "type": "Action.ToggleVisibility",
                        "title": text("roles.specialists", language),
                        "targetElements": ["specialists", "specialists_open"],
                    }
                ],
            },
            {
                "type": "Container",
                "id": "specialists",
                "isVisible": False,
                "items": _side_by_side([fields[r] for r in specialists], template),
            },
        ]
    body.append(
        {
            "type": "Input.Text",
            "id": "reason",
            "maxLength": 500,
            "label": text("roles.reason", language),
        }
    )
    return card(
        body,
        [
            primary(
                execute(
                    text("roles.save", language),
                    ASSIGN_ROLES,
                    trajectory=trajectory.id,
                    version=trajectory.version,
                )
            )
        ],
    )


def _side_by_side(fields: list[Element], template: Template) -> list[Element]:
    """Two roles a row: the one-person roles first, then the roles of several people, so that
    the fields beside each other are alike."""
    ordered = sorted(fields, key=lambda f: bool(f["isMultiSelect"]))
    return [
        row(*ordered[n : n + 2], *([[]] if n + 1 == len(ordered) else []))
        for n in range(0, len(ordered), 2)
    ]
