"""The portfolio in the database: each trajectory's row, counts and their totals kept beside the
trajectory in its own transaction, and the queries the portfolio tab reads.

A trajectory's facts (``wasstraat.portfolio.facts``) are written with every change to it; its
counts change the totals by their difference, for its team and year, for every team and for
every year. A summary for a person who sees the whole municipality therefore reads the totals
(a few hundred rows at most), however many trajectories there are; anyone else's summary adds
up the counts of the trajectories they can see. Lists are filtered, sorted and paged by indexed
columns, and read the trajectory documents of one page only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, bindparam, delete, false, func, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from storage import schema
from storage.base import Repository, Writer
from storage.database import Conn, dialect_insert
from storage.documents import DOCUMENT, ReadCache, read_document
from wasstraat.model import Trajectory, TrajectoryStatus
from wasstraat.portfolio import FACTS_VERSION, Facts, facts

ALL_TEAMS = "*"
ALL_YEARS = 0
P = schema.portfolio.c

# what the tab's status filter offers: a running trajectory is either on time or overdue
RUNNING = TrajectoryStatus.RUNNING.value
OVERDUE = "overdue"
STATUSES = (
    RUNNING,
    OVERDUE,
    *(s.value for s in TrajectoryStatus if s is not TrajectoryStatus.RUNNING),
)

_DELETE_COUNT = delete(schema.portfolio_counts).where(
    schema.portfolio_counts.c.trajectory_id == bindparam("trajectory_id"),
    schema.portfolio_counts.c.metric == bindparam("metric"),
    schema.portfolio_counts.c.bucket == bindparam("bucket"),
)
_SELECT_COUNTS = select(
    schema.portfolio_counts.c.metric, schema.portfolio_counts.c.bucket, schema.portfolio_counts.c.n
).where(schema.portfolio_counts.c.trajectory_id == bindparam("trajectory_id"))


_UPSERTS: dict[tuple[str, str], Any] = {}


def _upsert(conn: Conn, table: Table, *, add: bool = False) -> Any:
    """INSERT … ON CONFLICT (its primary key) of ``table`` setting every other column to the
    new row's (``add``: adding the new ``n`` to the stored one), built once per dialect: the
    portfolio writes it with every change that moves something there, rows as parameters."""
    found = _UPSERTS.get((table.name, conn.dialect.name))
    if found is None:
        insert = dialect_insert(conn, table)
        keys = [column.name for column in table.primary_key.columns]
        found = _UPSERTS[table.name, conn.dialect.name] = insert.on_conflict_do_update(
            index_elements=keys,
            set_={
                column.name: (column + insert.excluded[column.name])
                if add
                else insert.excluded[column.name]
                for column in table.c
                if column.name not in keys
            },
        )
    return found


def _row(trajectory: Trajectory, f: Facts) -> dict[str, Any]:
    return {
        "trajectory_id": trajectory.id,
        "tenant_id": trajectory.binding.tenant_id,
        "team_id": f.team_id,
        "team_name": f.team_name,
        "year": f.year,
        "step": f.step,
        "status": f.status,
        "overdue_at": f.overdue_at,
        "started_at": f.started_at,
        "evaluated_at": f.evaluated_at,
        "lessons": f.lessons,
        "facts_version": FACTS_VERSION,
    }


async def keep(conn: Conn, trajectory: Trajectory, *, before: Trajectory | None = None) -> None:
    """Write the trajectory's place in the portfolio, and move the totals by what changed.

    ``before``: the version the stored one is (the caller's write checked that), whose facts
    are then what is stored: a change that moves nothing in the portfolio (most of them)
    writes nothing, and no stored counts need reading."""
    f = facts(trajectory)
    old = facts(before) if before is not None else None
    if old == f:
        return
    row = _row(trajectory, f)
    if old is None or _row(trajectory, old) != row:
        await conn.execute(_upsert(conn, schema.portfolio), row)
    if old is not None:
        counted = old.counts
    else:
        counted = {
            (r.metric, r.bucket): r.n
            for r in await conn.execute(_SELECT_COUNTS, {"trajectory_id": trajectory.id})
        }
    if counted == f.counts:
        return
    delta: Counter[tuple[str, str]] = Counter(f.counts)
    delta.subtract(counted)
    if not counted and f.team_id:  # its first time in the portfolio: its team is known
        team = dialect_insert(conn, schema.portfolio_teams).values(
            team_id=f.team_id, name=f.team_name
        )
        await conn.execute(team.on_conflict_do_nothing(index_elements=["team_id"]))
    # only the counts that changed: set (or add) those still counted, remove those gone
    kept = [
        {"trajectory_id": trajectory.id, "metric": m, "bucket": b, "n": f.counts[(m, b)]}
        for (m, b), n in sorted(delta.items())
        if n and (m, b) in f.counts
    ]
    gone = [
        {"trajectory_id": trajectory.id, "metric": m, "bucket": b}
        for (m, b), n in sorted(delta.items())
        if n and (m, b) not in f.counts
    ]
    if kept:
        await conn.execute(_upsert(conn, schema.portfolio_counts), kept)
    if gone:
        await conn.execute(_DELETE_COUNT, gone)
    changes = [
        {"team_id": team, "year": year, "metric": m, "bucket": b, "n": n}
        for (m, b), n in sorted(delta.items())
        if n
        for team in (f.team_id, ALL_TEAMS)
        for year in (f.year, ALL_YEARS)
    ]
    if changes:
        await conn.execute(_upsert(conn, schema.portfolio_totals, add=True), changes)


async def stale(conn: Conn, *, limit: int) -> list[str]:
    """Trajectories whose portfolio facts are missing or of an older version."""
    rows = await conn.execute(
        select(schema.trajectories.c.id)
        .select_from(
            schema.trajectories.outerjoin(
                schema.portfolio, P.trajectory_id == schema.trajectories.c.id
            )
        )
        .where(or_(P.trajectory_id.is_(None), P.facts_version != FACTS_VERSION))
        .order_by(schema.trajectories.c.id)
        .limit(limit)
    )
    return [r.id for r in rows]


# -- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Viewer:
    """Whose portfolio: a person by object id, and whether they see the whole municipality."""

    person: str
    sees_all: bool = False


@dataclass(frozen=True, slots=True)
class Filters:
    team: str | None = None
    step: str | None = None
    status: str | None = None
    year: int | None = None
    search: str | None = None  # in the lessons learned
    with_lessons: bool = False  # only trajectories with lessons learned


@dataclass(frozen=True, slots=True)
class Team:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Choices:
    """What the filters offer this viewer."""

    teams: list[Team] = field(default_factory=list)
    years: list[int] = field(default_factory=list)


def _visible(viewer: Viewer) -> ColumnElement[bool]:
    if viewer.sees_all:
        return true()
    member_of = select(schema.memberships.c.trajectory_id).where(
        schema.memberships.c.aad_object_id == viewer.person
    )
    teams = select(schema.team_members.c.team_id).where(
        schema.team_members.c.aad_object_id == viewer.person
    )
    return or_(P.trajectory_id.in_(member_of), and_(P.team_id != "", P.team_id.in_(teams)))


def _filtered(viewer: Viewer, filters: Filters, now: datetime) -> list[ColumnElement[bool]]:
    clauses = [_visible(viewer)]
    if filters.team is not None:
        clauses.append(P.team_id == filters.team)
    if filters.step:
        clauses.append(P.step == filters.step)
    if filters.year:
        clauses.append(P.year == filters.year)
    if filters.status == OVERDUE:
        clauses.append(and_(P.status == RUNNING, P.overdue_at <= now))
    elif filters.status == RUNNING:
        clauses.append(and_(P.status == RUNNING, or_(P.overdue_at.is_(None), P.overdue_at > now)))
    elif filters.status in STATUSES:
        clauses.append(P.status == filters.status)
    elif filters.status:
        clauses.append(false())
    if filters.with_lessons:
        clauses.append(P.lessons != "")
    if filters.search:
        clauses.append(func.lower(P.lessons).contains(filters.search.lower(), autoescape=True))
    return clauses


async def _documents(
    conn: Conn, ids: Sequence[str], cache: ReadCache | None = None
) -> dict[str, Trajectory]:
    """The trajectories with these ids; with a cache, only those changed since are parsed."""
    if not ids:
        return {}
    found: dict[str, Trajectory] = {}
    missing = list(ids)
    if cache is not None:
        versions = await conn.execute(
            select(schema.trajectories.c.id, schema.trajectories.c.version).where(
                schema.trajectories.c.id.in_(ids)
            )
        )
        missing = []
        for row in versions:
            kept = cache.get(row.id, row.version)
            if kept is None:
                missing.append(row.id)
            else:
                found[row.id] = kept
    if missing:
        rows = await conn.execute(
            select(schema.trajectories.c.id, schema.trajectories.c.version, DOCUMENT).where(
                schema.trajectories.c.id.in_(missing)
            )
        )
        for row in rows:
            trajectory = found[row.id] = read_document(row.document)
            if cache is not None:
                cache.put(trajectory, row.version)
    return found


async def page(
    conn: Conn,
    viewer: Viewer,
    filters: Filters,
    now: datetime,
    *,
    offset: int,
    limit: int,
    cache: ReadCache | None = None,
    evaluated: bool = False,
) -> tuple[list[Trajectory], bool]:
    """One page of the trajectories, newest first, and whether there are more; ``evaluated``:
    only evaluated ones (with a search, those whose lessons hold it), latest evaluation first."""
    clauses = _filtered(viewer, filters, now)
    order = [P.started_at.desc(), P.trajectory_id.desc()]
    if evaluated:
        clauses.append(P.evaluated_at.is_not(None))
        order = [P.evaluated_at.desc(), P.trajectory_id.desc()]
    rows = await conn.execute(
        select(P.trajectory_id).where(*clauses).order_by(*order).offset(offset).limit(limit + 1)
    )
    ids = [r.trajectory_id for r in rows]
    documents = await _documents(conn, ids[:limit], cache)
    return [documents[i] for i in ids[:limit] if i in documents], len(ids) > limit


async def counts(
    conn: Conn, viewer: Viewer, filters: Filters, now: datetime
) -> dict[tuple[str, str], int]:
    """The summed counts of the trajectories the viewer sees, by team and year only."""
    c = schema.portfolio_counts.c
    if viewer.sees_all:
        t = schema.portfolio_totals.c
        rows = await conn.execute(
            select(t.metric, t.bucket, t.n).where(
                t.team_id == (ALL_TEAMS if filters.team is None else filters.team),
                t.year == (filters.year or ALL_YEARS),
                t.n != 0,
            )
        )
        return {(r.metric, r.bucket): r.n for r in rows}
    scope = Filters(team=filters.team, year=filters.year)
    rows = await conn.execute(
        select(c.metric, c.bucket, func.sum(c.n).label("n"))
        .select_from(
            schema.portfolio_counts.join(schema.portfolio, P.trajectory_id == c.trajectory_id)
        )
        .where(*_filtered(viewer, scope, now))
        .group_by(c.metric, c.bucket)
    )
    return {(r.metric, r.bucket): int(r.n) for r in rows if r.n}


async def choices(conn: Conn, viewer: Viewer) -> Choices:
    """The teams and years the viewer's trajectories are in."""
    t = schema.portfolio_totals.c
    if viewer.sees_all:
        team_ids = [
            r.team_id
            for r in await conn.execute(
                select(t.team_id)
                .where(t.year == ALL_YEARS, t.metric == "trajectories", t.team_id != ALL_TEAMS)
                .group_by(t.team_id)
                .having(func.sum(t.n) > 0)
            )
        ]
        years = [
            r.year
            for r in await conn.execute(
                select(t.year)
                .where(t.team_id == ALL_TEAMS, t.metric == "trajectories", t.year != ALL_YEARS)
                .group_by(t.year)
                .having(func.sum(t.n) > 0)
            )
        ]
    else:
        rows = (
            await conn.execute(
                select(P.team_id, P.year).where(_visible(viewer)).group_by(P.team_id, P.year)
            )
        ).all()
        team_ids = sorted({r.team_id for r in rows})
        years = sorted({r.year for r in rows})
    names = {}
    if team_ids:
        teams = schema.portfolio_teams.c
        names = {
            r.team_id: r.name
            for r in await conn.execute(
                select(teams.team_id, teams.name).where(teams.team_id.in_(team_ids))
            )
        }
    named = [Team(team_id, names.get(team_id, "")) for team_id in team_ids]
    return Choices(
        teams=sorted(named, key=lambda team: (team.name.lower(), team.id)),
        years=sorted(years, reverse=True),
    )


async def threads(conn: Conn, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    if not ids:
        return {}
    th = schema.threads.c
    rows = await conn.execute(
        select(th.trajectory_id, th.conversation_id, th.activity_id).where(
            th.trajectory_id.in_(ids)
        )
    )
    return {r.trajectory_id: (r.conversation_id, r.activity_id) for r in rows}


async def set_team_members(conn: Conn, team_id: str, people: Sequence[str]) -> None:
    """The team's members as Teams listed them (replacing what was known)."""
    await conn.execute(delete(schema.team_members).where(schema.team_members.c.team_id == team_id))
    if people:
        await conn.execute(
            schema.team_members.insert(),
            [{"team_id": team_id, "aad_object_id": p} for p in sorted(set(people))],
        )


async def change_team_members(
    conn: Conn, team_id: str, *, added: Sequence[str] = (), removed: Sequence[str] = ()
) -> None:
    if removed:
        await conn.execute(
            delete(schema.team_members).where(
                schema.team_members.c.team_id == team_id,
                schema.team_members.c.aad_object_id.in_(list(removed)),
            )
        )
    if added:
        await conn.execute(
            dialect_insert(conn, schema.team_members)
            .values([{"team_id": team_id, "aad_object_id": p} for p in sorted(set(added))])
            .on_conflict_do_nothing(index_elements=["team_id", "aad_object_id"])
        )


class Portfolio(Repository):
    """The portfolio tab's reads, and the team rosters that decide who sees what."""

    def __init__(self, writer: Writer) -> None:
        super().__init__(writer)
        # the tab's pages: trajectories as last read, parsed again only when changed
        self._cache = ReadCache()

    async def refresh(self, *, batch: int = 200) -> int:
        """Compute the portfolio facts of trajectories stored without them (or with an older
        version of them), in batches; how many were refreshed. Run at start-up."""
        done = 0
        while True:
            async with self._writer.write() as conn:
                ids = await stale(conn, limit=batch)
                if not ids:
                    return done
                rows = await conn.execute(select(DOCUMENT).where(schema.trajectories.c.id.in_(ids)))
                for row in rows.all():
                    await keep(conn, read_document(row.document))
            done += len(ids)

    async def page(
        self,
        viewer: Viewer,
        filters: Filters,
        now: datetime,
        *,
        offset: int,
        limit: int,
        evaluated: bool = False,
    ) -> tuple[list[Trajectory], bool, dict[str, tuple[str, str]]]:
        """A page of the viewer's trajectories (only evaluated ones: latest evaluation first),
        whether more follow, and their channel threads."""
        async with self._db.connect() as conn:
            found, more = await page(
                conn,
                viewer,
                filters,
                now,
                offset=offset,
                limit=limit,
                cache=self._cache,
                evaluated=evaluated,
            )
            found_threads = await threads(conn, [t.id for t in found])
        return found, more, found_threads

    async def counts(
        self, viewer: Viewer, filters: Filters, now: datetime
    ) -> dict[tuple[str, str], int]:
        async with self._db.connect() as conn:
            return await counts(conn, viewer, filters, now)

    async def choices(self, viewer: Viewer) -> Choices:
        async with self._db.connect() as conn:
            return await choices(conn, viewer)

    async def set_team_members(self, team_id: str, people: Collection[str]) -> None:
        async with self._writer.write() as conn:
            await set_team_members(conn, team_id, sorted(people))

    async def change_team_members(
        self, team_id: str, *, added: Collection[str] = (), removed: Collection[str] = ()
    ) -> None:
        async with self._writer.write() as conn:
            await change_team_members(conn, team_id, added=sorted(added), removed=sorted(removed))
