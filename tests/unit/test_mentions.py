"""Mentions made by the bot from object ids: the shape Teams documents, valid against the
official schema with exactly Teams' extension, live only where the bot put them."""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.escaping import escape_card
from cards.mentions import news_card, token
from tests.tools.card_schema import card_validator, mentions_used
from wasstraat.model import Person
from wasstraat.waiting import Waiting

ZONE = ZoneInfo("Europe/Amsterdam")
DOCUMENTED = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "teams" / "adaptive_card_mention.json").read_text()
)
MEGAN = Person(aad_object_id="00000000-0000-0000-0000-0000000000021", name="Megan Bowen")
ADELE = Person(aad_object_id="00000000-0000-0000-0000-0000000000022", name="Adele *Vance*")


def shape(value: object) -> object:
    """The keys and value types of a payload, not its values."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def waits(*pairs: tuple[Person, str]) -> list[Waiting]:
    return [Waiting(person=p, step="2", what=what) for p, what in pairs]


def test_the_news_card_mentions_as_teams_documents_and_passes_the_schema():
    card = escape_card(
        news_card("'Parkeervergunning': Stap 2 is begonnen.", waits((MEGAN, "approve")), "nl")
    )
    assert list(card_validator().iter_errors(card)) == []
    documented = {k: v for k, v in DOCUMENTED.items() if not k.startswith("_")}
    assert list(card_validator().iter_errors(documented)) == []  # the validator knows Teams'
    assert shape(card["msteams"]) == shape(DOCUMENTED["msteams"])
    assert mentions_used(card)
    [mention] = card["msteams"]["entities"]
    assert mention["mentioned"]["id"] == MEGAN.aad_object_id  # the object id, not the name
    assert "Wacht op: <at>Megan Bowen</at> (akkoord)." in json.dumps(card, ensure_ascii=False)


def test_each_person_is_mentioned_once_with_all_they_are_waited_on_for():
    card = news_card("…", waits((MEGAN, "approve"), (ADELE, "check"), (MEGAN, "complete")), "en")
    line = card["body"][1]["text"]
    assert line == (
        "Waiting on: <at>Megan Bowen</at> (approval, to finish) and <at>Adele Vance</at> (check)."
    )
    assert [e["mentioned"]["id"] for e in card["msteams"]["entities"]] == [
        MEGAN.aad_object_id,
        ADELE.aad_object_id,
    ]


def test_only_the_bots_own_mention_line_is_live_and_typed_text_stays_text():
    typed = f"'{token(MEGAN)}': Stap 2 is begonnen."  # a product named like a mention
    card = escape_card(news_card(typed, waits((MEGAN, "approve")), "nl"))
    first, line = card["body"][0]["text"], card["body"][1]["text"]
    assert "<at>" not in first and r"\<at\>" in first
    assert "<at>Megan Bowen</at>" in line
    # a display name with markup is mentioned by its plain words
    assert token(ADELE) == "<at>Adele Vance</at>"
    assert token(Person(aad_object_id="x", name="<at>Eve</at>")) == "<at>atEveat</at>"


def test_a_card_without_mentions_is_escaped_as_before():
    plain = {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [{"type": "TextBlock", "text": "<at>Megan Bowen</at>"}],
    }
    assert escape_card(plain)["body"][0]["text"] == r"\<at\>Megan Bowen\</at\>"


def test_the_channel_card_refreshes_as_teams_documents_user_specific_views():
    from cards.detail import REFRESH_LIMIT, detail_card, with_refresh
    from wasstraat.samples import TEMPLATE, Run

    documented = json.loads(
        (
            Path(__file__).parents[1] / "fixtures" / "teams" / "adaptive_card_refresh.json"
        ).read_text()
    )
    documented = {k: v for k, v in documented.items() if not k.startswith("_")}
    assert list(card_validator().iter_errors(documented)) == []
    run = Run()
    shared = detail_card(run.t, template=TEMPLATE, language="nl", zone=ZONE, now=run.now)
    many = [f"29:member-{n}" for n in range(80)]
    card = with_refresh(shared, run.t, many)
    assert list(card_validator().iter_errors(card)) == []
    ours, theirs = card["refresh"], documented["refresh"]
    assert set(ours) == set(theirs) and set(ours["action"]) == set(theirs["action"])
    assert isinstance(ours["action"]["data"], dict) and shape(ours["userIds"]) == ["str"]
    assert card["refresh"]["action"]["type"] == "Action.Execute"
    assert len(card["refresh"]["userIds"]) == REFRESH_LIMIT == 60  # Teams' limit
    assert with_refresh(shared, run.t, []) == shared  # nobody to refresh for: the shared card
