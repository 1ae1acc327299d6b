"""Small typed factories for Adaptive Card 1.5 elements shared by every card."""

from __future__ import annotations

from typing import Any

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.5"

Element = dict[str, Any]

# the reserved key in an action's data that names the handler of the action
ACTION_KEY = "action"


def card(body: list[Element], actions: list[Element] | None = None) -> Element:
    result: Element = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": body,
    }
    if actions:
        result["actions"] = actions
    return result


def heading(value: str) -> Element:
    return {"type": "TextBlock", "text": value, "weight": "Bolder", "size": "Medium", "wrap": True}


def paragraph(value: str, *, subtle: bool = False, spacing: str | None = None) -> Element:
    block: Element = {"type": "TextBlock", "text": value, "wrap": True}
    if subtle:
        block["isSubtle"] = True
    if spacing:
        block["spacing"] = spacing
    return block


def bullet_list(items: list[str]) -> Element:
    return {"type": "TextBlock", "text": "\n".join(f"- {item}" for item in items), "wrap": True}


def execute(title: str, action_id: str, **data: Any) -> Element:
    """An ``Action.Execute`` (Universal Actions) with an ``Action.Submit`` fallback for old clients.

    The data always carries the action id under :data:`ACTION_KEY`, so the bot routes both kinds
    to the same handler.
    """
    payload = {ACTION_KEY: action_id, **data}
    return {
        "type": "Action.Execute",
        "title": title,
        "verb": action_id,
        "data": payload,
        "fallback": {"type": "Action.Submit", "title": title, "data": payload},
    }


TEXT_SHOWN = 300  # characters of a long text a card shows in a list


def short(value: str, limit: int = TEXT_SHOWN) -> str:
    """A text as a list shows it: whole up to ``limit`` characters, else cut with "…"."""
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"
