from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text

from storage import AlreadyProcessed, EtagConflict, StaleVersion, Store, open_database, schema
from storage.database import alembic_config
from storage.schema import metadata
from wasstraat.engine import start_trajectory
from wasstraat.model import Binding, Person
from wasstraat.template import default_template

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def a_trajectory(trajectory_id: str = "t1", channel: str = "chan"):
    return start_trajectory(
        trajectory_id=trajectory_id,
        product="Parkeervergunning",
        binding=Binding(conversation_id=channel, tenant_id="tenant"),
        project_leader=Person(aad_object_id="oid-1", name="Alex"),
        template=default_template(),
        now=NOW,
    ).trajectory


async def test_migrations_from_empty_create_exactly_the_schema(database_url: str):
    database = await open_database(database_url)
    try:
        async with database.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), metadata)
            )
            if database.dialect == "sqlite":
                assert await conn.scalar(text("PRAGMA journal_mode")) == "wal"
            revision = await conn.scalar(text("SELECT version_num FROM alembic_version"))
        assert diff == []
        assert revision == "0009"
    finally:
        await database.dispose()


async def test_the_audit_copy_in_stored_documents_is_dropped_and_nothing_else(database_url: str):
    old = a_trajectory().model_dump(mode="json")
    entry = {"at": NOW.isoformat(), "actor": "oid-1", "action": "start", "detail": {}}
    database = await open_database(database_url, migrate=False)
    try:
        async with database.begin() as conn:
            await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), "0006"))
            await conn.execute(
                schema.trajectories.insert().values(
                    id="t1",
                    channel_key="chan",
                    product="Parkeervergunning",
                    status="running",
                    document={**old, "audit": [entry]},
                    version=1,
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
    finally:
        await database.dispose()
    database = await open_database(database_url)
    try:
        async with database.connect() as conn:
            document = await conn.scalar(select(schema.trajectories.c.document))
        assert document == old
    finally:
        await database.dispose()


async def test_migrating_twice_is_harmless(database_url: str):
    for _ in range(2):
        database = await open_database(database_url)
        await database.dispose()


async def test_replicas_starting_together_migrate_once(database_url: str):
    if not database_url.startswith("postgresql"):
        pytest.skip("replicas share a PostgreSQL database; SQLite is one process's")
    # without the lock the three deadlock on the schema (or fail on a duplicate table)
    starts = asyncio.gather(*(open_database(database_url) for _ in range(3)))
    databases = await asyncio.wait_for(starts, timeout=60)
    try:
        async with databases[0].connect() as conn:
            versions = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
        assert len(versions) == 1
    finally:
        for database in databases:
            await database.dispose()


async def test_trajectory_round_trip_keeps_aware_timestamps(store: Store):
    async with store.transaction(now=NOW) as tx:
        await tx.insert_trajectory(a_trajectory(), now=NOW)
    loaded = await store.trajectory("t1")
    assert loaded == a_trajectory()
    assert loaded is not None and loaded.created_at.tzinfo is not None


async def test_update_with_stale_version_raises_and_changes_nothing(store: Store):
    original = a_trajectory()
    async with store.transaction(now=NOW) as tx:
        await tx.insert_trajectory(original, now=NOW)
    newer = original.model_copy(update={"product": "Paspoort", "version": 2})
    async with store.transaction(now=NOW) as tx:
        await tx.update_trajectory(newer, expected_version=1, now=NOW)
    stale = original.model_copy(update={"product": "Rijbewijs", "version": 2})
    with pytest.raises(StaleVersion):
        async with store.transaction(now=NOW) as tx:
            await tx.update_trajectory(stale, expected_version=1, now=NOW)
    loaded = await store.trajectory("t1")
    assert loaded is not None and (loaded.product, loaded.version) == ("Paspoort", 2)


async def test_a_failed_transaction_leaves_nothing_behind(store: Store):
    with pytest.raises(RuntimeError):
        async with store.transaction(activity_id="act-1", now=NOW) as tx:
            await tx.insert_trajectory(a_trajectory(), now=NOW)
            raise RuntimeError("crash before commit")
    assert await store.count_trajectories() == 0
    assert not await store.inbox_seen("act-1")


async def test_inbox_makes_a_redelivered_activity_change_nothing(store: Store):
    async with store.transaction(activity_id="act-1", now=NOW) as tx:
        await tx.insert_trajectory(a_trajectory("t1"), now=NOW)
    with pytest.raises(AlreadyProcessed):
        async with store.transaction(activity_id="act-1", now=NOW) as tx:
            await tx.insert_trajectory(a_trajectory("t2"), now=NOW)
    assert await store.count_trajectories() == 1
    assert await store.inbox_seen("act-1")


async def test_remember_activity_is_idempotent(store: Store):
    assert not await store.inbox_seen("act-2")
    await store.remember_activity("act-2", now=NOW)
    await store.remember_activity("act-2", now=NOW)
    assert await store.inbox_seen("act-2")


async def test_channel_listing_is_newest_first_and_per_channel(store: Store):
    for index in range(3):
        trajectory = a_trajectory(f"t{index}").model_copy(
            update={"created_at": NOW + timedelta(days=index)}
        )
        async with store.transaction(now=NOW) as tx:
            await tx.insert_trajectory(trajectory, now=NOW)
    async with store.transaction(now=NOW) as tx:
        await tx.insert_trajectory(a_trajectory("other", channel="elsewhere"), now=NOW)
    listed = await store.trajectories_in_channel("chan", limit=2)
    assert [t.id for t in listed] == ["t2", "t1"]
    assert await store.count_trajectories(channel_key="chan") == 3


async def test_timers_have_deterministic_ids_and_setting_again_moves_them(store: Store):
    async with store.transaction(now=NOW) as tx:
        await tx.set_timer(timer_id="t1:3b:deadline", kind="deadline", due_at=NOW, now=NOW)
        await tx.set_timer(
            timer_id="t1:3b:deadline", kind="deadline", due_at=NOW + timedelta(days=2), now=NOW
        )
    async with store.database.connect() as conn:
        rows = (await conn.execute(text("SELECT id, due_at FROM timers"))).all()
    assert len(rows) == 1


async def test_state_etags(store: Store):
    first = await store.dialogs.write("k", {"a": 1}, expected_etag=None, now=NOW)
    assert await store.dialogs.read(["k", "missing"]) == {"k": ({"a": 1}, first)}
    second = await store.dialogs.write("k", {"a": 2}, expected_etag=first, now=NOW)
    assert second != first
    with pytest.raises(EtagConflict):
        await store.dialogs.write("k", {"a": 3}, expected_etag=first, now=NOW)
    assert (await store.dialogs.read(["k"]))["k"][0] == {"a": 2}
    await store.dialogs.write("k", {"a": 4}, expected_etag="*", now=NOW)
    assert (await store.dialogs.read(["k"]))["k"][0] == {"a": 4}
    with pytest.raises(EtagConflict):
        await store.dialogs.write("new", {"a": 5}, expected_etag="some-etag", now=NOW)
    await store.dialogs.delete(["k"])
    assert await store.dialogs.read(["k"]) == {}


async def test_ping_is_false_when_the_database_is_broken(tmp_path):
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"this is not a database" * 100)
    database = await open_database(f"sqlite:///{broken}", migrate=False)
    assert not await database.ping()
    await database.dispose()
