"""Pacing sends to Teams' documented limits, with moving windows (the ``limits`` library).

Per bot per conversation: 7 per second, 8 per 2 seconds, 60 per 30 seconds, 1800 per hour;
per app per tenant: 50 per second. A send waits until every window has room.

Teams counts a send when it arrives, somewhere between the moment the pacer lets it go and the
moment its answer comes back; concurrent sends do not arrive in the order they were let go. So a
send holds a place in its windows while it is under way and is counted when its answer is in:
a new send is let go only when the sends counted in the last window plus those still under way
leave room. Then no window of arrivals can hold more than the limit, whatever the delays.

Two kinds of send share a tenant's budget: *interactive* ones (what answers a person's own click
or message, in a turn) and *bulk* ones (the outbox: step starts, digests, news). A bulk send
leaves ``reserve`` places of every tenant window free and stands aside while an interactive send
waits, so an answer never queues behind a fan-out of thousands: it takes the next free place.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from email.utils import parsedate_to_datetime

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

PER_CONVERSATION = "7/second;8/2 seconds;60/30 seconds;1800/hour"
PER_TENANT = "50/second"
IN_FLIGHT_POLL = 0.005  # seconds between looks while only sends under way stand in the way
RESERVE = 1  # places per tenant window that bulk sends leave free for interactive ones


class Pacer:
    def __init__(
        self,
        *,
        per_conversation: str = PER_CONVERSATION,
        per_tenant: str = PER_TENANT,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        reserve: int = RESERVE,
    ) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._conversation = parse_many(per_conversation)
        self._tenant = parse_many(per_tenant)
        self._sleep = sleep
        self._lock = asyncio.Lock()
        self._under_way: Counter[str] = Counter()
        self._reserve = reserve
        self._interactive_waiting: Counter[str] = Counter()  # by tenant key

    async def _wait_time(self, checks: list[tuple[RateLimitItem, str]], *, bulk: bool) -> float:
        wait = 0.0
        now = time.time()
        for item, key in checks:
            stats = await self._limiter.get_window_stats(item, key)
            held = 0
            if bulk and key.startswith("t:"):
                # a bulk send leaves the reserve (at most a tenth of a window), and a place for
                # each interactive send waiting
                held = min(self._reserve, item.amount // 10) + self._interactive_waiting[key]
            if stats.remaining - held - self._under_way[key] <= 0:
                if stats.remaining - held <= 0:
                    wait = max(wait, stats.reset_time - now, IN_FLIGHT_POLL)
                else:  # only sends under way (or waiting answers) are in the way: soon over
                    wait = max(wait, IN_FLIGHT_POLL)
        return wait

    @asynccontextmanager
    async def sending(
        self, *, conversation: str, tenant: str, interactive: bool = False
    ) -> AsyncIterator[None]:
        """Wait until a send to ``conversation`` in ``tenant`` fits every window, hold its
        place while it is under way, and count it when it is done (or failed).
        ``interactive``: it answers a person's own action, and goes before bulk sends."""
        checks = [(item, f"c:{conversation}") for item in self._conversation] + [
            (item, f"t:{tenant}") for item in self._tenant
        ]
        keys = {key for _, key in checks}
        if interactive:
            self._interactive_waiting[f"t:{tenant}"] += 1
        try:
            while True:
                async with self._lock:  # test-and-take must not interleave
                    wait = await self._wait_time(checks, bulk=not interactive)
                    if wait <= 0:
                        self._under_way.update(keys)
                        break
                await self._sleep(min(max(wait, IN_FLIGHT_POLL), 5.0))
        finally:
            if interactive:
                self._interactive_waiting[f"t:{tenant}"] -= 1
        try:
            yield
        finally:
            async with self._lock:
                for item, key in checks:
                    await self._limiter.hit(item, key)
                self._under_way.subtract(keys)


def http_status(error: BaseException) -> int | None:
    """The HTTP status behind an SDK (msrest) error, if it has one."""
    response = getattr(error, "response", None)
    for name in ("status", "status_code"):
        value = getattr(response, name, None)
        if isinstance(value, int):
            return value
    return None


def retry_after(error: BaseException, now: datetime) -> float | None:
    """Seconds from a ``Retry-After`` header (seconds or an HTTP date)."""
    headers = getattr(getattr(error, "response", None), "headers", None) or {}
    value = headers.get("Retry-After") if hasattr(headers, "get") else None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, (parsedate_to_datetime(value) - now).total_seconds())
        except (TypeError, ValueError):
            return None
