"""One timer sweep in a process of its own, at an injected moment, for the kill -9 tests.

``python -m tests.scenario.sweeper DATABASE_URL ISO_MOMENT`` prints ``swept`` when the sweep
has claimed its timers, ``fired`` after each timer's state change has committed, and ``done``
at the end; the test kills it at one of those lines. With ``WASSTRAAT_START_ON_GO`` set it
prints ``ready`` when set up and waits for a line on standard input before it sweeps, so that
replicas start their work together.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import datetime
from typing import Any

from bot import ticker as ticker_module
from bot.services import Services
from bot.settings import Settings
from bot.ticker import Ticker
from bot.workflow import Workflow
from storage import Store, open_database
from wasstraat.template import default_template


class ReportingWorkflow(Workflow):
    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        outcome = await super().execute(*args, **kwargs)
        print("fired", flush=True)
        return outcome


async def wait_for_go() -> None:
    """With WASSTRAAT_START_ON_GO: say ``ready`` and wait for the test's go on standard input."""
    if os.environ.get("WASSTRAAT_START_ON_GO"):
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)


async def main(url: str, moment: datetime) -> None:
    database = await open_database(url, migrate=False)
    store = Store(database)
    services = Services(
        settings=Settings(_env_file=None, database_url=url),  # type: ignore[call-arg]
        store=store,
        template=default_template(),
        clock=lambda: moment,
    )
    claim = store.timers.claim_due

    async def reporting_claim(**kwargs: Any) -> list[dict[str, Any]]:
        timers = await claim(**kwargs)
        print("swept", len(timers), flush=True)
        return timers

    store.timers.claim_due = reporting_claim  # type: ignore[method-assign]
    ticker_module.Workflow = ReportingWorkflow  # type: ignore[misc]
    await wait_for_go()
    await Ticker(services).fire_due()
    print("done", flush=True)
    await database.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], datetime.fromisoformat(sys.argv[2])))
