"""The evaluation's result card: per KPI its baseline, target and measurement in words and as
Teams' grouped bar chart, with a fallback for hosts without charts; everything but the chart
element valid Adaptive Cards 1.5."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cards.messages import render_message
from tests.tools.card_schema import TEAMS_CHART, card_validator
from wasstraat import commands as c
from wasstraat.model import SYSTEM
from wasstraat.samples import PE, SP, TEMPLATE, Run, to_step

ZONE = ZoneInfo("Europe/Amsterdam")


@pytest.fixture(scope="module")
def evaluated() -> Run:
    run = Run()
    to_step(run, run.template.steps[-1].id)
    run.do(SYSTEM, c.EvaluationDue(), after=timedelta(days=200))
    run.do(PE, c.RecordEvaluation(measurements={"Doorlooptijd": 4, "Klanttevredenheid": 8.2}))
    return run


def _card(run: Run, language: str) -> dict[str, Any]:
    message = next(
        m for m in run.outcomes[-1].messages if m.kind == "evaluation_result" and m.recipient == SP
    )
    rendered = render_message(
        message.body,
        run.t,
        language=language,  # type: ignore[arg-type]
        template=TEMPLATE,
        zone=ZONE,
        viewer=SP,
        now=run.now,
    )
    assert rendered.card is not None
    return rendered.card


def _elements(value: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(value, list):
        for item in value:
            found += _elements(item)
    elif isinstance(value, dict):
        if "type" in value:
            found.append(value)
        for item in value.values():
            found += _elements(item)
    return found


def _words(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


def test_the_card_says_per_kpi_where_it_started_where_it_was_to_go_and_where_it_is(evaluated):
    nl = _words(_card(evaluated, "nl"))
    assert (
        "Doorlooptijd van 10 naar 4 dagen (doel 3, lager is beter); nog 1 van het doel af, wel "
        "de goede kant op: " in nl
    )
    assert "doel nog niet gehaald" in nl  # on its way: amber, not red
    assert "Klanttevredenheid van 6,1 naar 8,2 cijfer (doel 8, hoger is beter): " in nl
    assert "1 van de 2 doelen gehaald; 1 KPI ging wel de goede kant op." in nl
    en = _words(_card(evaluated, "en"))
    assert "Klanttevredenheid from 6.1 to 8.2 cijfer (target 8, higher is better): " in en
    assert "target not yet met" in en and "target met" in en


def test_the_chart_carries_the_three_numbers_of_each_kpi_and_a_fallback(evaluated):
    card = _card(evaluated, "nl")
    charts = [e for e in _elements(card["body"]) if e["type"] == TEAMS_CHART]
    assert len(charts) == 2  # days and a score are not drawn on one axis
    days = charts[0]
    assert [series["legend"] for series in days["data"]] == ["Nulmeting", "Doel", "Meting"]
    assert [series["values"] for series in days["data"]] == [
        [{"x": "Doorlooptijd", "y": 10}],
        [{"x": "Doorlooptijd", "y": 3}],
        [{"x": "Doorlooptijd", "y": 4}],
    ]
    for chart in charts:
        fallback = chart["fallback"]
        assert fallback["type"] == "Container"
        shown = _words(fallback)
        assert TEAMS_CHART not in shown
        assert "Nulmeting" in shown and "Doel" in shown and "Meting" in shown
    assert "10 dagen" in _words(charts[0]["fallback"])
    assert "8,2 cijfer" in _words(charts[1]["fallback"])


def test_the_card_is_1_5_apart_from_the_chart_and_its_fallback_alone_is_1_5(evaluated):
    validator = card_validator()
    card = _card(evaluated, "nl")
    assert [e.message for e in validator.iter_errors(card)] == []
    # as a host without charts shows it: every chart replaced by its fallback
    plain = copy.deepcopy(card)
    plain["body"] = [e.get("fallback", e) if e["type"] == TEAMS_CHART else e for e in plain["body"]]
    assert TEAMS_CHART not in _words(plain)
    assert [e.message for e in validator.iter_errors(plain)] == []


def test_the_schema_lets_in_the_chart_only_with_a_fallback_and_no_other_extension(evaluated):
    validator = card_validator()
    card = _card(evaluated, "nl")
    chart = next(e for e in card["body"] if e["type"] == TEAMS_CHART)
    without = copy.deepcopy(card)
    next(e for e in without["body"] if e["type"] == TEAMS_CHART).pop("fallback")
    assert list(validator.iter_errors(without))
    dropped = copy.deepcopy(card)
    next(e for e in dropped["body"] if e["type"] == TEAMS_CHART)["fallback"] = "drop"
    assert list(validator.iter_errors(dropped))
    other = copy.deepcopy(card)
    other["body"].append({**chart, "type": "Chart.Pie"})
    assert list(validator.iter_errors(other))
    typo = copy.deepcopy(card)
    next(e for e in typo["body"] if e["type"] == TEAMS_CHART)["colour"] = "red"
    assert list(validator.iter_errors(typo))


def test_a_kpi_that_missed_its_target_says_how_far_and_which_way_it_moved():
    from cards.results import line
    from wasstraat.kinds.evaluation import judge
    from wasstraat.model import Kpi

    lead_time = Kpi(name="Doorlooptijd", unit="dagen", baseline=10, target=3)
    assert "nog 9 van het doel af, de verkeerde kant op" in line(judge(lead_time, 12), "nl")
    assert "nog 7 van het doel af, niet veranderd" in line(judge(lead_time, 10), "nl")
    assert "still 2 from the target, moving the right way" in line(judge(lead_time, 5), "en")
    assert "van het doel af" not in line(judge(lead_time, 3), "nl")  # met: nothing to add
    assert line(judge(lead_time, 12), "nl").endswith(": doel niet gehaald")
    assert line(judge(lead_time, 5), "nl").endswith(": doel nog niet gehaald")


def test_the_headline_counts_what_moved_towards_its_target_beside_what_met_it():
    from cards.results import summary
    from wasstraat.kinds.evaluation import judge
    from wasstraat.model import Kpi

    lead_time = Kpi(name="Doorlooptijd", unit="dagen", baseline=10, target=3)
    score = Kpi(name="Klanttevredenheid", unit="cijfer", baseline=6.1, target=8)
    calls = Kpi(name="Telefoontjes", unit="per week", baseline=40, target=20)
    results = [judge(lead_time, 2.5), judge(score, 7.9), judge(calls, 45)]
    assert summary(results, "nl") == "1 van de 3 doelen gehaald; 1 KPI ging wel de goede kant op."
    assert summary(results[1:], "en") == "0 of 2 targets met; 1 KPI moved the right way."
    assert summary([judge(calls, 45)], "nl") == "0 van 1 doel gehaald."  # the wrong way: no comfort
