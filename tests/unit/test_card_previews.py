"""The card previews in docs/cards that show the decisions' evidence and the results: each is
among the rendered screenshots, and each card shows what its reader needs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cards.export import variants
from tests.tools.card_parts import every_action, every_element
from tests.tools.card_schema import TEAMS_CHART
from tests.tools.render_cards import MAIN_CARDS

ROOT = Path(__file__).resolve().parents[2]
CARDS = dict(variants())


def texts(card: Any) -> str:
    return "\n".join(
        str(e.get("text") or e.get("value") or "")
        for e in every_element(card)
        if e.get("type") in ("TextBlock", "Input.Text")
    ) + "\n".join(
        f"{f['title']}: {f['value']}" for e in every_element(card) for f in e.get("facts", [])
    )


def titles(card: Any) -> list[str]:
    return [str(a.get("title")) for a in every_action(card)]


def plan_approval(card: Any) -> None:
    shown = texts(card)
    assert "Privacy officer (Pim): Akkoord onder voorwaarden" in shown
    assert "Akkoord mits er een DPIA komt" in shown
    assert "kosten: € 12.000, doorlooptijd: 3 maanden" in shown
    assert "Quick win" in shown
    assert {"Goedkeuren", "Afwijzen"} <= set(titles(card))


def plan_for_the_leader(card: Any) -> None:
    shown = texts(card)
    assert "Akkoord mits er een DPIA komt" in shown
    ids = {e.get("id") for e in every_element(card)}
    assert {"rev_v1", "split_v1", "sel_v1"} <= ids  # reword, split off, drop
    assert "Plan definitief maken en voorleggen" in titles(card)


def check_summary(card: Any) -> None:
    assert "Vera (klopt niet): De stap 'vingerafdrukken' ontbreekt" in texts(card)
    assert any(title.startswith("Terug naar 3a") for title in titles(card))
    assert "Besluit vastleggen" in titles(card)  # handled or kept for the plan, with why
    assert any(str(e.get("id", "")).startswith("res_") for e in every_element(card))


def plan_candidates(card: Any) -> None:
    shown = texts(card)
    for source in (
        "Uit de controle van de procesbeschrijving (Vera)",
        "Uit de klantreis (Koen)",
        "Idee van Victor",
        "P Prijs past niet bij de serviceformule",
    ):
        assert source in shown


def own_actions(card: Any) -> None:
    inputs = [e for e in every_element(card) if str(e.get("id", "")).startswith("item_")]
    assert inputs  # her own action to update, said to be hers, with its date asked
    assert "jou · Nog te doen" in texts(card) and "Graag vóór" in texts(card)


def evaluation_result(card: Any) -> None:
    charts = [e for e in every_element(card) if e.get("type") == TEAMS_CHART]
    assert charts and all(chart.get("fallback") not in (None, "drop") for chart in charts)
    said = json.dumps(card, ensure_ascii=False)
    assert "doel" in said.lower()
    # per KPI how far from its target and which way it moved; the lessons; who decides next
    assert "nog 1 van het doel af, wel de goede kant op" in said
    assert "Wat ging goed: Digitaal aanvragen scheelt de balie veel werk." in said
    assert "Wat kan beter: Medewerkers eerder betrekken bij de training." in said
    assert "Of er een volgende cyclus komt, beslissen Petra en Erik." in said
    assert "1 van de 2 doelen gehaald; 1 KPI ging wel de goede kant op." in said


def staff_at_step_8(card: Any) -> None:
    said = json.dumps(card, ensure_ascii=False)
    assert "Het verbeterplan zoals het nu is:" in said and "Digitaal aanvragen" in said
    assert "1 van 2 beoordelingen akkoord" in said
    assert "Goedkeuren" not in said and "Opslaan" not in said


def sponsor_at_the_evaluation(card: Any) -> None:
    said = json.dumps(card, ensure_ascii=False)
    assert "Erik en Petra leggen de nieuwe metingen en de lessen vast" in said
    assert "Doorlooptijd: nulmeting 10 dagen, doel 3 dagen" in said
    assert "Input." not in said


def status_strip(card: Any) -> None:
    shown = texts(card)
    assert "✓" in shown  # the steps at a glance, done ones marked


def digest(card: Any) -> None:
    shown = texts(card)
    assert "Parkeervergunning" in shown and "Afvalpas" in shown


PREVIEWS = {
    "approval_request--plan--proceseigenaar--nl": plan_approval,
    "step_started--8--projectleider--nl": plan_for_the_leader,
    "check_summary-----procesadviseur--nl": check_summary,
    "step_started--6--projectleider--nl": plan_candidates,
    "step_started--10--teammanager--nl": own_actions,
    "evaluation_result--evaluatie--person--nl": evaluation_result,
    "step_started--8--vakinhoudelijk_medewerker--nl": staff_at_step_8,
    "evaluation_request--evaluatie--sponsor--nl": sponsor_at_the_evaluation,
    "status--at-a-glance--all--nl": status_strip,
    "digest--two-trajectories--person--nl": digest,
}


@pytest.mark.parametrize("name", sorted(PREVIEWS))
def test_the_preview_is_rendered_and_shows_its_evidence(name: str) -> None:
    assert name in MAIN_CARDS
    assert (ROOT / "docs" / "cards" / f"{name}.png").exists()
    PREVIEWS[name](CARDS[name])
