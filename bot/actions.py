"""Card actions: one handler per action id (carried in the card's data), looked up in a registry.

A handler returns the card that replaces the one that was clicked.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from bot.registry import Registry
from bot.trajectories import channel_status_card
from bot.turn import Turn
from cards.base import ACTION_KEY, Element, card, paragraph
from cards.status import STATUS_REFRESH

ActionHandler = Callable[[Turn, Mapping[str, Any]], Awaitable[Element]]

ACTIONS: Registry[ActionHandler] = Registry("card action")

MAX_AUDITED_ID = 64


def action_id(data: Mapping[str, Any], verb: object = None) -> str:
    """The action id from the card data, else the Action.Execute verb."""
    value = data.get(ACTION_KEY)
    if isinstance(value, str) and value:
        return value
    return verb if isinstance(verb, str) else ""


@ACTIONS.register(STATUS_REFRESH)
async def refresh_status(turn: Turn, _data: Mapping[str, Any]) -> Element:
    return await channel_status_card(turn)


async def dispatch(turn: Turn, data: Mapping[str, Any], verb: object = None) -> Element:
    """Run the handler for the action; an unknown or forged id changes nothing and is audited."""
    name = action_id(data, verb)
    handler = ACTIONS.get(name)
    if handler is not None:
        return await handler(turn, data)
    now = turn.services.clock()
    actor = turn.actor
    async with turn.services.store.transaction(now=now) as tx:
        await tx.audit(
            action="card_action.refused",
            at=now,
            actor=actor.aad_object_id if actor else None,
            detail={"reason": "unknown_action", "action": name[:MAX_AUDITED_ID]},
        )
    return card([paragraph(turn.text("action.unknown"))])
