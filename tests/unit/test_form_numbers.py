"""A number typed on a form is read as the person writes it, in either language; what is not one
number beyond doubt is refused before anything changes."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from cards.forms import read_step_form
from cards.review_forms import read_evaluation_form
from wasstraat import commands as c
from wasstraat.samples import KPIS, PL, TEMPLATE, Run, to_step
from wasstraat.template import Subject

ZONE = ZoneInfo("Europe/Amsterdam")


def kpi_step():
    step = TEMPLATE.approval_step(Subject.KPIS)
    assert step is not None
    run = Run()
    to_step(run, step.id)
    return run, step


def proposed(baseline: str, target: str, language) -> dict:
    run, step = kpi_step()
    [fields] = read_step_form(
        {"kpi1_name": "Wachttijd", "kpi1_baseline": baseline, "kpi1_target": target},
        run.t,
        step,
        {"projectleider"},
        template=TEMPLATE,
        zone=ZONE,
        language=language,
    )
    [kpi] = fields.kpis
    return kpi


@pytest.mark.parametrize(
    ("language", "baseline", "target", "expected"),
    [
        ("nl", "6,8", "4", (6.8, 4)),
        ("nl", "6.8", "4,25", (6.8, 4.25)),
        ("en", "6.8", "4", (6.8, 4)),
        ("en", "6,8", "4.25", (6.8, 4.25)),
        ("nl", "1.250", "900", (1250, 900)),  # a Dutch thousands separator
        ("en", "1,250", "900", (1250, 900)),
        ("nl", "1.250,5", "1.000", (1250.5, 1000)),
    ],
)
def test_a_kpi_takes_a_decimal_comma_and_a_decimal_point(language, baseline, target, expected):
    kpi = proposed(baseline, target, language)
    assert (kpi.baseline, kpi.target) == expected


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("typed", ["1.2.3", "6,8,1", "zes", "6 dagen", "1e3", "NaN"])
def test_a_kpi_that_is_not_one_number_is_refused(language, typed):
    with pytest.raises(ValueError):
        proposed(typed, "3", language)


def test_the_evaluation_reads_a_measurement_with_a_decimal_comma():
    run, _ = kpi_step()
    run.do(PL, c.ProposeKpis(kpis=KPIS))
    [fields] = read_evaluation_form({"kpi_0": "3,5", "kpi_1": "7.9"}, run.t, "nl")
    assert fields.measurements == {"Doorlooptijd": 3.5, "Klanttevredenheid": 7.9}
    with pytest.raises(ValueError):
        read_evaluation_form({"kpi_0": "3,5,1"}, run.t, "en")
