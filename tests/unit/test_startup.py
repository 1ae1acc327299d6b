"""Fail-closed start: without an app id the bot serves loopback only. Listening on any other
address without one refuses to start, unless anonymous mode is named, which is logged loudly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from bot.app import ANONYMOUS_WARNING, create_app, loopback_only
from bot.settings import Settings
from tests.e2e.harness import free_port, running_bot, wait_for_http

APP_ID = "5d2e7b1a-0c4f-4e8a-9b3d-6f1a2c3e4d5f"


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def bot_environment(tmp_path: Path, **values: str) -> dict[str, str]:
    env = {
        **os.environ,
        "WASSTRAAT_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "WASSTRAAT_PORT": str(free_port()),
        "PYTHONUNBUFFERED": "1",
        **values,
    }
    for name in ("MICROSOFT_APP_ID", "MICROSOFT_APP_PASSWORD", "WASSTRAAT_ANONYMOUS_MODE"):
        if name not in values:
            env.pop(name, None)
    return env


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.1.2.3", "bot.gemeente.nl"])
def test_without_an_app_id_a_non_loopback_address_is_refused(host: str):
    refusal = settings(host=host).startup_refusal()
    assert refusal is not None
    assert "MICROSOFT_APP_ID" in refusal and "WASSTRAAT_ANONYMOUS_MODE" in refusal
    with pytest.raises(ValueError, match="Refusing to start"):
        create_app(settings(host=host))


@pytest.mark.parametrize(
    "values",
    [
        {"host": "127.0.0.1"},
        {"host": "localhost"},
        {"host": "::1"},
        {"host": "0.0.0.0", "anonymous_mode": True},
        {
            "host": "0.0.0.0",
            "MICROSOFT_APP_ID": APP_ID,
            "MICROSOFT_APP_PASSWORD": "secret",
            "MICROSOFT_APP_TENANT_ID": "tenant",
        },
    ],
)
def test_loopback_an_app_id_or_anonymous_mode_may_start(values: dict[str, object]):
    assert settings(**values).startup_refusal() is None


def test_python_m_bot_on_all_addresses_without_an_app_id_refuses_to_start(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        env=bot_environment(tmp_path, WASSTRAAT_HOST="0.0.0.0"),
        cwd=tmp_path,
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert b"Refusing to start: WASSTRAAT_HOST=0.0.0.0" in result.stderr


def test_make_run_defaults_still_start_on_loopback(tmp_path: Path):
    with running_bot(tmp_path, tmp_path / "bot.log") as port:
        wait_for_http(f"http://127.0.0.1:{port}/healthz")
    assert b"authentication: off, loopback only" in (tmp_path / "bot.log").read_bytes()


def test_anonymous_mode_starts_and_says_so_loudly(tmp_path: Path):
    env = bot_environment(tmp_path, WASSTRAAT_HOST="0.0.0.0", WASSTRAAT_ANONYMOUS_MODE="true")
    log = tmp_path / "bot.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot"], env=env, cwd=tmp_path, stdout=out, stderr=out
        )
        try:
            wait_for_http(f"http://127.0.0.1:{env['WASSTRAAT_PORT']}/healthz")
        finally:
            process.terminate()
            process.wait(timeout=10)
    logged = log.read_text()
    assert logged.count("ANONYMOUS MODE") >= 2  # on the console and in the log
    assert '"level": "WARNING"' in logged


def remote_request(address: str) -> web.Request:
    transport = mock.Mock()
    transport.get_extra_info.side_effect = lambda name, default=None: (
        (address, 50000) if name == "peername" else default
    )
    return make_mocked_request("POST", "/api/messages", transport=transport)


@pytest.mark.parametrize("address, status", [("10.0.0.7", 403), ("127.0.0.1", 200), ("::1", 200)])
async def test_without_authentication_only_loopback_is_served(address: str, status: int):
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=200)

    response = await loopback_only(remote_request(address), handler)
    assert response.status == status


def test_an_app_without_authentication_carries_the_loopback_guard():
    assert loopback_only in create_app(settings()).middlewares
    assert loopback_only not in create_app(settings(anonymous_mode=True)).middlewares
    assert ANONYMOUS_WARNING.startswith("ANONYMOUS MODE")
