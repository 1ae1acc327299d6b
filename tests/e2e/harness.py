"""Start the bot and Microsoft 365 Agents Playground as real processes on loopback."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLAYGROUND = ROOT / "node_modules" / ".bin" / "agentsplayground"
CHROMIUM = Path("/usr/bin/chromium")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_http(url: str, *, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} did not answer within {timeout} s")
        time.sleep(0.1)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running_bot(workdir: Path, log: Path) -> Iterator[int]:
    """``python -m bot`` with a fresh SQLite database; yields its port."""
    port = free_port()
    env = {
        **os.environ,
        "WASSTRAAT_PORT": str(port),
        "WASSTRAAT_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'bot.db'}",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("MICROSOFT_APP_ID", "MICROSOFT_APP_PASSWORD", "WASSTRAAT_ALLOWED_TENANT_IDS"):
        env.pop(name, None)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot"], cwd=workdir, env=env, stdout=out, stderr=out
        )
        try:
            wait_for_http(f"http://127.0.0.1:{port}/healthz")
            yield port
        finally:
            _stop(process)


@contextmanager
def running_playground(bot_port: int, workdir: Path, log: Path) -> Iterator[str]:
    """The Playground, started in ``workdir`` (where a ``.m365agentsplayground.yml`` may
    stand), pointed at the bot; yields its base URL."""
    wanted = free_port()
    env = {**os.environ, "TEAMSAPPTESTER_BROWSER": "none"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                str(PLAYGROUND),
                "-e",
                f"http://127.0.0.1:{bot_port}/api/messages",
                "-c",
                "msteams",
                "--dt",
                "-p",
                str(wanted),
            ],
            cwd=workdir,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            port = _listening_port(log, process)
            base = f"http://127.0.0.1:{port}"
            wait_for_http(f"{base}/")
            yield base
        finally:
            _stop(process)


def _listening_port(log: Path, process: subprocess.Popen[bytes], timeout: float = 60.0) -> int:
    """The Playground silently takes another port when the asked one is busy: read it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = re.search(r"Listening on (\d+)", log.read_text("utf-8", "replace"))
        if match:
            return int(match.group(1))
        if process.poll() is not None:
            raise RuntimeError(f"the Playground exited: {log.read_text('utf-8', 'replace')}")
        time.sleep(0.1)
    raise TimeoutError("the Playground did not start")
