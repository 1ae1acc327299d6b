"""A bot replica's delivery loop in a process of its own, for the replica and chaos tests.

``python -m tests.replicas.worker DATABASE_URL [LEASE_SECONDS]`` delivers the outbox until
nothing is pending (or 120 s pass), printing ``ready`` when it starts, ``sent N`` after each
round and ``done`` at the end. With ``WASSTRAAT_START_ON_GO`` set it waits, after ``ready``, for
a line on standard input before it delivers, so that replicas start their work together.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time

from bot.app import build_adapter
from bot.delivery.worker import Dispatcher
from bot.services import Services, system_clock
from bot.settings import Settings
from storage import Store, open_database
from tests.tools.readers import ReadingStore
from wasstraat.template import default_template


async def main(url: str, lease: float) -> None:
    database = await open_database(url, migrate=False)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=url, delivery_lease_seconds=lease
    )
    services = Services(
        settings=settings, store=Store(database), template=default_template(), clock=system_clock
    )
    dispatcher = Dispatcher(services, build_adapter(settings))
    print("ready", flush=True)
    if os.environ.get("WASSTRAAT_START_ON_GO"):
        await asyncio.to_thread(sys.stdin.readline)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        stats = await dispatcher.deliver_due(limit=50)
        print("sent", stats.sent, flush=True)
        pending = [
            m
            for m in await ReadingStore(services.store).outbox_messages()
            if m["sent_at"] is None and m["dead_at"] is None
        ]
        if not pending:
            break
        if not stats.sent:
            await asyncio.sleep(0.2)  # waiting for another replica's lease or a retry's moment
    print("done", flush=True)
    await database.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 120.0))
