"""``python -m bot``: run the bot with settings from the environment (or ``.env``)."""

from __future__ import annotations

import logging
import sys

from aiohttp import web

from bot.app import ANONYMOUS_WARNING, create_app
from bot.logs import configure
from bot.settings import Settings


def main() -> None:
    settings = Settings()
    configure(settings.log_level, settings.log_format)
    refusal = settings.startup_refusal()
    if refusal:
        logging.getLogger("bot").critical(refusal)
        print(refusal, file=sys.stderr, flush=True)
        raise SystemExit(2)
    if not settings.auth_enabled and settings.anonymous_mode:
        print(ANONYMOUS_WARNING, file=sys.stderr, flush=True)
    print(f"Wasstraat bot on http://{settings.host}:{settings.port}/api/messages", flush=True)
    web.run_app(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        print=None,
        access_log=None,
    )


if __name__ == "__main__":
    main()
