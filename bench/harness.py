"""What the benchmarks share: servers in their own processes, a closed-loop HTTP load generator,
fresh databases, and reading a process's memory and CPU time from /proc."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ENV = "WASSTRAAT_BENCH_POSTGRES"  # admin URL of a PostgreSQL server (make bench sets it)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A server in a process of its own, on a loopback port."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def rss_kib(self) -> int:
        """Resident memory now (VmRSS), in KiB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def cpu_seconds(self) -> float:
        """User + system CPU time the process has used so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _spawn(args: Sequence[str], port: int, env: dict[str, str] | None) -> Server:
    log = Path(tempfile.mkstemp(prefix="bench-", suffix=".log")[1])
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, *args],
            cwd=tempfile.gettempdir(),  # no stray .env of a developer
            env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return Server(process, port, log)


def _tail(server: Server) -> str:
    return server.log.read_text(errors="replace")[-2000:]


async def start_server(
    args: Sequence[str], *, port: int, env: dict[str, str] | None = None, ready_path: str = "/"
) -> Server:
    """Start ``python args…`` and wait until it answers HTTP on ``port``."""
    server = _spawn(args, port, env)
    deadline = time.monotonic() + 60
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise RuntimeError(f"{args} exited: {_tail(server)}")
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(server.url + ready_path) as response:
                    if response.status < 500:
                        return server
            await asyncio.sleep(0.1)
    stop_server(server)
    raise RuntimeError(f"{args} did not start: {_tail(server)}")


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGINT)
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
    server.log.unlink(missing_ok=True)


@contextlib.asynccontextmanager
async def running(
    args: Sequence[str], *, port: int, env: dict[str, str] | None = None, ready_path: str = "/"
) -> AsyncIterator[Server]:
    server = await start_server(args, port=port, env=env, ready_path=ready_path)
    try:
        yield server
    finally:
        stop_server(server)


@dataclass
class LoadResult:
    requests: int
    seconds: float
    latencies: list[float]
    failures: int
    server_cpu: float  # CPU seconds the server process used while measured

    @property
    def cpu_ms_per_turn(self) -> float:
        return self.server_cpu / max(1, self.requests) * 1000

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def summary(self) -> dict[str, float]:
        return {
            "turns_per_s": round(self.per_second, 1),
            "p50_ms": round(self.percentile(0.50) * 1000, 2),
            "p99_ms": round(self.percentile(0.99) * 1000, 2),
            "server_cpu_ms_per_turn": round(self.cpu_ms_per_turn, 2),
            "requests": self.requests,
            "failures": self.failures,
        }


async def load(
    server: Server,
    bodies: Sequence[bytes],
    *,
    concurrency: int,
    seconds: float,
    warmup: int,
    path: str = "/api/messages",
) -> LoadResult:
    """Closed-loop load: ``concurrency`` clients POST the bodies in order, each as soon as its
    previous answer came. The first ``warmup`` requests are not counted; the measurement ends
    after ``seconds`` or when the bodies run out."""
    url = server.url + path
    next_body = 0
    latencies: list[float] = []
    failures = 0
    headers = {"Content-Type": "application/json"}
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def client(stop_at: int, deadline: float | None) -> None:
            nonlocal next_body, failures
            while next_body < stop_at and (deadline is None or time.perf_counter() < deadline):
                body = bodies[next_body]
                next_body += 1
                started = time.perf_counter()
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()
                    ok = response.status < 300
                if deadline is not None:
                    latencies.append(time.perf_counter() - started)
                    failures += not ok

        await asyncio.gather(*(client(warmup, None) for _ in range(concurrency)))
        cpu = server.cpu_seconds()
        started = time.perf_counter()
        await asyncio.gather(*(client(len(bodies), started + seconds) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
        cpu = server.cpu_seconds() - cpu
    return LoadResult(len(latencies), elapsed, latencies, failures, cpu)


async def sequential(url: str, bodies: Sequence[bytes]) -> list[float]:
    """One request at a time; the latency of each."""
    latencies = []
    headers = {"Content-Type": "application/json"}
    async with aiohttp.ClientSession() as session:
        for body in bodies:
            started = time.perf_counter()
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
                if response.status >= 300:
                    raise RuntimeError(f"{response.status}: {await response.text()}")
            latencies.append(time.perf_counter() - started)
    return latencies


def median_ms(values: Sequence[float]) -> float:
    return round(statistics.median(values) * 1000, 3)


def encode(activity: dict[str, Any]) -> bytes:
    return json.dumps(activity).encode()


class Numbered(Sequence[bytes]):
    """``count`` request bodies made on demand from one activity, each with its own id."""

    MARK = "@@n@@"

    def __init__(self, activity: dict[str, Any], count: int) -> None:
        prefix = uuid.uuid4().hex[:12]
        self._template = json.dumps({**activity, "id": f"{prefix}-{self.MARK}"})
        self._count = count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: int) -> bytes:  # type: ignore[override]
        if not 0 <= index < self._count:
            raise IndexError(index)
        return self._template.replace(self.MARK, str(index)).encode()


def bot_environment(url: str, port: int, *, background: bool = True) -> dict[str, str]:
    """The environment of ``python -m bot`` under measurement; ``background``: its outbox
    dispatcher and timer sweep run."""
    environment = {
        "WASSTRAAT_DATABASE_URL": url,
        "WASSTRAAT_PORT": str(port),
        "WASSTRAAT_LOG_LEVEL": "WARNING",
        "MICROSOFT_APP_ID": "",
    }
    if not background:
        environment |= {"WASSTRAAT_DELIVER_IN_BACKGROUND": "false", "WASSTRAAT_RUN_TIMERS": "false"}
    return environment


# -- databases -------------------------------------------------------------------------------


def postgres_admin_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


@contextlib.asynccontextmanager
async def fresh_database(dialect: str, workdir: Path) -> AsyncIterator[str]:
    """A new, empty database: a SQLite file in ``workdir``, or a PostgreSQL database made for
    this run (and dropped after it)."""
    if dialect == "sqlite":
        path = workdir / f"{uuid.uuid4().hex[:8]}.db"
        yield f"sqlite:///{path}"
        _remove_sqlite(path)
        return
    admin = postgres_admin_url()
    assert admin, "no PostgreSQL configured"
    url = make_url(admin)
    name = f"wasstraat_bench_{uuid.uuid4().hex[:10]}"
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
        try:
            yield url.set(database=name).render_as_string(hide_password=False)
        finally:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# -- reporting -------------------------------------------------------------------------------

LATEST = Path(__file__).with_name("latest.json")
Row = tuple[str, str, str, str]  # figure, value, goal, note


def write_latest(sections: dict[str, Any]) -> None:
    """Merge ``sections`` into bench/latest.json (sections not run this time are kept)."""
    existing = json.loads(LATEST.read_text()) if LATEST.exists() else {}
    existing.update(sections)
    LATEST.write_text(json.dumps(existing, indent=2) + "\n")


def table(rows: Sequence[Row]) -> str:
    header: Row = ("figure", "value", "goal", "note")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    lines = []
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)]
        lines.append("| " + " | ".join([*cells, row[3]]) + " |")
        if row is header:
            lines.append("|" + "|".join("-" * (w + 2) for w in [*widths, 6]) + "|")
    return "\n".join(lines)


def dialects() -> list[str]:
    return ["sqlite", "postgresql"] if postgres_admin_url() else ["sqlite"]
