"""``python -m bench [engine] [timers] [turns] [fanout] [rush] [scale] [portfolio]``
(``make bench``): run the benchmarks (all by default), print one table and merge the results
into bench/latest.json.

PostgreSQL is measured beside SQLite when WASSTRAAT_BENCH_POSTGRES holds the URL of a server's
admin database (``make bench`` starts one with .ci/postgres.sh where it can); each benchmark
makes a fresh database of its own there and drops it afterwards.
"""

from __future__ import annotations

import asyncio
import os
import platform
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bench import engine, fanout, harness, portfolio, rush, scale, timers, turns

Section = tuple[Callable[[], Any], Callable[[Any], list[harness.Row]]]

SECTIONS: dict[str, Section] = {
    "engine": (engine.measure, engine.rows),
    "timers": (timers.measure, timers.rows),
    "turns": (lambda: asyncio.run(turns.measure()), turns.rows),
    "fanout": (fanout.measure, fanout.rows),
    "rush": (rush.measure, rush.rows),
    "scale": (lambda: asyncio.run(scale.measure()), scale.rows),
    "portfolio": (lambda: asyncio.run(portfolio.measure()), portfolio.rows),
}


def main() -> None:
    chosen = sys.argv[1:] or list(SECTIONS)
    unknown = [name for name in chosen if name not in SECTIONS]
    if unknown:
        raise SystemExit(f"unknown benchmark {unknown}; choose from {list(SECTIONS)}")
    started = time.monotonic()
    machine: dict[str, Any] = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "databases": harness.dialects(),
    }
    results: dict[str, Any] = {}
    rows: list[harness.Row] = []
    for name in chosen:
        measure, to_rows = SECTIONS[name]
        print(f"… {name}", file=sys.stderr, flush=True)
        results[name] = measure()
        rows += to_rows(results[name])
    machine["seconds"] = round(time.monotonic() - started)
    machine["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    results["machine"] = machine
    if "postgresql" not in machine["databases"]:
        rows.append(("PostgreSQL", "not measured", "", f"{harness.POSTGRES_ENV} not set"))
    print(harness.table(rows))
    print(
        f"{machine['cpus']} CPUs, load average {machine['load_average_before'][0]} before and "
        f"{machine['load_average_after'][0]} after; {machine['seconds']} s"
    )
    harness.write_latest(results)


if __name__ == "__main__":
    main()
