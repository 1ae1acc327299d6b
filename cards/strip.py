"""The wasstraat as a picture at a glance: the steps of a trajectory's template in order, one
small cell each, coloured and marked done, running, waiting or overdue, with a legend. The
marks are the engine's (:func:`wasstraat.progress.progress`); the steps come from the template
the trajectory follows."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from cards.base import Element
from cards.catalogue import Language, text
from cards.formats import format_datetime
from wasstraat.progress import Mark, StepMark
from wasstraat.template import Template

# a symbol, and a colour for the eye (the symbol alone says it for who cannot tell colours apart)
COLOR = {
    Mark.DONE: "Good",
    Mark.RUNNING: "Accent",
    Mark.WAITING: "Default",
    Mark.OVERDUE: "Attention",
    Mark.SKIPPED: "Default",
}
SYMBOL = {
    Mark.DONE: "✓",
    Mark.RUNNING: "▶",
    Mark.WAITING: "○",
    Mark.OVERDUE: "!",
    Mark.SKIPPED: "–",
}
CELLS = 16  # steps drawn as cells side by side; more would not fit a phone, nor 28 KB
LEGEND = (Mark.DONE, Mark.RUNNING, Mark.WAITING, Mark.OVERDUE)


def short_label(template: Template, step_id: str, language: Language) -> str:
    """What fits in a cell: the step's number, or the first letter of a step without one
    (the evaluation: 'E')."""
    if step_id[0].isdigit():
        return step_id
    return template.step(step_id).name.get(language)[:1].upper()


def legend(marks: list[StepMark], language: Language) -> Element:
    """'✓ klaar · ▶ bezig · ○ wacht · ! te laat' (and 'overgeslagen' when a step was)."""
    shown = [*LEGEND, *([Mark.SKIPPED] if any(m.mark is Mark.SKIPPED for m in marks) else [])]
    return {
        "type": "TextBlock",
        "text": " · ".join(
            f"{SYMBOL[mark]} {text(f'strip.{mark.value}', language)}" for mark in shown
        ),
        "size": "Small",
        "isSubtle": True,
        "spacing": "Small",
        "wrap": True,
    }


def strip_line(marks: list[StepMark], template: Template, language: Language) -> Element:
    """The strip as one line of text ('1✓ 2✓ 3a▶ 3b○ … E○'), steps with the same mark in one
    coloured run: small enough for a status card of twenty trajectories."""
    runs: list[Element] = []
    for m in marks:
        cell = f"{short_label(template, m.step, language)}{SYMBOL[m.mark]}"
        if runs and runs[-1]["mark"] is m.mark:
            runs[-1]["text"] += " " + cell
        else:
            runs.append({"mark": m.mark, "text": (" " if runs else "") + cell})
    inlines: list[Element | str] = [
        # what has not begun needs no colour: a plain string is the smallest inline there is
        run["text"]
        if run["mark"] is Mark.WAITING
        else {"type": "TextRun", "text": run["text"], "color": COLOR[run["mark"]]}
        for run in runs
    ]
    return {"type": "RichTextBlock", "spacing": "Small", "inlines": inlines}


def strip(marks: list[StepMark], template: Template, language: Language) -> Element:
    """One row of cells, one per step, and a legend of the marks under it; a wasstraat of more
    steps than fit a row side by side is drawn as the one line of text."""
    if len(marks) > CELLS:
        return {
            "type": "Container",
            "spacing": "Small",
            "items": [strip_line(marks, template, language), legend(marks, language)],
        }
    columns: list[Element] = [
        {
            "type": "Column",
            "width": "stretch",
            "spacing": "None",
            "items": [
                {
                    "type": "TextBlock",
                    "text": SYMBOL[m.mark],
                    "weight": "Bolder",
                    "color": COLOR[m.mark],
                    "isSubtle": m.mark in (Mark.WAITING, Mark.SKIPPED),
                    "horizontalAlignment": "Center",
                },
                {
                    "type": "TextBlock",
                    "text": short_label(template, m.step, language),
                    "size": "Small",
                    "isSubtle": True,
                    "spacing": "None",
                    "horizontalAlignment": "Center",
                },
            ],
        }
        for m in marks
    ]
    return {
        "type": "Container",
        "spacing": "Small",
        "items": [
            {"type": "ColumnSet", "columns": columns},
            legend(marks, language),
        ],
    }


def planned_on(mark: StepMark, language: Language, zone: ZoneInfo) -> str | None:
    """'gepland op di 2 jun 2027, 09:00' for a step whose moment is ahead."""
    at: datetime | None = mark.planned_at
    if at is None:
        return None
    return text("detail.planned", language, at=format_datetime(at, language, zone))
