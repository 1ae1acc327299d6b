"""One reader of ``Retry-After`` for Teams (the SDK's errors) and Graph (the calendar)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from bot.delivery.retry import http_status, parse_retry_after, retry_after

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_seconds_and_http_dates_are_read_and_anything_else_is_not():
    assert parse_retry_after("30", NOW) == 30.0
    assert parse_retry_after("Tue, 01 Dec 2026 09:02:00 GMT", NOW) == 120.0
    assert parse_retry_after("Tue, 01 Dec 2026 08:00:00 GMT", NOW) == 0.0  # past: at once
    assert parse_retry_after("-5", NOW) == 0.0
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after(None, NOW) is None


def test_an_sdk_error_gives_its_status_and_the_wait_teams_asked_for():
    throttled = Exception("throttled")
    throttled.response = SimpleNamespace(status=429, headers={"Retry-After": "3"})  # type: ignore[attr-defined]
    assert (http_status(throttled), retry_after(throttled, NOW)) == (429, 3.0)
    bare = Exception("no response")
    assert (http_status(bare), retry_after(bare, NOW)) == (None, None)
