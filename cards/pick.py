"""The PICK chart of step 6: each improvement rated on impact and effort (high or low), the
four quadrants with the improvements in them, and what each quadrant proposes for the plan
(Doen → quick win, Uitdaging → lange termijn, Niet doen → niet kiezen, Mogelijk → the project
leader decides). Drawn on the plan's part of the card and read back from it."""

from __future__ import annotations

from collections.abc import Sequence

from cards.base import Element, action_set, paragraph, short, toggle
from cards.catalogue import Language, text
from cards.formbase import FormView, Inputs, choice, text_of
from wasstraat import commands as c
from wasstraat.model import PROPOSED_HORIZON, Improvement, Level, Quadrant, quadrant

# the chart's layout: much impact on top, little effort on the left
GRID = ((Quadrant.IMPLEMENT, Quadrant.CHALLENGE), (Quadrant.POSSIBLE, Quadrant.KILL))
NAMES_SHOWN = 3
SIDE = "80px"  # the column of the effect axis's labels, the same in each row
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


def line(improvement: Improvement, language: Language, *, brief: bool = False) -> str | None:
    """'PICK: Doen (veel effect, weinig moeite) — voorstel: quick win'; ``brief`` without what
    the quadrant means (beside the chart that says it): 'PICK: Doen, voorstel: quick win'."""
    where = quadrant(improvement)
    if where is None:
        return None
    horizon = PROPOSED_HORIZON[where]
    if brief and horizon is None and where is Quadrant.POSSIBLE:  # the choice is the editor's
        return text("pick.brief_open", language, quadrant=text(f"pick.quadrant.{where}", language))
    if horizon is not None:
        proposal = text("horizon." + horizon.value, language)
    else:
        proposal = text(f"pick.proposal.{where.value}", language)
    return text(
        "pick.brief" if brief else "pick.line",
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
    """The four quadrants between their axes (effect down the side, moeite across the top),
    each with how many improvements and the first few of them; nothing until one is rated."""
    placed: dict[Quadrant, list[Improvement]] = {q: [] for q in Quadrant}
    for improvement in improvements:
        where = quadrant(improvement)
        if where is not None:
            placed[where].append(improvement)
    if not any(placed.values()):
        return []

    def axis(key: str, **extra: str) -> Element:
        return {**paragraph(text(key, language), subtle=True, spacing="None"), **extra}

    def cell(where: Quadrant) -> Element:
        inside = placed[where]
        said = text(
            "pick.cell",
            language,
            quadrant=text(f"pick.quadrant.{where.value}", language),
            count=len(inside),
        )
        items: list[Element] = [{**paragraph(said, spacing="None"), "weight": "Bolder"}]
        # a line per improvement, cut off where the cell ends (the list below has them whole)
        items += [
            {**paragraph(f"- {short(i.text, 60)}", spacing="None"), "size": "Small", "wrap": False}
            for i in inside[:NAMES_SHOWN]
        ]
        if len(inside) > NAMES_SHOWN:
            more = text("pick.more", language, count=len(inside) - NAMES_SHOWN)
            items.append({**paragraph(more, subtle=True, spacing="None"), "size": "Small"})
        return {"type": "Container", "items": items}

    def side(key: str) -> Element:
        return {
            "type": "Column",
            "width": SIDE,
            "verticalContentAlignment": "Center",
            "items": [axis(key)],
        }

    def across(key: str) -> Element:
        return {
            "type": "Column",
            "width": "stretch",
            "items": [axis(key, horizontalAlignment="Center")],
        }

    def cells(left: Quadrant, right: Quadrant) -> list[Element]:
        # the quadrants drawn as a chart's cross: a line between the columns and the rows
        return [
            {**cell(left), "type": "Column", "width": "stretch", "separator": True},
            {**cell(right), "type": "Column", "width": "stretch", "separator": True},
        ]

    upper, lower = GRID
    title = {**paragraph(text("pick.title", language), spacing="None"), "weight": "Bolder"}
    return [
        {
            "type": "ColumnSet",
            "spacing": "Medium",
            "columns": [
                {"type": "Column", "width": SIDE, "items": [title]},
                across("pick.axis.low_effort"),
                across("pick.axis.high_effort"),
            ],
        },
        {
            "type": "ColumnSet",
            "spacing": "Small",
            "columns": [side("pick.axis.high_impact"), *cells(*upper)],
        },
        {
            "type": "ColumnSet",
            "spacing": "Small",
            "separator": True,
            "columns": [side("pick.axis.low_impact"), *cells(*lower)],
        },
    ]
