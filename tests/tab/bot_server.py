"""The bot itself, serving the portfolio tab on loopback for the browser tests and screenshots:
its whole web application (``bot.app.create_app``) on a SQLite database in a temporary
directory, the municipality of :mod:`tests.tab.municipality` stored through its own store, and
the browser tests' Teams host page on the same origin (teams-js wants its host there).

Without ``signed`` the bot has no app id: loopback only, the tab's local developer sees
everything. With ``signed`` it has an app id and a tenant, checks the tab's single sign-on
tokens against Entra on loopback (:mod:`tests.tab.sso`), and the sponsor Sanne, named in the
settings, sees the whole municipality.

It runs in a thread with an event loop of its own, because synchronous Playwright keeps the
test's thread."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from aiohttp import web

from bot.app import RUNTIME, create_app
from bot.settings import Settings
from tests.e2e.teams_host import add_host_route
from tests.tab.municipality import SANNE, TODAY, store_municipality
from tests.tab.sso import APP_ID, DOMAIN, TENANT, Entra, sso_token

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "node_modules"


@contextmanager
def serving_bot(*, signed: bool = False) -> Iterator[tuple[str, str | None]]:
    """The bot's base URL, and the token a Teams host hands the sponsor's page (None when
    the bot has no app id)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="tab-bot", daemon=True)
    thread.start()
    directory = Path(tempfile.mkdtemp(prefix="wasstraat-tab-"))
    entra = Entra() if signed else None
    runner: web.AppRunner | None = None

    async def start() -> str:
        nonlocal runner
        extra: dict[str, object] = {}
        if entra is not None:
            await entra.start()
            extra = {
                "MICROSOFT_APP_ID": APP_ID,
                "MICROSOFT_APP_PASSWORD": "not-used-here",
                "MICROSOFT_APP_TENANT_ID": TENANT,
                "public_domain": DOMAIN,
                "sso_metadata_url": entra.metadata_url,
                "portfolio_viewer_ids": SANNE.aad_object_id,
            }
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            database_url=f"sqlite:///{directory / 'bot.db'}",
            deliver_in_background=False,
            run_timers=False,
            log_level="WARNING",
            **extra,
        )
        app = create_app(settings, clock=lambda: TODAY)
        add_host_route(app)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        await store_municipality(app[RUNTIME].services.store)
        host, port = runner.addresses[0][:2]
        return f"http://{host}:{port}"

    async def stop() -> None:
        if runner is not None:
            await runner.cleanup()
        if entra is not None:
            await entra.close()

    try:
        url = asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=120)
        token = sso_token(SANNE.aad_object_id, "Sanne de Vries") if signed else None
        yield url, token
    finally:
        asyncio.run_coroutine_threadsafe(stop(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
        shutil.rmtree(directory, ignore_errors=True)
