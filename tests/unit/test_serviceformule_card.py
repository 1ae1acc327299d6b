"""The step-5 card names the chosen serviceformule and, per P, what it promises (from the
wasstraat's own plates); a promise for a P the wasstraat does not have is refused at load."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import pytest

from cards.messages import render_message
from wasstraat import commands as c
from wasstraat.effects import StepStarted
from wasstraat.samples import PA, TEMPLATE, Run, to_step
from wasstraat.template import Template, TemplateError

ZONE = ZoneInfo("Europe/Amsterdam")


def _with_promises(promises: dict) -> Template:
    raw = json.loads(TEMPLATE.model_dump_json())
    raw["serviceformules"][0]["promises"] = promises
    return Template.model_validate(raw)


def test_the_card_names_the_chosen_formule_and_its_promise_per_p():
    prijs = {"nl": "U betaalt online, meteen bij de aanvraag", "en": "You pay online"}
    template = _with_promises({"prijs": prijs})
    run = Run(template=template)
    to_step(run, "5")
    run.do(PA, c.ChooseServiceformule(formule=template.serviceformules[0].id))
    card = render_message(
        StepStarted(step="5"),
        run.t,
        language="nl",
        template=template,
        zone=ZONE,
        viewer=PA,
        now=run.now,
    ).card
    words = json.dumps(card, ensure_ascii=False)
    name = template.serviceformules[0].name.nl
    assert f"Past het huidige proces bij de {name}?" in words
    assert "Prijs — belofte: U betaalt online, meteen bij de aanvraag" in words


def test_a_promise_for_an_unknown_p_is_refused_naming_the_field():
    with pytest.raises((TemplateError, ValueError), match=r"serviceformules\[0\]\.promises"):
        _with_promises({"porto": {"nl": "x", "en": "x"}})
