"""The evaluation's result ("meten = weten"): per KPI its baseline, target and new measurement,
as a chart and in words.

The chart is Teams' ``Chart.VerticalBar.Grouped`` (the Agents Playground draws it too); hosts
that do not draw charts (Outlook, older clients) show its ``fallback``: the same numbers as bars
drawn with containers. Everything apart from the chart element is plain Adaptive Cards 1.5.
"""

from __future__ import annotations

from collections.abc import Sequence

from cards.base import Element, paragraph, short
from cards.catalogue import Language, text
from cards.formats import num
from wasstraat.effects import KpiResult

CHART = "Chart.VerticalBar.Grouped"
KPIS_SHOWN = 8
# the three bars of a KPI, in the order they are drawn
SERIES = ("baseline", "target", "measured")
BAR_LABEL_WIDTH = "90px"


def _unit(result: KpiResult) -> str:
    return f" {result.unit}" if result.unit else ""


def verdict(result: KpiResult, language: Language) -> str:
    """'doel gehaald' / 'doel nog niet gehaald' (on its way) / 'doel niet gehaald' / why it
    cannot be judged."""
    if result.met is None:
        return text("result.unjudged", language)
    if result.met:
        return text("result.met", language)
    on_its_way = _moved(result) == "result.right_way"
    return text("result.not_yet" if on_its_way else "result.not_met", language)


def _said(result: KpiResult, language: Language) -> Element:
    """The line in words, its verdict in bold (green when met, amber on its way, red when
    not)."""
    said = line(result, language)
    if result.measured is None:
        return paragraph(said, subtle=True, spacing="Small")
    words = verdict(result, language)
    head = said[: len(said) - len(words)] if said.endswith(words) else said
    tail: Element = {"type": "TextRun", "text": words if head != said else "", "weight": "Bolder"}
    if result.met:
        tail["color"] = "Good"
    elif result.met is False:
        tail["color"] = "Warning" if _moved(result) == "result.right_way" else "Attention"
    runs: list[Element] = [{"type": "TextRun", "text": head}]
    if tail["text"]:
        runs.append(tail)
    return {"type": "RichTextBlock", "spacing": "Small", "inlines": runs}


def line(result: KpiResult, language: Language) -> str:
    """'Doorlooptijd van 8 naar 4 werkdagen (doel 4, lager is beter): doel gehaald'."""
    if result.measured is None:
        return text(
            "result.line_not_measured",
            language,
            name=result.name,
            baseline=num(result.baseline, language),
            target=num(result.target, language),
            unit=_unit(result),
        )
    direction = (
        ""
        if result.lower_is_better is None
        else ", " + text("result.lower" if result.lower_is_better else "result.higher", language)
    )
    return text(
        "result.line",
        language,
        name=result.name,
        baseline=num(result.baseline, language),
        measured=num(result.measured, language),
        unit=_unit(result),
        target=num(result.target, language),
        direction=direction,
        progress=_progress(result, language),
        verdict=verdict(result, language),
    )


def _progress(result: KpiResult, language: Language) -> str:
    """How far from the target, and whether it moved the right way: '; nog 1 van het doel, wel
    de goede kant op' (nothing to say when the target is met or no direction can be told)."""
    lower, measured, baseline, target = (
        result.lower_is_better,
        result.measured,
        result.baseline,
        result.target,
    )
    if result.met is not False or lower is None or measured is None:
        return ""
    if baseline is None or target is None:
        return ""
    gap = num(abs(measured - target), language)
    way = _moved(result) or "result.unchanged"
    # (the unit is the KPI's own word, said in the line already: "van 10 naar 4 dagen")
    return text("result.progress", language, gap=gap, way=text(way, language))


def summary(results: Sequence[KpiResult], language: Language) -> str:
    """'1 van de 2 doelen gehaald; 1 ander ging wel de goede kant op.' (of the KPIs measured),
    and how many were not measured: a KPI that moved towards its target is not a failure."""
    measured = [r for r in results if r.measured is not None]
    said = text(
        "result.summary", language, met=sum(1 for r in measured if r.met), count=len(measured)
    )
    closer = sum(1 for r in measured if r.met is False and _moved(r) == "result.right_way")
    if closer:
        said = said.removesuffix(".") + text("result.summary_closer", language, count=closer)
    if len(measured) < len(results):
        unmeasured = len(results) - len(measured)
        said += " " + text("result.summary_unmeasured", language, count=unmeasured)
    return said


def _moved(result: KpiResult) -> str | None:
    """Which way a KPI went from its baseline, as the catalogue says it; None when it cannot
    be told (no direction, no baseline or no measurement)."""
    lower, measured, baseline = result.lower_is_better, result.measured, result.baseline
    if lower is None or measured is None or baseline is None:
        return None
    if measured == baseline:
        return "result.unchanged"
    return "result.right_way" if (measured < baseline) == lower else "result.wrong_way"


def _value(result: KpiResult, series: str) -> float | None:
    value: float | None = getattr(result, series)
    return value


def _style(result: KpiResult, series: str) -> str:
    """The fallback bar's colour: the measurement green when the target is met, red when not."""
    if series == "baseline":
        return "accent"
    if series == "target":
        return "warning"
    if result.met is None:
        return "emphasis"
    return "good" if result.met else "attention"


def _bar(result: KpiResult, series: str, top: float, language: Language) -> Element:
    """One bar of the fallback: its label, a filled part as long as the value, the number."""
    value = _value(result, series)
    share = 0 if value is None or top <= 0 else max(1, round(100 * max(value, 0) / top))
    filled: list[Element] = []
    if share:
        filled.append(
            {
                "type": "Column",
                "width": f"{share}",
                "style": _style(result, series),
                "items": [{"type": "TextBlock", "text": " ", "size": "Small"}],
            }
        )
    if share < 100:
        filled.append({"type": "Column", "width": f"{100 - share}", "items": []})
    return {
        "type": "ColumnSet",
        "spacing": "Small",
        "columns": [
            {
                "type": "Column",
                "width": BAR_LABEL_WIDTH,
                "verticalContentAlignment": "Center",
                "items": [
                    {
                        "type": "TextBlock",
                        "text": text(f"result.legend.{series}", language),
                        "size": "Small",
                        "isSubtle": True,
                    }
                ],
            },
            {
                "type": "Column",
                "width": "stretch",
                "verticalContentAlignment": "Center",
                "items": [{"type": "ColumnSet", "spacing": "None", "columns": filled}],
            },
            {
                "type": "Column",
                "width": "auto",
                "verticalContentAlignment": "Center",
                "items": [
                    {
                        "type": "TextBlock",
                        "text": num(value, language) + _unit(result),
                        "size": "Small",
                    }
                ],
            },
        ],
    }


def _fallback(results: Sequence[KpiResult], language: Language) -> Element:
    """The numbers as bars for hosts without charts: per KPI three bars on one scale."""
    items: list[Element] = []
    for result in results:
        values = [_value(result, series) for series in SERIES]
        top = max((v for v in values if v is not None), default=0.0)
        items.append(
            {
                "type": "TextBlock",
                "text": short(result.name, 80) + (f" ({result.unit})" if result.unit else ""),
                "weight": "Bolder",
                "size": "Small",
                "wrap": True,
                "spacing": "Medium",
            }
        )
        items += [_bar(result, series, top, language) for series in SERIES]
    return {"type": "Container", "spacing": "Medium", "items": items}


def _chart(results: Sequence[KpiResult], language: Language) -> Element:
    """KPIs of one unit side by side, each a group of three bars."""
    unit = results[0].unit
    return {
        "type": CHART,
        "title": text("result.chart", language) + (f" ({unit})" if unit else ""),
        "colorSet": "categorical",
        "showBarValues": True,
        "data": [
            {
                "legend": text(f"result.legend.{series}", language),
                "values": [
                    {"x": short(r.name, 40), "y": _value(r, series) or 0}
                    for r in results
                    if _value(r, series) is not None
                ],
            }
            for series in SERIES
        ],
        "spacing": "Medium",
        "fallback": _fallback(results, language),
    }


def charts(results: Sequence[KpiResult], language: Language) -> list[Element]:
    """One chart per unit (a lead time in days and a satisfaction score on one axis would
    flatten one of them), in the order the KPIs were set."""
    by_unit: dict[str, list[KpiResult]] = {}
    for result in results[:KPIS_SHOWN]:
        by_unit.setdefault(result.unit, []).append(result)
    return [_chart(group, language) for group in by_unit.values()]


def result_elements(
    results: Sequence[KpiResult], language: Language, *, with_charts: bool = True
) -> list[Element]:
    """The result in words, then as charts (the message card); the detail card, which holds
    much more, shows the words only."""
    if not results:
        return [paragraph(text("result.no_kpis", language))]
    shown = results[:KPIS_SHOWN]
    elements: list[Element] = [paragraph(summary(results, language), spacing="Small")]
    elements += [_said(result, language) for result in shown]
    if len(results) > KPIS_SHOWN:
        elements.append(
            paragraph(text("form.more", language, count=len(results) - KPIS_SHOWN), subtle=True)
        )
    if with_charts:
        elements += charts(shown, language)
    return elements
