"""When to try a send again: which statuses are worth it, and how long to wait — the one reader
of ``Retry-After`` for Teams and Graph alike."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime

RETRY_STATUSES = frozenset({412, 429, 500, 502, 503, 504})
DEAD_STATUSES = frozenset({403, 404})
MAX_ATTEMPTS = 6
BASE_BACKOFF = 1.0
MAX_BACKOFF = 300.0


def backoff(attempt: int, rng: random.Random) -> float:
    """Exponential backoff with full jitter."""
    return rng.uniform(0, min(MAX_BACKOFF, BASE_BACKOFF * 2**attempt))


@dataclass
class DeliveryStats:
    sent: int = 0
    digests: int = 0
    retried: int = 0
    dead: int = 0
    claimed: int = 0  # outbox rows the round took on (a full round: more may be waiting)
    updated: int = 0  # sent cards updated in place once their task was over
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - now).total_seconds())
    except (TypeError, ValueError):
        return None


def http_status(error: BaseException) -> int | None:
    """The HTTP status behind an SDK (msrest) error, if it has one."""
    response = getattr(error, "response", None)
    for name in ("status", "status_code"):
        value = getattr(response, name, None)
        if isinstance(value, int):
            return value
    return None


def retry_after(error: BaseException, now: datetime) -> float | None:
    """Seconds from the ``Retry-After`` header of an SDK (msrest) error, if it has one."""
    headers = getattr(getattr(error, "response", None), "headers", None) or {}
    return parse_retry_after(headers.get("Retry-After") if hasattr(headers, "get") else None, now)
