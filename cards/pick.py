"""The PICK chart of step 6: each improvement rated on impact and effort (high or low), the
four quadrants with the improvements in them, and what each quadrant proposes for the plan
(Doen → quick win, Uitdaging → lange termijn, Niet doen → niet kiezen, Mogelijk → the project
leader decides). Drawn on the plan's part of the card and read back from it."""

from __future__ import annotations

from collections.abc import Sequence

from cards.base import Element, action_set, paragraph, row, short, toggle
from cards.catalogue import Language, text
from cards.formbase import FormView, Inputs, choice, text_of
from wasstraat import commands as c
from wasstraat.model import PROPOSED_HORIZON, Improvement, Level, Quadrant, quadrant

# the chart's layout: much impact on top, little effort on the left
GRID = ((Quadrant.IMPLEMENT, Quadrant.CHALLENGE), (Quadrant.POSSIBLE, Quadrant.KILL))
NAMES_SHOWN = 3
RATINGS = "pick_ratings"  # the container of the ratings, opened on demand


QUADRANT_OF = {
    (Level.HIGH, Level.LOW): Quadrant.IMPLEMENT,
    (Level.HIGH, Level.HIGH): Quadrant.CHALLENGE,
    (Level.LOW, Level.LOW): Quadrant.POSSIBLE,
    (Level.LOW, Level.HIGH): Quadrant.KILL,
}


def rating_part(view: FormView, improvements: Sequence[Improvement]) -> list[Element]:
    """Rating the improvements on the card, behind one button (the list stays short)."""
    if not improvements:
        return []
    return [
        action_set([toggle(view.t("pick.rate"), RATINGS)]),
        {
            "type": "Container",
            "id": RATINGS,
            "isVisible": False,
            "items": [ratings(view, i) for i in improvements],
        },
    ]


def ratings(view: FormView, improvement: Improvement) -> Element:
    """Impact and effort in one choice (the quadrant, each option saying what it means),
    labelled with the improvement."""
    options = [
        (
            f"{impact.value}-{effort.value}",
            view.t(
                "pick.option",
                quadrant=view.t(f"pick.quadrant.{where.value}"),
                means=view.t(f"pick.means.{where.value}"),
            ),
        )
        for (impact, effort), where in QUADRANT_OF.items()
    ]
    rated = (
        f"{improvement.impact.value}-{improvement.effort.value}"
        if improvement.impact and improvement.effort
        else None
    )
    return choice(f"pick_{improvement.id}", short(improvement.text, 80), options, rated)


def read_ratings(inputs: Inputs, improvement: Improvement) -> c.RateImprovement | None:
    """The ratings given on the card, if given and changed."""
    given = text_of(inputs, f"pick_{improvement.id}")
    if not given or "-" not in given:
        return None
    impact, effort = given.split("-", 1)
    if (Level(impact), Level(effort)) == (improvement.impact, improvement.effort):
        return None
    return c.RateImprovement(
        improvement_id=improvement.id, impact=Level(impact), effort=Level(effort)
    )


def line(improvement: Improvement, language: Language) -> str | None:
    """'PICK: Doen (veel effect, weinig moeite) — voorstel: quick win'."""
    where = quadrant(improvement)
    if where is None:
        return None
    horizon = PROPOSED_HORIZON[where]
    if horizon is not None:
        proposal = text("horizon." + horizon.value, language)
    else:
        proposal = text(f"pick.proposal.{where.value}", language)
    return text(
        "pick.line",
        language,
        quadrant=text(f"pick.quadrant.{where.value}", language),
        means=text(f"pick.means.{where.value}", language),
        proposal=proposal,
    )


def proposed_horizon(improvement: Improvement) -> str | None:
    """The horizon the card proposes: the one set, else the quadrant's."""
    if improvement.horizon is not None:
        return improvement.horizon.value
    where = quadrant(improvement)
    proposed = PROPOSED_HORIZON[where] if where is not None else None
    return proposed.value if proposed is not None else None


def grid(improvements: Sequence[Improvement], language: Language) -> list[Element]:
    """The four quadrants, each with how many improvements and the first few of them; nothing
    until one is rated."""
    placed: dict[Quadrant, list[Improvement]] = {q: [] for q in Quadrant}
    for improvement in improvements:
        where = quadrant(improvement)
        if where is not None:
            placed[where].append(improvement)
    if not any(placed.values()):
        return []

    def cell(where: Quadrant) -> Element:
        inside = placed[where]
        items: list[Element] = [
            {
                **paragraph(
                    text(
                        "pick.cell",
                        language,
                        quadrant=text(f"pick.quadrant.{where.value}", language),
                        count=len(inside),
                    ),
                    spacing="None",
                ),
                "weight": "Bolder",
            },
            paragraph(text(f"pick.means.{where.value}", language), subtle=True, spacing="None"),
        ]
        items += [paragraph(f"- {short(i.text, 60)}", spacing="None") for i in inside[:NAMES_SHOWN]]
        return {"type": "Container", "style": "emphasis", "items": items}

    return [
        {**paragraph(text("pick.title", language), spacing="Medium"), "weight": "Bolder"},
        *(row(cell(left), cell(right)) for left, right in GRID),
    ]
