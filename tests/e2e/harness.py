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


def database_url(workdir: Path) -> str:
    """The SQLite database of the bot started in ``workdir``."""
    return f"sqlite:///{workdir / 'bot.db'}"


@contextmanager
def running_bot(
    workdir: Path,
    log: Path,
    *,
    port: int | None = None,
    settings: dict[str, str] | None = None,
) -> Iterator[int]:
    """``python -m bot`` with the SQLite database in ``workdir`` (fresh, unless a bot ran there
    before), on ``port`` (default: a free one), with extra ``settings``; yields its port."""
    port = port or free_port()
    env = {
        **os.environ,
        "WASSTRAAT_PORT": str(port),
        "WASSTRAAT_DATABASE_URL": database_url(workdir),
        # the test runs at any hour: prompts must not wait for Monday morning
        "WASSTRAAT_WORKING_TIME_ONLY": "false",
        "PYTHONUNBUFFERED": "1",
        **(settings or {}),
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


# The Playground's default mock people; each Playground is signed in as one of them.
PEOPLE = {
    "alex": ("user-id-0", "Alex Wilber", "alexw", "00000000-0000-0000-0000-0000000000020"),
    "megan": ("user-id-1", "Megan Bowen", "meganb", "00000000-0000-0000-0000-0000000000021"),
    "adele": ("user-id-2", "Adele Vance", "adelev", "00000000-0000-0000-0000-0000000000022"),
    "isaiah": ("user-id-3", "Isaiah Langer", "isaiahl", "00000000-0000-0000-0000-0000000000023"),
    "patti": ("user-id-4", "Patti Fernandez", "pattif", "00000000-0000-0000-0000-0000000000024"),
    "lynne": ("user-id-5", "Lynne Robbins", "lynner", "00000000-0000-0000-0000-0000000000025"),
}


def _user(key: str) -> str:
    user_id, name, alias, aad = PEOPLE[key]
    given, surname = name.split(" ", 1)
    return (
        f"{{id: {user_id}, name: {name}, userPrincipleName: {alias}@example.com, "
        f"aadObjectId: {aad}, givenName: {given}, surname: {surname}, "
        f"email: {alias}@example.com}}"
    )


def playground_config(current: str) -> str:
    """A .m365agentsplayground.yml (format 0.1.1) signed in as ``current``; the other five
    people are the roster."""
    others = "\n".join(f"  - {_user(key)}" for key in PEOPLE if key != current)
    return (
        'version: "0.1.1"\n'
        "tenantId: 00000000-0000-0000-0000-0000000000001\n"
        "bot:\n  id: 00000000-0000-0000-0000-00000000000011\n  name: Test Bot\n"
        f"currentUser: {_user(current)}\n"
        f"users:\n{others}\n"
        f"personalChat:\n  id: personal-{current}\n"
        "groupChat:\n  id: group-chat-id\n  name: Group Chat\n"
        "team:\n  id: team-id\n  name: My Team\n"
        "  aadGroupId: 00000000-0000-0000-0000-000000000031\n"
        "  channels:\n    - id: channel-announcements-id\n      name: Announcements\n"
    )
