"""Pacing sends to Teams' documented limits, with moving windows (the ``limits`` library).

Per bot per conversation: 7 per second, 8 per 2 seconds, 60 per 30 seconds, 1800 per hour;
per app per tenant: 50 per second. A send waits until every window has room.

Teams counts a send when it arrives, somewhere between the moment the pacer lets it go and the
moment its answer comes back; concurrent sends do not arrive in the order they were let go. So a
send holds a place in its windows while it is under way and is counted when its answer is in:
a new send is let go only when the sends counted in the last window plus those still under way
leave room. Then no window of arrivals can hold more than the limit, whatever the delays.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

PER_CONVERSATION = "7/second;8/2 seconds;60/30 seconds;1800/hour"
PER_TENANT = "50/second"
IN_FLIGHT_POLL = 0.005  # seconds between looks while only sends under way stand in the way


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
        self._under_way: Counter[str] = Counter()

    async def _wait_time(self, checks: list[tuple[RateLimitItem, str]]) -> float:
        wait = 0.0
        now = time.time()
        for item, key in checks:
            stats = await self._limiter.get_window_stats(item, key)
            if stats.remaining - self._under_way[key] <= 0:
                if stats.remaining <= 0:
                    wait = max(wait, stats.reset_time - now)
                else:  # only sends under way are in the way: they end soon
                    wait = max(wait, IN_FLIGHT_POLL)
        return wait

    @asynccontextmanager
    async def sending(self, *, conversation: str, tenant: str) -> AsyncIterator[None]:
        """Wait until a send to ``conversation`` in ``tenant`` fits every window, hold its
        place while it is under way, and count it when it is done (or failed)."""
        checks = [(item, f"c:{conversation}") for item in self._conversation] + [
            (item, f"t:{tenant}") for item in self._tenant
        ]
        keys = {key for _, key in checks}
        while True:
            async with self._lock:  # test-and-take must not interleave
                wait = await self._wait_time(checks)
                if wait <= 0:
                    self._under_way.update(keys)
                    break
            await self._sleep(min(max(wait, IN_FLIGHT_POLL), 5.0))
        try:
            yield
        finally:
            async with self._lock:
                for item, key in checks:
                    await self._limiter.hit(item, key)
                self._under_way.subtract(keys)
