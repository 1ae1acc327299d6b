"""What is up for a decision, as its approvers read it on their card and its editors on theirs:
the KPIs with baseline, target and how they are measured; the priorities with owner and date;
the plan's improvements with their horizon and the specialists' verdicts and estimates."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from cards.base import Element, paragraph, short
from cards.catalogue import Language, text
from cards.evidence import review_lines
from cards.formats import format_date, num
from cards.pick import line as pick_line
from wasstraat.kinds.approval import ranked
from wasstraat.model import Improvement, Trajectory
from wasstraat.template import Subject, Template


def approval_items(
    t: Trajectory, subject: str, template: Template, language: Language, zone: ZoneInfo
) -> list[list[Element]]:
    """What is to be approved, one block of lines per item, with what the decision needs:
    KPIs with their baseline, target and how they are measured; priorities with owner and date;
    the plan's improvements with their horizon and the specialists' verdicts and estimates."""
    if subject == Subject.KPIS:
        return [
            [
                paragraph(
                    text(
                        "approval.kpi_line",
                        language,
                        name=k.name,
                        baseline=num(k.baseline, language),
                        unit=k.unit,
                        target=num(k.target, language),
                        how=short(k.how_measured) or "-",
                    ),
                    spacing="Small",
                )
            ]
            for k in t.kpis
        ]
    if subject == Subject.PRIORITIES:
        return [
            [
                paragraph(
                    text(
                        "approval.priority_line",
                        language,
                        rank=i.priority,
                        text=short(i.text),
                        owner=i.owner.name if i.owner else "–",
                        date=format_date(i.target_date, language, zone) if i.target_date else "–",
                    ),
                    spacing="Small",
                )
            ]
            for i in ranked(t)
        ] + [
            [
                paragraph(
                    text(
                        "approval.action_line",
                        language,
                        kind=text(f"item.kind.{a.kind}", language),
                        text=short(a.text),
                        owner=a.owner.name if a.owner else "–",
                        date=format_date(a.target_date, language, zone) if a.target_date else "–",
                    ),
                    spacing="Small",
                )
            ]
            for a in t.implementation
            if a.kind != "improvement"
        ]
    return [_plan_item(i, template, language) for i in t.improvements if i.selected]


def _plan_item(improvement: Improvement, template: Template, language: Language) -> list[Element]:
    """One improvement of the plan as its approvers need it: the text and horizon, then each
    specialist's verdict with its conditions and estimates, and whether it changed since."""
    horizon = text(f"horizon.{improvement.horizon.value}", language) if improvement.horizon else ""
    lines: list[Element] = [
        {
            "type": "TextBlock",
            "text": short(improvement.text),
            "wrap": True,
            "weight": "Bolder",
            "spacing": "Medium",
        }
    ]
    if horizon:
        lines.append(paragraph(horizon, subtle=True, spacing="None"))
    placed = pick_line(improvement, language)
    if placed:
        lines.append(paragraph(placed, subtle=True, spacing="None"))
    said = review_lines(improvement, template, language)
    lines += [paragraph(line, spacing="Small") for line in said]
    if not said:
        lines.append(
            paragraph(text("approval.not_reviewed", language), subtle=True, spacing="Small")
        )
    return lines
