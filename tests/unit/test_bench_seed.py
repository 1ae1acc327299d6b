"""The benchmarks' bulk seeding writes rows the store reads as its own (bench/seed.py goes
around SQLAlchemy for speed, so a schema change must not silently break it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from bench.seed import Placement, Prototype, kpis_proposed, mix, person_in, seed
from storage import Store, open_database, schema
from storage.portfolio import Filters, Viewer
from tests.tools.readers import ReadingStore
from wasstraat.samples import PE


async def test_seeded_trajectories_read_back_through_the_store(database_url: str):
    now = datetime.now(UTC).replace(microsecond=0)
    prototypes = mix(now)
    made = await seed(database_url, 2 * len(prototypes), prototypes=prototypes, now=now)
    mine = await seed(
        database_url,
        1,
        prototypes=[Prototype.of(kpis_proposed(), now=now, history=False)],
        placement=lambda i: Placement("team-id", 900),
        now=now,
        first=100,
    )
    database = await open_database(database_url)
    store = ReadingStore(Store(database))
    try:
        assert await store.count_trajectories() == 2 * len(prototypes) + 1
        first = await store.trajectory(made[0].id)
        assert first is not None and first.id == made[0].id
        assert first.binding.channel_key == made[0].channel
        listed = await store.trajectories_in_channel(made[0].channel)
        assert {t.id for t in listed} == {m.id for m in made if m.channel == made[0].channel}
        owner = person_in(PE, 900)
        [waiting] = await store.trajectories_of(owner.aad_object_id)
        assert waiting.id == mine[0].id and waiting.holds(owner.aad_object_id, "proceseigenaar")
        assert waiting.status_of("2").value == "active" and waiting.kpis
        assert await store.references.personal(owner.aad_object_id) is not None
        # everything delivered, no timer due: a bot started on it has nothing to catch up on
        later = now + timedelta(minutes=1)
        assert await store.outbox.claim(worker="w", now=later, lease=timedelta(minutes=1)) == []
        assert await store.timers.claim_due(worker="w", now=later, lease=timedelta(minutes=1)) == []
        assert len(await store.outbox_messages(trajectory_id=made[-1].id)) > 0
        assert len(await store.audit_entries(trajectory_id=made[-1].id)) > 0
        due = await store.timers.next_due()
        assert due is None or due > now
        # the portfolio as the store keeps it: computing it again changes no total
        async with database.connect() as conn:
            seeded = (await conn.execute(select(schema.portfolio_totals))).all()
        async with database.begin() as conn:
            for table in (schema.portfolio, schema.portfolio_counts, schema.portfolio_totals):
                await conn.execute(delete(table))
        assert await store.portfolio.refresh() == 2 * len(prototypes) + 1
        async with database.connect() as conn:
            kept = (await conn.execute(select(schema.portfolio_totals))).all()
        assert sorted(tuple(r) for r in seeded) == sorted(tuple(r) for r in kept)
        assert {
            t.id
            for t in (
                await store.portfolio.page(
                    Viewer("x", sees_all=True), Filters(team=made[0].team), now, offset=0, limit=50
                )
            )[0]
        } == {m.id for m in [*made, *mine] if m.team == made[0].team}
    finally:
        await database.dispose()
