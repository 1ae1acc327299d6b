"""What a card opens on demand still works: fields shown with a button are the form's and go
with its save button; a part opened with "More…" sends its own field with its own button; and
every card has at most one primary button."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from cards.export import variants
from cards.forms import read_step_form, step_form
from tests.tools.card_parts import every_action, every_element
from wasstraat.samples import TEMPLATE, Run, to_step
from wasstraat.template import Subject

ZONE = ZoneInfo("Europe/Amsterdam")


def _inputs(element: object) -> list[str]:
    return [e["id"] for e in every_element(element) if str(e.get("type")).startswith("Input.")]


def test_an_opened_part_with_fields_has_a_button_of_its_own_and_one_primary_per_card():
    for name, card in variants():
        primaries = [a for a in every_action(card) if a.get("style") == "positive"]
        assert len(primaries) <= 1, name
        for shown in (a for a in every_action(card) if a["type"] == "Action.ShowCard"):
            if _inputs(shown["card"]):
                own = [a["type"] for a in shown["card"].get("actions", [])]
                assert "Action.Execute" in own, name


def test_the_kpis_not_yet_given_are_hidden_fields_of_the_form_and_read_with_it():
    step = TEMPLATE.approval_step(Subject.KPIS)
    assert step is not None
    run = Run()
    to_step(run, step.id)
    form = step_form(run.t, step, {"projectleider"}, template=TEMPLATE, language="nl")
    assert form is not None
    hidden = [e for e in every_element(form.body) if e.get("isVisible") is False]
    assert {"kpi2", "kpi3"} <= {e.get("id") for e in hidden}
    assert "kpi3_name" in _inputs(hidden)
    # not behind a ShowCard: the save button sends them, open or not
    assert not [a for a in every_action(form.body) if a["type"] == "Action.ShowCard"]
    [proposal] = read_step_form(
        {"kpi1_name": "Doorlooptijd", "kpi3_name": "Klanttevredenheid", "kpi3_target": "8"},
        run.t,
        step,
        {"projectleider"},
        template=TEMPLATE,
        zone=ZONE,
        language="nl",
    )
    assert [k.name for k in proposal.kpis] == ["Doorlooptijd", "Klanttevredenheid"]


def test_the_step_card_keeps_the_idea_field_with_its_own_button_behind_more():
    cards = dict(variants())
    card = cards["step_started--2--projectleider--en"]
    assert [a["title"] for a in card["actions"]] == ["Submit to the process owner", "More…"]
    more = card["actions"][-1]
    assert _inputs(more["card"]) == ["text"]
    assert "text" not in _inputs(card["body"])
    [send] = [a for a in every_action(more) if a.get("title") == "Send idea"]
    assert send["verb"] == "add_improvement"
