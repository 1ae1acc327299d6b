"""Logging: one JSON object per line (or plain text locally), each record carrying the
correlation id of the turn, delivery or timer it belongs to. Never message text, names,
e-mail addresses or tokens: only ids of our own things and codes."""

from __future__ import annotations

import contextvars
import logging
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

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


ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


def redacted_traceback(exc_info: ExcInfo) -> str:
    """A traceback with its frames (file, line, function, code) and the type of each exception
    in the chain, but never an exception's message: messages carry input (pydantic's
    ``input_value``, SQL parameters, a request's text)."""
    error = exc_info[1]
    chain: list[BaseException] = []
    while error is not None and error not in chain:
        chain.append(error)
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    parts = []
    for error in reversed(chain):
        kind = type(error)
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(error.__traceback__))
        parts.append(f"{kind.__module__}.{kind.__qualname__} (message withheld)\n")
    return "".join(parts).rstrip("\n")


class RedactingFormatter(logging.Formatter):
    """Plain text records whose exceptions are logged without their messages."""

    def formatException(self, ei: ExcInfo) -> str:
        return redacted_traceback(ei)


class RedactingJsonFormatter(JsonFormatter):
    """JSON records whose exceptions are logged without their messages."""

    def formatException(self, ei: ExcInfo) -> str:
        return redacted_traceback(ei)


def handler_for(fmt: str) -> logging.Handler:
    """The bot's log handler: correlation ids, and exceptions without their messages."""
    handler = logging.StreamHandler()
    handler.addFilter(CorrelationFilter())
    if fmt == "json":
        handler.setFormatter(
            RedactingJsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                datefmt="%Y-%m-%dT%H:%M:%S%z",
            )
        )
    else:
        handler.setFormatter(
            RedactingFormatter(
                "%(asctime)s %(levelname)s %(name)s [%(correlation_id)s] %(message)s"
            )
        )
    return handler


def configure(level: str, fmt: str) -> None:
    """The one place logging is set up (``python -m bot``)."""
    root = logging.getLogger()
    root.handlers[:] = [handler_for(fmt)]
    root.setLevel(level.upper())
    quiet_chatty_libraries()


# libraries that log request bodies or SQL parameters (trajectory documents, names) at DEBUG
CHATTY = ("msrest", "botframework", "urllib3", "msal", "asyncio", "aiohttp.client")


def quiet_chatty_libraries() -> None:
    """Never below INFO for libraries whose DEBUG records carry personal data."""
    for name in CHATTY:
        logger = logging.getLogger(name)
        logger.setLevel(max(logging.INFO, logger.getEffectiveLevel()))
