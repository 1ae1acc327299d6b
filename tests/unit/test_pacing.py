"""The pacer counts a send while it is under way, so that no window of arrivals at Teams can
hold more than the limit however late or out of order concurrent sends arrive."""

from __future__ import annotations

import asyncio

import pytest

from bot.pacing import IN_FLIGHT_POLL, Pacer


class Stop(Exception):
    pass


async def test_sends_under_way_hold_their_places_and_count_when_done():
    done = asyncio.Event()
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        # no time passes in this test: the first wait ends the sends under way, the second stops
        waits.append(seconds)
        if len(waits) == 1:
            done.set()
            for _ in range(10):
                await asyncio.sleep(0)
            return
        raise Stop

    pacer = Pacer(per_conversation="100/hour", per_tenant="3/hour", sleep=sleep)
    entered: list[str] = []
    all_in = asyncio.Event()

    async def send(conversation: str) -> None:
        async with pacer.sending(conversation=conversation, tenant="t"):
            entered.append(conversation)
            if len(entered) == 3:
                all_in.set()
            await done.wait()

    under_way = [asyncio.create_task(send(name)) for name in ("a", "b", "c")]
    await all_in.wait()

    with pytest.raises(Stop):
        await send("d")  # three under way fill the tenant window: wait for one to end …

    await asyncio.gather(*under_way)
    assert entered == ["a", "b", "c"]
    assert waits[0] == IN_FLIGHT_POLL
    assert waits[1] == 5.0  # … then the three count for the hour (a nap is at most 5 s)


async def test_bulk_sends_leave_a_reserve_and_stand_aside_for_a_waiting_answer():
    pacer = Pacer(per_conversation="100/hour", per_tenant="20/hour", reserve=2)
    for n in range(18):  # bulk fills the window up to the reserve …
        async with pacer.sending(conversation=f"bulk-{n}", tenant="t"):
            pass

    async def bulk() -> None:
        async with pacer.sending(conversation="bulk-late", tenant="t"):
            pass

    with pytest.raises(TimeoutError):
        await asyncio.wait_for(bulk(), 0.05)  # … and waits at the reserve
    for n in range(2):  # answers to people's clicks go at once, into the reserve
        async with (
            asyncio.timeout(0.05),
            pacer.sending(conversation=f"chat-{n}", tenant="t", interactive=True),
        ):
            pass


class VirtualTime:
    """The pacer's clock and its sleep: time passes only when the pacer waits."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


def most_in_any_window(times: list[float], seconds: float) -> int:
    return max(sum(1 for t in times if start <= t < start + seconds) for start in times)


async def test_a_conversation_gets_teams_limits_and_no_less_in_time_the_test_moves():
    time = VirtualTime()
    pacer = Pacer(clock=time, sleep=time.sleep)
    started: list[float] = []
    for _ in range(20):
        async with pacer.sending(conversation="chat", tenant="t"):
            started.append(time())

    assert most_in_any_window(started, 1.0) == 7
    assert most_in_any_window(started, 2.0) == 8
    # as soon as the windows allow: 7 at once, the 8th a second later, and so on every 2 s
    assert started == [0.0] * 7 + [1.0] + [2.0] * 7 + [3.0] + [4.0] * 4


async def test_the_windows_empty_as_the_clock_moves_on():
    time = VirtualTime()
    pacer = Pacer(per_conversation="2/hour", per_tenant="100/second", clock=time, sleep=time.sleep)
    for _ in range(2):
        async with pacer.sending(conversation="chat", tenant="t"):
            pass
    time.now += 3600.0  # an hour later the hour's window is empty again: no wait at all
    async with pacer.sending(conversation="chat", tenant="t"):
        assert time() == 3600.0
    async with pacer.sending(conversation="chat", tenant="t"):
        pass
    async with pacer.sending(conversation="chat", tenant="t"):
        assert time() == 7200.0  # the third of that hour waits for the first to leave it
