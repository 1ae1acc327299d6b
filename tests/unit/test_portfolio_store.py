"""The portfolio kept beside the trajectories: its totals always equal the sum of what each
trajectory counts, people see their teams' and their own trajectories, the filters hold, and
trajectories stored before the portfolio existed are added at start-up."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from storage import Store, schema
from storage.portfolio import ALL_TEAMS, ALL_YEARS, Filters, Viewer
from wasstraat.model import Binding, Trajectory
from wasstraat.portfolio import facts
from wasstraat.samples import T0, Run, finish, to_step

TEAM_A = Binding(conversation_id="a", channel_id="a", team_id="team-a", team_name="Burgerzaken")
TEAM_B = Binding(conversation_id="b", channel_id="b", team_id="team-b", team_name="Belastingen")
ALL = Viewer("oid-sponsor", sees_all=True)


def at(step: str, *, trajectory_id: str, binding: Binding = TEAM_A, days: int = 0) -> Trajectory:
    run = Run(now=T0 + timedelta(days=days), binding=binding)
    to_step(run, step)
    return run.t.model_copy(update={"id": trajectory_id})


def evaluated(trajectory_id: str, binding: Binding = TEAM_A) -> Trajectory:
    run = Run(binding=binding)
    to_step(run, "evaluatie")
    finish(run, "evaluatie")
    return run.t.model_copy(update={"id": trajectory_id})


async def save(store: Store, *trajectories: Trajectory, with_before: bool = False) -> None:
    """Insert or update; ``with_before``: the update is told the stored version, as the
    workflow tells it (the portfolio then needs to read nothing)."""
    for t in trajectories:
        async with store.transaction(now=T0) as tx:
            if await store.trajectory(t.id) is None:
                await tx.insert_trajectory(t, now=T0)
            else:
                current = await store.trajectory(t.id)
                assert current is not None
                changed = t.model_copy(update={"version": current.version + 1})
                await tx.update_trajectory(
                    changed,
                    expected_version=current.version,
                    now=T0,
                    before=current if with_before else None,
                )


async def totals(store: Store) -> dict[tuple[str, int, str, str], int]:
    async with store.database.connect() as conn:
        rows = await conn.execute(select(schema.portfolio_totals))
        return {(r.team_id, r.year, r.metric, r.bucket): r.n for r in rows if r.n}


def expected_totals(trajectories: list[Trajectory]) -> dict[tuple[str, int, str, str], int]:
    sums: Counter[tuple[str, int, str, str]] = Counter()
    for t in trajectories:
        f = facts(t)
        for (metric, bucket), n in f.counts.items():
            for team in (f.team_id, ALL_TEAMS):
                for year in (f.year, ALL_YEARS):
                    sums[(team, year, metric, bucket)] += n
    return {k: n for k, n in sums.items() if n}


@pytest.mark.parametrize("with_before", [False, True])
async def test_the_totals_are_the_sum_of_every_trajectorys_counts_as_they_change(
    store: Store, with_before: bool
):
    first = at("1", trajectory_id="t-1")
    second = at("5", trajectory_id="t-2", binding=TEAM_B)
    await save(store, first, second)
    assert await totals(store) == expected_totals([first, second])
    # the first moves on (finished steps add durations), the second is evaluated
    first_later = at("8", trajectory_id="t-1")
    second_done = evaluated("t-2", TEAM_B)
    await save(store, first_later, second_done, with_before=with_before)
    assert await totals(store) == expected_totals([first_later, second_done])
    in_8, _, _ = await store.portfolio.page(ALL, Filters(step="8"), T0, offset=0, limit=5)
    assert [t.id for t in in_8] == ["t-1"]
    # each trajectory's own counts, as the summaries of people who see only some add them up
    async with store.database.connect() as conn:
        rows = (await conn.execute(select(schema.portfolio_counts))).all()
    for t in (first_later, second_done):
        assert {(r.metric, r.bucket): r.n for r in rows if r.trajectory_id == t.id} == facts(
            t
        ).counts
    # a change that moves nothing in the portfolio leaves it as it was
    renamed = first_later.model_copy(update={"product": "Rijbewijs"})
    await save(store, renamed, with_before=with_before)
    assert await totals(store) == expected_totals([first_later, second_done])
    counts = await store.portfolio.counts(ALL, Filters(), T0)
    assert counts[("trajectories", "running")] == 1
    assert counts[("trajectories", "finished")] == 1
    assert counts.get(("targets", "met"), 0) == 0 and counts[("targets", "missed")] == 1
    assert counts[("days:1", "0")] == 2  # step 1 of both took less than a day
    team_b = await store.portfolio.counts(ALL, Filters(team="team-b"), T0)
    assert team_b[("trajectories", "finished")] == 1 and ("trajectories", "running") not in team_b


async def test_people_see_their_teams_and_their_own_trajectories_only(store: Store):
    await save(
        store,
        at("2", trajectory_id="t-a"),
        at("2", trajectory_id="t-b", binding=TEAM_B),
    )
    await store.portfolio.set_team_members("team-a", ["oid-anke"])
    anke, bob = Viewer("oid-anke"), Viewer("oid-bob")
    found, more, _ = await store.portfolio.page(anke, Filters(), T0, offset=0, limit=10)
    assert [t.id for t in found] == ["t-a"] and not more
    assert (await store.portfolio.page(bob, Filters(), T0, offset=0, limit=10))[0] == []
    assert await store.portfolio.counts(bob, Filters(), T0) == {}
    # in the project group of a trajectory of another team: that one (Petra leads both)
    petra = Viewer("oid-petra")
    seen, _, _ = await store.portfolio.page(petra, Filters(), T0, offset=0, limit=10)
    assert {t.id for t in seen} == {"t-a", "t-b"}
    await store.portfolio.change_team_members("team-a", added=["oid-bob"], removed=["oid-anke"])
    assert (await store.portfolio.page(anke, Filters(), T0, offset=0, limit=10))[0] == []
    assert [
        t.id for t in (await store.portfolio.page(bob, Filters(), T0, offset=0, limit=10))[0]
    ] == ["t-a"]
    choices = await store.portfolio.choices(bob)
    assert [(team.id, team.name) for team in choices.teams] == [("team-a", "Burgerzaken")]
    everything = await store.portfolio.choices(ALL)
    assert [team.name for team in everything.teams] == ["Belastingen", "Burgerzaken"]
    assert everything.years == [T0.year]


async def test_filters_page_and_overdue_by_the_clock(store: Store):
    trajectories = [at("3b", trajectory_id=f"t-{n}", days=n) for n in range(5)]
    await save(store, *trajectories, at("5", trajectory_id="t-5", binding=TEAM_B, days=9))
    page, more, _ = await store.portfolio.page(ALL, Filters(team="team-a"), T0, offset=0, limit=3)
    assert [t.id for t in page] == ["t-4", "t-3", "t-2"] and more  # newest first
    rest, more, _ = await store.portfolio.page(ALL, Filters(team="team-a"), T0, offset=3, limit=3)
    assert [t.id for t in rest] == ["t-1", "t-0"] and not more
    in_5 = await store.portfolio.page(ALL, Filters(step="5"), T0, offset=0, limit=10)
    assert [t.id for t in in_5[0]] == ["t-5"]
    deadline = trajectories[0].steps["3b"].deadline
    assert deadline is not None
    before = await store.portfolio.page(
        ALL, Filters(status="overdue"), deadline, offset=0, limit=10
    )
    assert before[0] == []
    after = deadline + timedelta(minutes=1)
    late, _, _ = await store.portfolio.page(
        ALL, Filters(status="overdue"), after, offset=0, limit=10
    )
    on_time, _, _ = await store.portfolio.page(
        ALL, Filters(status="running"), after, offset=0, limit=10
    )
    assert "t-0" in {t.id for t in late} and "t-0" not in {t.id for t in on_time}
    assert (await store.portfolio.page(ALL, Filters(status="bogus"), T0, offset=0, limit=5))[
        0
    ] == []
    assert (await store.portfolio.page(ALL, Filters(year=1999), T0, offset=0, limit=5))[0] == []


async def test_lessons_are_searched_without_case_or_wildcards(store: Store):
    done = evaluated("t-e")
    lesson = done.evaluation.model_copy(update={"went_well": "De Balie-afspraak werkt 100%"})
    await save(store, done.model_copy(update={"evaluation": lesson}), at("3a", trajectory_id="t-r"))
    for query, ids in (("balie", ["t-e"]), ("100%", ["t-e"]), ("_", []), ("fiets", [])):
        found, _, _ = await store.portfolio.page(
            ALL, Filters(search=query), T0, offset=0, limit=5, evaluated=True
        )
        assert [t.id for t in found] == ids, query


async def test_trajectories_stored_before_the_portfolio_are_added_at_start_up(store: Store):
    await save(store, at("2", trajectory_id="t-old"), evaluated("t-done"))
    expected = await totals(store)
    async with store.database.begin() as conn:
        for table in (schema.portfolio, schema.portfolio_counts, schema.portfolio_totals):
            await conn.execute(delete(table))
    assert await store.portfolio.page(ALL, Filters(), T0, offset=0, limit=5) == ([], False, {})
    assert await store.portfolio.refresh(batch=1) == 2
    assert await store.portfolio.refresh() == 0
    assert await totals(store) == expected
    found, _, _ = await store.portfolio.page(ALL, Filters(), T0, offset=0, limit=5)
    assert {t.id for t in found} == {"t-old", "t-done"}


async def test_a_page_read_again_shows_what_changed_since(store: Store):
    await save(store, at("2", trajectory_id="t-1"))
    first, _, _ = await store.portfolio.page(ALL, Filters(), T0, offset=0, limit=5)
    assert first[0].product == "Parkeervergunning"
    await save(store, at("3a", trajectory_id="t-1").model_copy(update={"product": "Paspoort"}))
    again, _, _ = await store.portfolio.page(ALL, Filters(), T0, offset=0, limit=5)
    assert again[0].product == "Paspoort" and again[0].status_of("3a").value == "active"
