"""The roles form: a small team's roster is a list to pick from in any client; a large team's
is Teams' people picker (a card with the whole roster in every field would not fit)."""

from __future__ import annotations

from cards.roles import PEOPLE, PICKER_FROM, roles_form
from tests.tools.card_parts import every_element
from wasstraat.model import Person
from wasstraat.samples import TEMPLATE, Run


def fields(roster: list[Person]) -> list[dict]:
    card = roles_form(Run().t, roster, template=TEMPLATE, language="nl")
    return [e for e in every_element(card) if e.get("type") == "Input.ChoiceSet"]


def team(size: int) -> list[Person]:
    return [Person(aad_object_id=f"oid-{n:03}", name=f"Collega {n:03}") for n in range(size)]


def test_a_small_team_picks_from_its_list_and_a_large_one_types_a_name():
    small = fields(team(PICKER_FROM - 1))
    large = fields(team(PICKER_FROM))
    assert small and all("choices.data" not in f for f in small)
    assert large and all(f["choices.data"] == PEOPLE for f in large)
    assert all(len(f["choices"]) == PICKER_FROM - 1 for f in small)
    # a large team's field lists who holds the role (nobody yet: one, to be valid)
    assert all(len(f["choices"]) == 1 for f in large)
