"""Opening the database: engine, SQLite pragmas, migrations on start.

PostgreSQL is used through SQLAlchemy's asyncio extension (asyncpg). SQLite runs in this process:
its statements take microseconds, so they are executed on the event loop itself, through
:class:`InlineConnection`, instead of through a driver that hands every call (cursor, execute,
fetch, close, commit) to a worker thread and back; those hand-offs cost more than the statements
(measured with ``make bench``: an approve turn's five writes took 3.9 ms of CPU that way and
1.7 ms inline). Writers in one process are queued by the store, so a statement never waits for
SQLite's lock behind another writer of the same process.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

MIGRATIONS = Path(__file__).with_name("migrations")
# replicas that start together migrate one after the other (a PostgreSQL advisory lock)
MIGRATION_LOCK = 0x57A5_7AA7
T = TypeVar("T")


class Conn(Protocol):
    """What the store asks of a connection: SQLAlchemy's ``AsyncConnection`` (PostgreSQL) or
    an :class:`InlineConnection` (SQLite)."""

    @property
    def dialect(self) -> Dialect: ...

    async def execute(self, statement: Any, parameters: Any = None) -> Any: ...

    async def scalar(self, statement: Any, parameters: Any = None) -> Any: ...

    async def scalars(self, statement: Any, parameters: Any = None) -> Any: ...

    async def run_sync(self, fn: Callable[..., T], *args: Any) -> T: ...


def dialect_insert(conn: Conn, table: Any) -> Any:
    """An INSERT that knows ON CONFLICT for the connection's dialect."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


class InlineConnection:
    """A synchronous SQLAlchemy connection offered with the awaitable methods of an
    ``AsyncConnection``; each statement runs at once, on the calling thread."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    @property
    def dialect(self) -> Dialect:
        return self._connection.dialect

    async def execute(self, statement: Any, parameters: Any = None) -> Any:
        return self._connection.execute(statement, parameters)

    async def scalar(self, statement: Any, parameters: Any = None) -> Any:
        return self._connection.scalar(statement, parameters)

    async def scalars(self, statement: Any, parameters: Any = None) -> Any:
        return self._connection.scalars(statement, parameters)

    async def run_sync(self, fn: Callable[..., T], *args: Any) -> T:
        return fn(self._connection, *args)


@dataclass(frozen=True, slots=True)
class Database:
    """One of two engines: ``engine`` (asyncio, PostgreSQL) or ``inline`` (SQLite)."""

    engine: AsyncEngine | None = None
    inline: Engine | None = None

    @property
    def dialect(self) -> str:
        return self._either.dialect.name

    @property
    def _either(self) -> AsyncEngine | Engine:
        engine = self.engine or self.inline
        assert engine is not None
        return engine

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[Conn]:
        """A connection; what it did uncommitted is rolled back when it is returned."""
        if self.inline is not None:
            with self.inline.connect() as connection:
                yield InlineConnection(connection)
            return
        assert self.engine is not None
        async with self.engine.connect() as conn:
            yield conn

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[Conn]:
        """A connection in a transaction, committed at the end (rolled back on an error)."""
        if self.inline is not None:
            with self.inline.begin() as connection:
                yield InlineConnection(connection)
            return
        assert self.engine is not None
        async with self.engine.begin() as conn:
            yield conn

    async def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            async with self.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    async def migrated(self) -> bool:
        """True when the schema is at the newest migration."""
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        try:
            async with self.connect() as conn:
                current = await conn.scalar(text("SELECT version_num FROM alembic_version"))
        except Exception:
            return False
        return current == head

    async def dispose(self) -> None:
        if self.engine is not None:
            await self.engine.dispose()
        if self.inline is not None:
            self.inline.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")


async def open_database(url: str, *, migrate: bool = True, **engine_options: Any) -> Database:
    """Create the engine (and the SQLite file's folder); migrate the schema to the newest.
    ``sqlite:///path`` (``sqlite+aiosqlite:///path`` is read the same) or
    ``postgresql+asyncpg://…``."""
    # statement parameters hold trajectory documents: never put them in error messages/logs
    engine_options.setdefault("hide_parameters", True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        inline = create_engine(parsed.set(drivername="sqlite"), **engine_options)
        event.listen(inline, "connect", _sqlite_pragmas)
        database = Database(inline=inline)
        if migrate:
            with inline.begin() as connection:
                _upgrade(connection)
        return database
    engine_options.setdefault("pool_pre_ping", False)
    engine = create_async_engine(url, **engine_options)
    database = Database(engine=engine)
    if migrate:
        async with engine.begin() as conn:
            # held until this transaction ends; the next replica then finds the schema done
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            await conn.run_sync(_upgrade)
    return database
