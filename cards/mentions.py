"""Teams mentions, made by the bot from a person's Entra object id (never from typed text): a
``<at>…</at>`` token in a TextBlock and its entity under the card's ``msteams`` property, as
Teams documents mentions in Adaptive Cards. The name in the token is the person's display name
with anything that is markdown or markup left out; the escaping of everything on the card
(``bot.escaping``) keeps these tokens live only in the one line made here, and nothing a user
typed (a product called "<at>…</at>" stays text)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from cards.base import Element, card, paragraph
from cards.catalogue import Language, join, text
from wasstraat.model import Person
from wasstraat.waiting import Waiting

UNSPOKEN = re.compile(r"[^\w .'-]")  # what a mention's name keeps: letters, digits, a few marks
MENTIONS = "msteams"
LINE = "mentions"  # the id of the one TextBlock whose mention tokens are live (made here)


def token(person: Person) -> str:
    """'<at>Megan Bowen</at>'."""
    name = " ".join(UNSPOKEN.sub("", person.name).split()) or "?"
    return f"<at>{name}</at>"


def entity(person: Person) -> Element:
    """The mention entity of ``token(person)``: Teams notifies the person it names by their
    object id."""
    return {
        "type": "mention",
        "text": token(person),
        "mentioned": {"id": person.aad_object_id, "name": person.name},
    }


def tokens_of(element: object) -> frozenset[str]:
    """The mention tokens a card declares (what the escaping keeps live)."""
    if not isinstance(element, dict):
        return frozenset()
    teams = element.get(MENTIONS)
    entities = teams.get("entities") if isinstance(teams, dict) else None
    return frozenset(
        e["text"]
        for e in entities or []
        if isinstance(e, dict) and e.get("type") == "mention" and isinstance(e.get("text"), str)
    )


def news_card(said: str, waiting: Sequence[Waiting], language: Language) -> Element:
    """A channel's news line with the people it now waits on mentioned, each once, with all
    they are waited on for: "Wacht op: @Megan Bowen (akkoord), @Adele Vance (controle)"."""
    people: dict[str, tuple[Person, list[str]]] = {}
    for w in waiting:
        what = text(f"waiting.{w.what}", language)
        _, whats = people.setdefault(w.person.aad_object_id, (w.person, []))
        if what not in whats:
            whats.append(what)
    named = [f"{token(p)} ({', '.join(whats)})" for p, whats in people.values()]
    body = [paragraph(said)]
    if named:
        line = paragraph(text("news.waits_on", language, people=join(named, language)))
        body.append({**line, "id": LINE, "spacing": "Small"})
    built = card(body)
    built[MENTIONS] = {"entities": [entity(p) for p, _ in people.values()]}
    return built
