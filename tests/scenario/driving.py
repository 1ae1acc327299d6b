"""Driving the bot as its users would: cards they were sent, buttons they click."""

from __future__ import annotations

import json
from typing import Any

from bot.app import RUNTIME
from cards.messages import render_message
from tests.conftest import ALEX, BotClient, payload
from tests.tools.card_parts import every_action, shown_actions
from wasstraat.effects import read_payload
from wasstraat.model import Person

PL = Person(aad_object_id=ALEX, name="Alex Wilber")
MEGAN = Person(aad_object_id="00000000-0000-0000-0000-0000000000021", name="Megan Bowen")
ADELE = Person(aad_object_id="00000000-0000-0000-0000-0000000000022", name="Adele Vance")
ISAIAH = Person(aad_object_id="00000000-0000-0000-0000-0000000000023", name="Isaiah Langer")
PATTI = Person(aad_object_id="00000000-0000-0000-0000-0000000000024", name="Patti Fernandez")
LYNNE = Person(aad_object_id="00000000-0000-0000-0000-0000000000025", name="Lynne Robbins")


def as_person(activity: dict[str, Any], person: Person) -> dict[str, Any]:
    activity["from"] = {
        "id": f"29:{person.aad_object_id}",
        "name": person.name,
        "aadObjectId": person.aad_object_id,
    }
    return activity


async def card_sent_to(
    bot: BotClient, person: Person, kind: str, *, message: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The card the dispatcher would send, rendered from the newest such outbox message with
    the trajectory as it is now (as a click would find it)."""
    if message is None:
        [message, *_] = [
            m
            for m in reversed(await bot.store.outbox_messages())
            if m["kind"] == kind and m["recipient"].get("aad_object_id") == person.aad_object_id
        ]
    trajectory = await bot.store.trajectory(message["payload"]["trajectory_id"])
    services = bot.http.server.app[RUNTIME].services
    rendered = render_message(
        read_payload(kind, message["payload"]),
        trajectory,
        language="en",
        template=services.template,
        zone=services.zone,
        viewer=person,
        now=services.clock(),
    )
    assert rendered.card is not None
    return rendered.card


async def step_card(bot: BotClient, person: Person, step: str) -> dict:
    """The newest step card this person was sent for this step."""
    messages = [
        m
        for m in reversed(await bot.store.outbox_messages())
        if m["kind"] == "step_started"
        and m["payload"].get("step") == step
        and m["recipient"].get("aad_object_id") == person.aad_object_id
    ]
    assert messages, f"{person.name} got no card for step {step}"
    return await card_sent_to(bot, person, "step_started", message=messages[0])


def button(card: dict[str, Any], title: str) -> dict[str, Any]:
    """The button with this title, wherever the card has it: in its action bar, in its body,
    or in a part the person opens first (the step card's "More…")."""
    return next(a for a in every_action(card) if a.get("title") == title)


def titles(card: dict[str, Any]) -> list[str]:
    """The titles of every button on the card, opened parts included."""
    return [str(a.get("title")) for a in every_action(card)]


def shown_titles(card: dict[str, Any]) -> list[str]:
    """The titles of the buttons the person sees without opening a part of the card."""
    return [str(a.get("title")) for a in shown_actions(card)]


async def click(bot: BotClient, person: Person, action: dict[str, Any], **inputs: Any):
    activity = as_person(payload("invoke_adaptiveCard_action_execute", bot.connector), person)
    activity["value"]["action"] = {
        "type": "Action.Execute",
        "verb": action["verb"],
        "data": {**action["data"], **inputs},
    }
    response = await bot.post(activity)
    assert response.status == 200
    return (await response.json())["value"]


def text_of(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)
