"""The parts of a card wherever they sit: its own actions, the rows and containers of its body
(``ColumnSet``, ``Container``, ``ActionSet``), and what it opens on demand (``Action.ShowCard``,
elements shown by ``Action.ToggleVisibility``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

_NESTED = ("body", "items", "columns", "actions", "card")


def every_element(element: Any) -> Iterator[dict[str, Any]]:
    """Every element and action in ``element`` (a card or any part of one), depth first, in
    reading order (an element's fallback is not one of them)."""
    if isinstance(element, list):
        for item in element:
            yield from every_element(item)
        return
    if not isinstance(element, dict):
        return
    yield element
    for key in _NESTED:
        if key in element:
            yield from every_element(element[key])


def every_action(card: Any) -> Iterator[dict[str, Any]]:
    """Every button of the card, opened parts included."""
    return (e for e in every_element(card) if str(e.get("type", "")).startswith("Action."))


def element(card: Any, id_: str) -> dict[str, Any]:
    """The element (an input, mostly) with this id, wherever the card has it."""
    return next(e for e in every_element(card) if e.get("id") == id_)


def shown_actions(card: Any) -> Iterator[dict[str, Any]]:
    """The buttons a person sees without opening anything: none inside an element that is
    hidden (``isVisible: false``) or a part opened on demand (``Action.ShowCard``)."""

    def walk(element: Any) -> Iterator[dict[str, Any]]:
        if isinstance(element, list):
            for item in element:
                yield from walk(item)
            return
        if not isinstance(element, dict) or element.get("isVisible") is False:
            return
        if str(element.get("type", "")).startswith("Action."):
            yield element
        for key in _NESTED:
            if key in element and not (key == "card" and element.get("type") == "Action.ShowCard"):
                yield from walk(element[key])

    return walk(card)
