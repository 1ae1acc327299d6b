"""Everything the bot sends is shown as text: what Adaptive Card TextBlock markdown and Teams
message text would read as a link, a mention, an HTML tag or emphasis is escaped.

The catalogue uses no markdown, so escaping a whole outgoing text changes nothing of ours and
leaves nothing of a user's (a product name, a remark, an idea, a name) live. It happens once,
at the edge: a turn middleware escapes every activity sent or updated (replies, proactive
messages from the dispatcher) and ``escape_card`` the cards returned to an invoke."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import Middleware, TurnContext
from botbuilder.schema import Activity

from cards.base import CARD_CONTENT_TYPE
from cards.mentions import LINE as MENTION_LINE
from cards.mentions import tokens_of

Next = Callable[[], Awaitable[None]]

# markdown's and Teams' syntax characters: links [..](..), autolinks and tags <..>, emphasis,
# code, strike-through, headings; a backslash first so that escapes cannot be undone
SYNTAX = re.compile(r"([\\`*_~\[\]<>#|])")
# a bare web address stays as it is (escaping it would only break it; clients link it anyway)
ADDRESS = re.compile(r"https?://[^\s<>\[\]()\"'`\\]+")


def escape_text(value: str) -> str:
    """``value`` with every markdown and HTML syntax character escaped (web addresses kept)."""
    pieces = []
    position = 0
    for address in ADDRESS.finditer(value):
        pieces.append(SYNTAX.sub(r"\\\1", value[position : address.start()]))
        pieces.append(address.group())
        position = address.end()
    pieces.append(SYNTAX.sub(r"\\\1", value[position:]))
    return "".join(pieces)


def escape_card(element: Any, keep: frozenset[str] | None = None) -> Any:
    """A copy of an Adaptive Card (or any part of one) with the text of every TextBlock and
    FactSet escaped; input values, choices and button titles are plain text already. The
    mention tokens the card declares itself (made by the bot from object ids) stay live."""
    if keep is None:
        keep = tokens_of(element)
    if isinstance(element, list):
        return [escape_card(item, keep) for item in element]
    if not isinstance(element, dict):
        return element
    result = {key: escape_card(value, keep) for key, value in element.items()}
    kind = element.get("type")
    if kind == "TextBlock" and isinstance(element.get("text"), str):
        live = keep if str(element.get("id", "")).startswith(MENTION_LINE) else frozenset()
        result["text"] = _escape_around(element["text"], live)
    elif kind == "FactSet" and isinstance(element.get("facts"), list):
        result["facts"] = [
            {
                k: escape_text(v) if k in ("title", "value") and isinstance(v, str) else v
                for k, v in fact.items()
            }
            if isinstance(fact, dict)
            else fact
            for fact in element["facts"]
        ]
    return result


def _escape_around(value: str, keep: frozenset[str]) -> str:
    """``value`` escaped, but for the exact tokens in ``keep``."""
    if not keep:
        return escape_text(value)
    pattern = re.compile("|".join(re.escape(t) for t in sorted(keep, key=len, reverse=True)))
    pieces, position = [], 0
    for found in pattern.finditer(value):
        pieces.append(escape_text(value[position : found.start()]))
        pieces.append(found.group())
        position = found.end()
    pieces.append(escape_text(value[position:]))
    return "".join(pieces)


def escape_activity(activity: Activity) -> Activity:
    """The activity with its text and its Adaptive Cards escaped (in place)."""
    if isinstance(activity.text, str) and activity.text:
        activity.text = escape_text(activity.text)
    for attachment in activity.attachments or []:
        if attachment.content_type == CARD_CONTENT_TYPE and attachment.content is not None:
            attachment.content = escape_card(attachment.content)
    return activity


class EscapeOutgoing(Middleware):
    """Every activity a turn sends or updates is escaped on its way out (the SDK sends what
    these handlers were given, after they return)."""

    async def on_turn(self, context: TurnContext, logic: Callable[[], Awaitable[None]]) -> None:
        async def on_send(_context: TurnContext, activities: list[Activity], proceed: Next) -> None:
            for activity in activities:
                escape_activity(activity)
            await proceed()

        async def on_update(_context: TurnContext, activity: Activity, proceed: Next) -> None:
            escape_activity(activity)
            await proceed()

        context.on_send_activities(on_send)
        context.on_update_activity(on_update)
        await logic()
