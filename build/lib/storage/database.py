"""Opening the database: engine, SQLite pragmas, migrations on start."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

MIGRATIONS = Path(__file__).with_name("migrations")
# replicas that start together migrate one after the other (a PostgreSQL advisory lock)
MIGRATION_LOCK = 0x57A5_7AA7


@dataclass(frozen=True, slots=True)
class Database:
    engine: AsyncEngine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    async def migrated(self) -> bool:
        """True when the schema is at the newest migration."""
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        try:
            async with self.engine.connect() as conn:
                current = await conn.scalar(text("SELECT version_num FROM alembic_version"))
        except Exception:
            return False
        return current == head

    async def dispose(self) -> None:
        await self.engine.dispose()


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
    """Create the engine (and the SQLite file's folder); migrate the schema to the newest."""
    # statement parameters hold trajectory documents: never put them in error messages/logs
    engine_options.setdefault("hide_parameters", True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, **engine_options)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    else:
        engine_options.setdefault("pool_pre_ping", True)
        engine = create_async_engine(url, **engine_options)
    database = Database(engine)
    if migrate:
        async with engine.begin() as conn:
            if database.dialect == "postgresql":
                # held until this transaction ends; the next replica then finds the schema done
                await conn.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                )
            await conn.run_sync(_upgrade)
    return database
