"""Pacing sends to Teams' documented limits, with moving windows (the ``limits`` library).

Per bot per conversation: 7 per second, 8 per 2 seconds, 60 per 30 seconds, 1800 per hour;
per app per tenant: 50 per second (paced at 45, for the jitter between here and Teams). A send
waits until every window has room.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

PER_CONVERSATION = "7/second;8/2 seconds;60/30 seconds;1800/hour"
# under 50/s: on a busy machine sends paced a second apart may arrive up to ~0.1 s closer
PER_TENANT = "45/second"


class Pacer:
    def __init__(
        self,
        *,
        per_conversation: str = PER_CONVERSATION,
        per_tenant: str = PER_TENANT,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._conversation = parse_many(per_conversation)
        self._tenant = parse_many(per_tenant)
        self._sleep = sleep
        self._lock = asyncio.Lock()

    async def _wait_time(self, checks: list[tuple[RateLimitItem, str]]) -> float:
        wait = 0.0
        now = time.time()
        for item, key in checks:
            if not await self._limiter.test(item, key):
                stats = await self._limiter.get_window_stats(item, key)
                wait = max(wait, stats.reset_time - now)
        return wait

    async def acquire(self, *, conversation: str, tenant: str) -> None:
        """Wait until a send to ``conversation`` in ``tenant`` fits every window, then count it."""
        checks = [(item, f"c:{conversation}") for item in self._conversation] + [
            (item, f"t:{tenant}") for item in self._tenant
        ]
        while True:
            async with self._lock:  # test-and-hit must not interleave
                wait = await self._wait_time(checks)
                if wait <= 0:
                    for item, key in checks:
                        await self._limiter.hit(item, key)
                    return
            await self._sleep(min(max(wait, 0.01), 5.0))
