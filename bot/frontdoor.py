"""What ``POST /api/messages`` checks before any other work: a JSON body of sane shape, and
identifiers that fit where they are stored. Everything here is cheap and raises nothing but
:class:`Refused`, which becomes a 400."""

from __future__ import annotations

import json
import re
from typing import Any

import jwt

# Teams activities nest a handful of levels (an Adaptive Card action's data a few more)
MAX_NESTING = 32
# Lengths of what an activity names, as Teams sends them and as storage keeps them
# (a personal conversation id is about 140 characters, a channel thread's about 80).
MAX_CONVERSATION_ID = 256
MAX_ACTIVITY_ID = 256
MAX_ACCOUNT_ID = 128  # Teams' "29:…" and "28:…" ids
MAX_OBJECT_ID = 64  # Entra object ids and tenant ids are GUIDs (36 characters)
MAX_CHANNEL_ID = 256
MAX_SERVICE_URL = 512
MAX_LOCALE = 35

# control characters (NUL included) have no place in an identifier
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class Refused(Exception):
    """The request is refused with 400; the reason is safe to answer and to log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def nesting_depth_exceeds(value: Any, limit: int = MAX_NESTING) -> bool:
    """Whether ``value`` (parsed JSON) nests arrays and objects deeper than ``limit``."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def parse_body(raw: bytes) -> Any:
    """The body as JSON; :class:`Refused` for anything malformed or nested too deeply."""
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise Refused("malformed JSON") from None
    if nesting_depth_exceeds(body):
        raise Refused("malformed JSON: nested too deeply")
    return body


def _get(value: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


# (path in the activity, longest accepted): each, when present, must be a string that fits
IDENTIFIERS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("id",), MAX_ACTIVITY_ID),
    (("replyToId",), MAX_ACTIVITY_ID),
    (("conversation", "id"), MAX_CONVERSATION_ID),
    (("conversation", "tenantId"), MAX_OBJECT_ID),
    (("from", "id"), MAX_ACCOUNT_ID),
    (("from", "aadObjectId"), MAX_OBJECT_ID),
    (("recipient", "id"), MAX_ACCOUNT_ID),
    (("channelData", "tenant", "id"), MAX_OBJECT_ID),
    (("channelData", "team", "id"), MAX_CHANNEL_ID),
    (("channelData", "channel", "id"), MAX_CHANNEL_ID),
    (("serviceUrl",), MAX_SERVICE_URL),
    (("channelId",), MAX_CHANNEL_ID),
    (("locale",), MAX_LOCALE),
)


def check_identifiers(body: dict[str, Any]) -> None:
    """Every identifier the bot keys or stores by is a string of sane length without control
    characters; :class:`Refused` otherwise."""
    for path, longest in IDENTIFIERS:
        value = _get(body, *path)
        if value is None:
            continue
        name = ".".join(path)
        if not isinstance(value, str):
            raise Refused(f"{name} is not a string")
        if len(value) > longest:
            raise Refused(f"{name} too long")
        if _CONTROL.search(value):
            raise Refused(f"{name} has control characters")


def token_expires(authorization: str) -> bool:
    """Whether a bearer token names its expiry (``exp``). The SDK checks the signature, issuer,
    audience and an expiry that is given, but takes a token without one as valid forever.
    Read without verifying: a token that fails here is refused, one that passes is verified
    by the SDK next."""
    scheme, _, token = authorization.partition(" ")
    if scheme != "Bearer" or not token:
        return True  # no bearer token at all: the SDK refuses it
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return True  # not a token: the SDK refuses it
    return isinstance(claims, dict) and isinstance(claims.get("exp"), int | float)
