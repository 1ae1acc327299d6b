"""P5: what 10,000 stored trajectories cost the portfolio tab, for someone who sees the whole
municipality (a sponsor): opening the tab asks for the first page of trajectories (with the
filters' choices) and the summary (time per step, targets met, improvements).

Two databases are prepared in bulk (``bench.seed``, the portfolio rows and totals included, as
the store keeps them): SMALL or LARGE trajectories in 50 teams' channels. Two bots run as in
production (``python -m bot``), without an app id, so that the tab's local developer (who sees
everything) asks; the token check a deployment adds costs the same with 10 as with 10,000. They
get the two requests in turn, so that whatever else the machine does weighs on both alike. P5 is
the median time of opening the tab (both answers) with LARGE stored ÷ with SMALL stored.

Run alone: ``python -m bench.portfolio``.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

from bench import harness
from bench.seed import mix, seed, spread

SMALL, LARGE = 10, 10_000
WARMUP, ROUNDS = 20, 200
PATHS = ("/api/portfolio/trajectories?page=1", "/api/portfolio/summary")


@contextlib.asynccontextmanager
async def bot_on(dialect: str, stored: int, workdir: Path) -> AsyncIterator[harness.Server]:
    now = datetime.now(UTC)
    async with harness.fresh_database(dialect, workdir) as url:
        await seed(url, stored, prototypes=mix(now), placement=spread, now=now)
        port = harness.free_port()
        async with harness.running(
            ["-m", "bot"], port=port, env=harness.bot_environment(url, port), ready_path="/healthz"
        ) as bot:
            yield bot


async def open_tab(session: aiohttp.ClientSession, bot: harness.Server) -> tuple[float, int]:
    """The tab's first two requests, one after the other: how long, and how many rows."""
    started = time.perf_counter()
    rows = 0
    for path in PATHS:
        async with session.get(bot.url + path) as response:
            body = await response.json()
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status} {body}")
            rows += len(body.get("items", []))
    return time.perf_counter() - started, rows


async def compare(dialect: str, workdir: Path) -> dict[str, Any]:
    async with (
        bot_on(dialect, SMALL, workdir) as small,
        bot_on(dialect, LARGE, workdir) as large,
        aiohttp.ClientSession() as session,
    ):
        bots = {"small": small, "large": large}
        latencies: dict[str, list[float]] = {name: [] for name in bots}
        shown: dict[str, int] = {}
        cpu: dict[str, float] = {}
        for i in range(WARMUP + ROUNDS):
            if i == WARMUP:
                cpu = {name: bot.cpu_seconds() for name, bot in bots.items()}
            for name, bot in bots.items():
                latency, shown[name] = await open_tab(session, bot)
                if i >= WARMUP:
                    latencies[name].append(latency)
        figures = {
            name: {
                "stored": SMALL if name == "small" else LARGE,
                "rows_shown": shown[name],
                "open_median_ms": harness.median_ms(latencies[name]),
                "bot_cpu_ms_per_open": round((bot.cpu_seconds() - cpu[name]) / ROUNDS * 1000, 2),
            }
            for name, bot in bots.items()
        }
    small_figures, large_figures = figures["small"], figures["large"]
    return {
        **figures,
        "p5_ratio": round(large_figures["open_median_ms"] / small_figures["open_median_ms"], 2),
        "p5_cpu_ratio": round(
            large_figures["bot_cpu_ms_per_open"] / small_figures["bot_cpu_ms_per_open"], 2
        ),
    }


async def measure() -> dict[str, Any]:
    result: dict[str, Any] = {"rounds": ROUNDS}
    with tempfile.TemporaryDirectory(prefix="wasstraat-bench-") as directory:
        for dialect in harness.dialects():
            result[dialect] = await compare(dialect, Path(directory))
    return result


def rows(result: dict[str, Any]) -> list[harness.Row]:
    out = []
    for dialect in ("sqlite", "postgresql"):
        r = result.get(dialect)
        if r is None:
            continue
        small, large = r["small"], r["large"]
        out.append(
            (
                f"P5 portfolio tab, {LARGE:,} ÷ {SMALL} stored ({dialect})",
                f"{r['p5_ratio']:.2f}",
                "≤ 1.5",
                f"{'ok' if r['p5_ratio'] <= 1.5 else 'MISSED'}: median "
                f"{large['open_median_ms']} vs {small['open_median_ms']} ms to open "
                f"({large['rows_shown']} vs {small['rows_shown']} rows); bot CPU "
                f"{large['bot_cpu_ms_per_open']} vs {small['bot_cpu_ms_per_open']} ms",
            )
        )
    return out


def main() -> None:
    result = asyncio.run(measure())
    print(harness.table(rows(result)))
    harness.write_latest({"portfolio": result})


if __name__ == "__main__":
    main()
