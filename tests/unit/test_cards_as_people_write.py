"""Cards and the dossier write dates, times and numbers as people do in their language, and show
items without the ids the bot keeps for them."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from docx import Document

from cards.export import variants
from cards.forms import step_form
from cards.messages import render_message
from cards.review_forms import review_form
from cards.status import status_card
from reports.dossier import dossier
from wasstraat import commands as c
from wasstraat.effects import CheckRequest, EvaluationRequest, SessionPlanned, read_payload
from wasstraat.model import Decision, Kpi
from wasstraat.samples import KPIS, PE, PL, TEMPLATE, Run, to_step
from wasstraat.template import Reviews, Subject

ZONE = ZoneInfo("Europe/Amsterdam")
# an id the bot keeps for an improvement ("v1") or an action ("i1"), shown before a text
ITEM_ID = re.compile(r"(?<![\w.])[vi]\d+\.\s")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# what a person reads on a card (not the ids, verbs and values a card carries for the bot)
VISIBLE = ("text", "title", "label", "placeholder", "fallbackText", "altText")


def visible_text(element: Any) -> Iterator[str]:
    if isinstance(element, dict):
        for key, value in element.items():
            if key == "data":
                continue
            if key in VISIBLE and isinstance(value, str):
                yield value
            else:
                yield from visible_text(value)
    elif isinstance(element, list):
        for item in element:
            yield from visible_text(item)


def card_text(card: dict[str, Any]) -> str:
    return "\n".join(visible_text(card))


def kpi_run() -> Run:
    """A trajectory whose KPIs (one with a decimal baseline) wait for the proceseigenaar."""
    run = Run()
    step = TEMPLATE.approval_step(Subject.KPIS)
    assert step is not None
    to_step(run, step.id)
    run.do(PL, c.ProposeKpis(kpis=KPIS))
    return run


@pytest.mark.parametrize(
    ("language", "started", "refreshed", "baseline"),
    [
        (
            "nl",
            "Gestart op ma 5 jan 2026",
            "Bijgewerkt om 16:45",
            "Klanttevredenheid: nu 6,1 cijfer, doel 8 cijfer",
        ),
        (
            "en",
            "Started on Mon, 5 Jan 2026",
            "Updated at 16:45",
            "Klanttevredenheid: now 6.1 cijfer, target 8 cijfer",
        ),
    ],
)
def test_a_card_writes_dates_and_numbers_as_its_language_does(
    language, started, refreshed, baseline
):
    run = kpi_run()
    now = datetime(2026, 3, 2, 15, 45, tzinfo=UTC)  # 16:45 in Amsterdam
    status = card_text(
        status_card([run.t], template=TEMPLATE, language=language, zone=ZONE, now=now)
    )
    assert started in status
    assert refreshed in status
    assert not ISO_DATE.search(status)
    approval = render_message(
        read_payload(
            "approval_request", {"subject": Subject.KPIS.value, "round": run.t.kpis_round}
        ),
        run.t,
        language=language,
        template=TEMPLATE,
        zone=ZONE,
    )
    assert approval.card is not None
    assert baseline in card_text(approval.card)


def test_the_evaluation_moment_and_a_session_are_told_as_a_day_and_a_time():
    run = Run()
    planned = render_message(
        read_payload("evaluation_planned", {"on": "2027-09-01"}),
        run.t,
        language="nl",
        template=TEMPLATE,
        zone=ZONE,
    )
    assert (
        planned.text == "Het evaluatiemoment van 'Parkeervergunning' is gepland op wo 1 sep 2027."
    )
    session = render_message(
        SessionPlanned(
            step="3a",
            at="2026-12-10T12:30:00+00:00",
            minutes=90,
            place="City office, room 2.14",
            by="Petra",
        ),
        run.t,
        language="en",
        template=TEMPLATE,
        zone=ZONE,
    )
    assert session.card is not None
    facts = {
        fact["title"]: fact["value"]
        for block in session.card["body"]
        if block["type"] == "FactSet"
        for fact in block["facts"]
    }
    assert facts == {
        "When": "Thu, 10 Dec 2026, 13:30",
        "Duration": "90 minutes",
        "Where": "City office, room 2.14",
        "Planned by": "Petra",
    }


def test_a_deadline_and_a_decision_show_the_day_in_dutch():
    run = kpi_run()
    run.do(PE, c.DecideKpis(decision=Decision.APPROVE))
    check = render_message(
        CheckRequest(step="3b", deadline="2026-02-13T16:00:00+00:00"),
        run.t,
        language="nl",
        template=TEMPLATE,
        zone=ZONE,
    )
    assert check.card is not None
    assert "Graag vóór vr 13 feb 2026" in card_text(check.card)
    decided = render_message(
        read_payload(
            "approval_request", {"subject": Subject.KPIS.value, "round": run.t.kpis_round}
        ),
        run.t,
        language="nl",
        template=TEMPLATE,
        zone=ZONE,
        viewer=PE,
        now=run.now,
    )
    assert decided.card is not None
    assert "Goedgekeurd door Erik op ma 5 jan 2026." in card_text(decided.card)


def test_the_dossier_writes_dates_and_numbers_in_dutch():
    run = Run()
    to_step(run, TEMPLATE.steps[-1].id)
    run.do(PL, c.AddImprovement(text="Formulier vooraf online invullen"))
    written = dossier(run.t, history=run.audit, template=TEMPLATE, language="nl", zone=ZONE)
    document = Document(io.BytesIO(written))
    lines = [p.text for p in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    everything = "\n".join(lines + cells)
    assert "Gestart op ma 5 jan 2026; projectleider: Petra" in lines
    assert "6,1" in cells and "6.1" not in cells
    assert "Evaluatiemoment: di 7 jul 2026" in lines
    assert not ISO_DATE.search(everything)
    assert not ITEM_ID.search(everything)
    # the audit trail: a day and a time on the municipality's clock
    assert re.search(r"\n\w\w \d{1,2} [a-z]{3} 2026, \d\d:\d\d\n", everything)


def test_a_target_date_in_the_dossier_is_a_day_people_read():
    run = Run()
    to_step(run, TEMPLATE.steps[-2].id)
    item = run.t.implementation[0]
    dated = item.model_copy(update={"target_date": date(2026, 12, 2)})
    t = run.t.model_copy(update={"implementation": [dated, *run.t.implementation[1:]]})
    for language, expected in (("nl", "wo 2 dec 2026"), ("en", "Wed, 2 Dec 2026")):
        document = Document(
            io.BytesIO(
                dossier(t, history=run.audit, template=TEMPLATE, language=language, zone=ZONE)
            )
        )
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        assert expected in cells


def test_a_kpi_with_a_decimal_target_reads_with_a_comma_on_the_evaluation_card():
    run = Run()
    to_step(run, TEMPLATE.steps[-1].id)
    kpi = Kpi(name="Wachttijd", unit="minuten", baseline=12.5, target=7.25)
    t = run.t.model_copy(update={"kpis": [kpi]})
    evaluation = EvaluationRequest(step=TEMPLATE.steps[-1].id)
    rendered = render_message(evaluation, t, language="nl", template=TEMPLATE, zone=ZONE)
    assert rendered.card is not None
    assert "Wachttijd: nulmeting 12,5 minuten, doel 7,25 minuten" in card_text(rendered.card)


def test_no_card_shows_the_ids_of_improvements_or_actions():
    found = {
        name: hit.group(0)
        for name, card in variants()
        if (hit := ITEM_ID.search(card_text(card))) is not None
    }
    assert found == {}


def test_the_forms_name_improvements_and_actions_by_their_text_only():
    run = Run()
    to_step(run, TEMPLATE.steps[-2].id)  # implementation: improvements chosen, actions made
    t = run.t
    assert t.improvements and t.implementation
    texts = []
    for step in TEMPLATE.steps:
        for language in ("nl", "en"):
            roles = set(step.actors) | set(step.may)
            form = step_form(t, step, roles, template=TEMPLATE, language=language)
            if form is not None:
                texts.append(card_text({"body": form.body}))
    reviews = TEMPLATE.one(Reviews)
    assert reviews is not None
    review = review_form(
        t,
        reviews,
        [("specialist_iv", [i.id for i in t.improvements])],
        template=TEMPLATE,
        language="nl",
    )
    texts.append(card_text({"body": review.body}))
    shown = "\n".join(texts)
    assert "Digitaal aanvragen" in shown
    assert not ITEM_ID.search(shown), ITEM_ID.search(shown)


DECIMAL_POINT = re.compile(r"(?<![\d.])\d+\.\d{1,2}(?![\d.])")  # "6.8"; not "12.000" or "1.2.3"


def test_no_dutch_card_shows_an_iso_date_or_a_decimal_point():
    from cards.export import variants

    dutch = {name: card_text(card) for name, card in variants() if name.endswith("--nl")}
    assert len(dutch) > 50
    iso = {name: ISO_DATE.findall(text) for name, text in dutch.items() if ISO_DATE.search(text)}
    points = {
        name: DECIMAL_POINT.findall(text)
        for name, text in dutch.items()
        if DECIMAL_POINT.search(text)
    }
    assert iso == {} and points == {}
    assert DECIMAL_POINT.search("doel 6.8 cijfer") and not DECIMAL_POINT.search("€ 12.000")
