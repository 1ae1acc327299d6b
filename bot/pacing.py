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
import bisect
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from limits import parse_many

PER_CONVERSATION = "7/second;8/2 seconds;60/30 seconds;1800/hour"
PER_TENANT = "50/second"
IN_FLIGHT_POLL = 0.005  # seconds between looks while only sends under way stand in the way
LONGEST_NAP = 5.0  # seconds; a waiting send looks again at least this often
RESERVE = 1  # places per tenant window that bulk sends leave free for interactive ones
SWEEP_EVERY = 1000  # counted sends between sweeps of keys whose windows are empty


@dataclass(frozen=True)
class Window:
    amount: int
    seconds: float


def windows(spec: str) -> tuple[Window, ...]:
    """Windows in the ``limits`` notation: ``"7/second;8/2 seconds"``."""
    return tuple(Window(item.amount, float(item.get_expiry())) for item in parse_many(spec))


class Windows:
    """Moving windows of counted sends per key, judged at the instants of an injected clock.

    (The ``limits`` library reads the wall clock inside its storage, so a test could not move
    time; the pacer's windows take the clock the pacer is given.)"""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._hits: defaultdict[str, list[float]] = defaultdict(list)  # oldest first
        self._longest: dict[str, float] = {}
        self._since_sweep = 0

    def now(self) -> float:
        return self._clock()

    def room(self, key: str, window: Window, now: float) -> tuple[int, float]:
        """(places left in ``window`` at ``now``, when its oldest counted send leaves it)."""
        hits = self._hits.get(key, [])
        first = bisect.bisect_right(hits, now - window.seconds)
        inside = len(hits) - first
        leaves = hits[first] + window.seconds if inside else now
        return window.amount - inside, leaves

    def count(self, key: str, longest: float) -> None:
        now = self._clock()
        hits = self._hits[key]
        hits.append(max(now, hits[-1]) if hits else now)  # kept in order if the clock stalls
        self._longest[key] = max(self._longest.get(key, 0.0), longest)
        del hits[: bisect.bisect_right(hits, now - self._longest[key])]
        self._since_sweep += 1
        if self._since_sweep >= SWEEP_EVERY:
            self._sweep(now)

    def _sweep(self, now: float) -> None:
        self._since_sweep = 0
        for key in [k for k, hits in self._hits.items() if hits[-1] <= now - self._longest[k]]:
            del self._hits[key], self._longest[key]


class Pacer:
    def __init__(
        self,
        *,
        per_conversation: str = PER_CONVERSATION,
        per_tenant: str = PER_TENANT,
        reserve: int = RESERVE,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._windows = Windows(clock)
        self._conversation = windows(per_conversation)
        self._tenant = windows(per_tenant)
        self.sleep = sleep  # also how a throttled reply waits: the same time as the windows'
        self._lock = asyncio.Lock()
        self._under_way: Counter[str] = Counter()
        self._reserve = reserve
        self._interactive_waiting: Counter[str] = Counter()  # by tenant key

    def _wait_time(self, checks: list[tuple[Window, str]], *, bulk: bool) -> float:
        wait = 0.0
        now = self._windows.now()
        for window, key in checks:
            remaining, leaves = self._windows.room(key, window, now)
            held = 0
            if bulk and key.startswith("t:"):
                # a bulk send leaves the reserve (at most a tenth of a window), and a place for
                # each interactive send waiting
                held = min(self._reserve, window.amount // 10) + self._interactive_waiting[key]
            if remaining - held - self._under_way[key] <= 0:
                if remaining - held <= 0:
                    wait = max(wait, leaves - now, IN_FLIGHT_POLL)
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
        checks = [(window, f"c:{conversation}") for window in self._conversation] + [
            (window, f"t:{tenant}") for window in self._tenant
        ]
        keys = {key for _, key in checks}
        if interactive:
            self._interactive_waiting[f"t:{tenant}"] += 1
        try:
            while True:
                async with self._lock:  # test-and-take must not interleave
                    wait = self._wait_time(checks, bulk=not interactive)
                    if wait <= 0:
                        self._under_way.update(keys)
                        break
                await self.sleep(min(max(wait, IN_FLIGHT_POLL), LONGEST_NAP))
        finally:
            if interactive:
                self._interactive_waiting[f"t:{tenant}"] -= 1
        try:
            yield
        finally:
            for key in keys:
                self._windows.count(key, max(w.seconds for w, k in checks if k == key))
            self._under_way.subtract(keys)
