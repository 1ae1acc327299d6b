"""Logging: one JSON object per line (or plain text locally), each record carrying the
correlation id of the turn, delivery or timer it belongs to. Never message text, names,
e-mail addresses or tokens: only ids of our own things and codes."""

from __future__ import annotations

import contextvars
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from pythonjsonlogger.json import JsonFormatter

CORRELATION: contextvars.ContextVar[str] = contextvars.ContextVar("correlation_id", default="-")


def new_correlation_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@contextmanager
def correlated(correlation_id: str) -> Iterator[str]:
    """Records logged inside carry ``correlation_id``."""
    token = CORRELATION.set(correlation_id)
    try:
        yield correlation_id
    finally:
        CORRELATION.reset(token)


class CorrelationFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = CORRELATION.get()
        return True


def configure(level: str, fmt: str) -> None:
    """The one place logging is set up (``python -m bot``)."""
    handler = logging.StreamHandler()
    handler.addFilter(CorrelationFilter())
    if fmt == "json":
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                datefmt="%Y-%m-%dT%H:%M:%S%z",
            )
        )
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(correlation_id)s] %(message)s")
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    quiet_chatty_libraries()


# libraries that log request bodies or SQL parameters (trajectory documents, names) at DEBUG
CHATTY = ("msrest", "botframework", "urllib3", "msal", "asyncio", "aiohttp.client")


def quiet_chatty_libraries() -> None:
    """Never below INFO for libraries whose DEBUG records carry personal data."""
    for name in CHATTY:
        logger = logging.getLogger(name)
        logger.setLevel(max(logging.INFO, logger.getEffectiveLevel()))
