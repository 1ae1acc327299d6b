"""P3 and P4: what 10,000 stored trajectories cost a channel's ``status`` and the bot's memory.

Two databases are prepared in bulk (``bench.seed``): a channel with a few trajectories of its
own, and besides them SMALL or LARGE trajectories in other channels, each with the history a
live database holds (delivered outbox, audit trail, timers, inbox, memberships, conversation
references). The bot runs as it would in production (``python -m bot``: outbox dispatcher and
timer sweep on) and gets ``@bot status`` in that channel, one turn at a time.

Two bots run side by side, one on each database, and get their status turns in turn, so that
whatever else the machine does weighs on both alike. P3 is the median time of a status turn
(HTTP in, the channel's trajectories read, the card built and sent to the loopback connector,
HTTP answer) with LARGE stored ÷ with SMALL stored; the bots' CPU per turn is reported beside
it. P4 is the bot's resident memory (VmRSS) after those turns, LARGE ÷ SMALL.

Run alone: ``python -m bench.scale``.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import tempfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import harness
from bench.seed import Placement, mix, seed, spread
from bench.turns import fixture

SMALL, LARGE = 10, 10_000
IN_CHANNEL = 5  # the measured channel's own trajectories
CHANNEL = "team-id"  # the channel of the captured channel message
WARMUP, TURNS = 30, 300


@contextlib.asynccontextmanager
async def bot_on(
    dialect: str, stored: int, workdir: Path, *, profile: Path | None = None
) -> AsyncIterator[harness.Server]:
    """A bot on a fresh database: the measured channel's trajectories, ``stored`` elsewhere."""
    now = datetime.now(UTC)
    prototypes = mix(now)
    async with harness.fresh_database(dialect, workdir) as url:
        await seed(
            url,
            IN_CHANNEL,
            prototypes=prototypes,
            placement=lambda i: Placement(CHANNEL, 5000 + i),
            now=now,
            first=LARGE + 1,
        )
        await seed(url, stored, prototypes=prototypes, placement=spread, now=now)
        port = harness.free_port()
        args = ["-m", "bot"]
        if profile is not None:
            args = ["-m", "pyinstrument", "-o", str(profile), *args]
        async with harness.running(
            args, port=port, env=harness.bot_environment(url, port), ready_path="/healthz"
        ) as bot:
            yield bot


async def compare(dialect: str, connector: harness.Server, workdir: Path) -> dict[str, Any]:
    """Status turns to the two bots in turn (SMALL and LARGE stored), so that whatever else
    the machine does weighs on both alike."""
    activity = fixture("message_channel_mention_api")
    activity.update(serviceUrl=connector.url, text="<at>Test Bot</at> status")
    bodies = harness.Numbered(activity, 2 * (WARMUP + TURNS))
    async with (
        bot_on(dialect, SMALL, workdir) as small,
        bot_on(dialect, LARGE, workdir) as large,
    ):
        bots = {"small": small, "large": large}
        latencies: dict[str, list[float]] = {name: [] for name in bots}
        cpu: dict[str, float] = {}
        for i in range(WARMUP + TURNS):
            if i == WARMUP:
                cpu = {name: bot.cpu_seconds() for name, bot in bots.items()}
            for k, (name, bot) in enumerate(bots.items()):
                [latency] = await harness.sequential(f"{bot.url}/api/messages", [bodies[2 * i + k]])
                if i >= WARMUP:
                    latencies[name].append(latency)
        figures = {
            name: {
                "stored": (SMALL if name == "small" else LARGE) + IN_CHANNEL,
                "status_median_ms": harness.median_ms(latencies[name]),
                "status_p90_ms": round(statistics.quantiles(latencies[name], n=10)[-1] * 1000, 3),
                "bot_cpu_ms_per_turn": round((bot.cpu_seconds() - cpu[name]) / TURNS * 1000, 2),
                "rss_mib": round(bot.rss_kib() / 1024, 1),
            }
            for name, bot in bots.items()
        }
    small_figures, large_figures = figures["small"], figures["large"]
    return {
        **figures,
        "p3_status_ratio": round(
            large_figures["status_median_ms"] / small_figures["status_median_ms"], 2
        ),
        "p3_cpu_ratio": round(
            large_figures["bot_cpu_ms_per_turn"] / small_figures["bot_cpu_ms_per_turn"], 2
        ),
        "p4_rss_ratio": round(large_figures["rss_mib"] / small_figures["rss_mib"], 2),
    }


async def measure() -> dict[str, Any]:
    result: dict[str, Any] = {"turns": TURNS, "in_channel": IN_CHANNEL}
    with tempfile.TemporaryDirectory(prefix="wasstraat-bench-") as directory:
        workdir = Path(directory)
        port = harness.free_port()
        async with harness.running(
            ["-m", "bench.baselines", "connector", str(port)], port=port
        ) as connector:
            for dialect in harness.dialects():
                result[dialect] = await compare(dialect, connector, workdir)
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
                f"P3 status, {LARGE:,} ÷ {SMALL} stored ({dialect})",
                f"{r['p3_status_ratio']:.2f}",
                "≤ 1.2",
                f"{'ok' if r['p3_status_ratio'] <= 1.2 else 'MISSED'}: median "
                f"{large['status_median_ms']} vs {small['status_median_ms']} ms; bot CPU "
                f"{large['bot_cpu_ms_per_turn']} vs {small['bot_cpu_ms_per_turn']} ms/turn",
            )
        )
        out.append(
            (
                f"P4 memory, {LARGE:,} ÷ {SMALL} stored ({dialect})",
                f"{r['p4_rss_ratio']:.2f}",
                "≤ 1.2",
                f"{'ok' if r['p4_rss_ratio'] <= 1.2 else 'MISSED'}: RSS "
                f"{large['rss_mib']} vs {small['rss_mib']} MiB",
            )
        )
    return out


def main() -> None:
    result = asyncio.run(measure())
    print(harness.table(rows(result)))
    harness.write_latest({"scale": result})


if __name__ == "__main__":
    main()
