from __future__ import annotations

import copy
import io
import json
import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.engine import make_url

from bot.app import RUNTIME, create_app
from bot.logs import handler_for
from bot.settings import Settings
from storage import Store, open_database
from tests.fakes import FakeConnector
from tests.tools.readers import ReadingStore

FIXTURES = Path(__file__).parent / "fixtures" / "playground"
TENANT = "00000000-0000-0000-0000-0000000000001"
ALEX = "00000000-0000-0000-0000-0000000000020"


class FixedClock:
    """An injected clock that tests move by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def production_log() -> Iterator[io.StringIO]:
    """Everything logged while the test runs, as the deployed bot writes it (JSON lines)."""
    stream = io.StringIO()
    handler = handler_for("json")
    handler.setStream(stream)  # type: ignore[attr-defined]
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))


@pytest.fixture
async def database_url(tmp_path: Path) -> AsyncIterator[str]:
    """SQLite by default; with WASSTRAAT_TEST_POSTGRES (an admin URL) a fresh PostgreSQL
    database per test, so the whole suite also runs on the scale-out database."""
    admin = os.environ.get("WASSTRAAT_TEST_POSTGRES")
    if not admin:
        yield f"sqlite:///{tmp_path / 'wasstraat.db'}"
        return
    url = make_url(admin)
    name = f"wasstraat_test_{uuid.uuid4().hex[:12]}"
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
        yield url.set(database=name).render_as_string(hide_password=False)
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[ReadingStore]:
    database = await open_database(database_url)
    yield ReadingStore(Store(database))
    await database.dispose()


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = FakeConnector()
    await fake.start()
    yield fake
    await fake.close()


def payload(name: str, connector: FakeConnector, **changes: Any) -> dict[str, Any]:
    """A captured Playground payload, pointed at the fake connector, with a fresh id."""
    activity = copy.deepcopy(json.loads((FIXTURES / f"{name}.json").read_text("utf-8")))
    activity["serviceUrl"] = connector.url
    activity["id"] = str(uuid.uuid4())
    for key, value in changes.items():
        activity[key] = value
    return activity


class BotClient:
    def __init__(self, client: TestClient, connector: FakeConnector) -> None:
        self.http = client
        self.connector = connector

    @property
    def store(self) -> ReadingStore:
        return ReadingStore(self.http.server.app[RUNTIME].services.store)

    async def post(self, activity: dict[str, Any], **headers: str) -> Any:
        return await self.http.post("/api/messages", json=activity, headers=headers)

    async def say(
        self, text: str, *, fixture: str = "message_text_personal", **changes: Any
    ) -> Any:
        activity = payload(fixture, self.connector, text=text, **changes)
        response = await self.post(activity)
        assert response.status in (200, 201), await response.text()
        return response


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=database_url, deliver_in_background=False, run_timers=False
    )


@pytest.fixture
async def bot(
    settings: Settings, connector: FakeConnector, clock: FixedClock
) -> AsyncIterator[BotClient]:
    client = TestClient(TestServer(create_app(settings, clock=clock), host="127.0.0.1"))
    await client.start_server()
    yield BotClient(client, connector)
    await client.close()
