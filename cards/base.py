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


def primary(action: Element) -> Element:
    """The one action a card is for, drawn as the primary button (Teams fills it)."""
    marked: Element = {**action, "style": "positive"}
    if "fallback" in action:
        marked["fallback"] = {**action["fallback"], "style": "positive"}
    return marked


def row(*cells: Element | list[Element], weights: tuple[int, ...] | None = None) -> Element:
    """Elements side by side, each in a column of the given relative width (equal by default)."""
    columns = []
    for n, cell in enumerate(cells):
        items = cell if isinstance(cell, list) else [cell]
        width = str(weights[n]) if weights else "stretch"
        columns.append({"type": "Column", "width": width, "items": items})
    return {"type": "ColumnSet", "columns": columns}


def action_set(actions: list[Element], *, id_: str | None = None, visible: bool = True) -> Element:
    """Buttons within the card's body, where what they do belongs."""
    element: Element = {"type": "ActionSet", "actions": actions}
    if id_:
        element["id"] = id_
    if not visible:
        element["isVisible"] = False
    return element


def toggle(title: str, *targets: str) -> Element:
    """Show (or hide again) the named elements: inputs shown this way are still the form's, and
    submitted with it, open or not."""
    return {"type": "Action.ToggleVisibility", "title": title, "targetElements": list(targets)}


def show_card(title: str, body: list[Element], actions: list[Element]) -> Element:
    """A part of the card opened on demand; its inputs go only with its own buttons."""
    inner: Element = {"type": "AdaptiveCard", "body": body}
    if actions:
        inner["actions"] = actions
    return {"type": "Action.ShowCard", "title": title, "card": inner}


TEXT_SHOWN = 300  # characters of a long text a card shows in a list


def short(value: str, limit: int = TEXT_SHOWN) -> str:
    """A text as a list shows it: whole up to ``limit`` characters, else cut with "…"."""
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"
