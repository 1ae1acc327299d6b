"""When to try a send again: which statuses are worth it, and how long to wait."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field

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
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))
