"""Filling a database with many trajectories at once, in bulk, not turn by turn.

Each stored trajectory is a copy of a prototype driven through the real engine (the demo cast of
``wasstraat.samples``) to some step, with what a live database holds beside it: the outbox
messages its commands produced (all delivered), its timers (due later), its audit trail, its
memberships, processed activities in the inbox, and the conversation references of its channel
and its people. Copies differ in id, channel and people (people come in groups, so that a person
takes part in a few trajectories, as in a municipality).

The schema is made by the migrations (``open_database``); the rows are then written with the
database driver's bulk path (``executemany`` on SQLite, ``COPY`` on PostgreSQL), because going
through SQLAlchemy's per-row type processing would take minutes for 10,000 trajectories.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from storage import open_database, schema
from wasstraat import commands as c
from wasstraat.model import Binding, Person
from wasstraat.portfolio import FACTS_VERSION, Facts, facts
from wasstraat.samples import KPIS, PE, PL, T0, Run, to_step

TENANT = "00000000-0000-0000-0000-0000000000001"
SERVICE_URL = "https://smba.trafficmanager.net/emea/"
ID = "@@trajectory@@"
CHANNEL = "@@channel@@"
TEAM = "@@team@@"
PEOPLE = '"oid-'
# the steps the stored trajectories are in, in turn (a mix, as in a real municipality)
MIX = ("2", "3a", "5", "6", "7", "9", "10", "evaluatie")


def kpis_proposed() -> Run:
    """A trajectory whose KPIs wait for the proceseigenaar's approval (the P1 decision)."""
    run = Run()
    to_step(run, "2")
    run.do(PL, c.ProposeKpis(kpis=KPIS))
    return run


def at_step(step: str) -> Run:
    run = Run()
    to_step(run, step)
    return run


def person_in(person: Person, group: int) -> Person:
    """A demo person as the member of people group ``group``."""
    return Person(
        aad_object_id=person.aad_object_id.replace("oid-", f"oid-{group}-", 1), name=person.name
    )


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


@dataclass(frozen=True)
class Prototype:
    """A driven trajectory and the rows around it, as JSON text with the trajectory id, the
    channel and the people left to fill in."""

    document: str
    facts: Facts  # its place in the portfolio (the team to be filled in)
    created_at: datetime
    version: int
    status: str
    product: str
    outbox: list[tuple[str, str, str, datetime]]  # kind, recipient, payload, at
    timers: list[tuple[str, str, str, datetime, datetime]]  # id suffix, kind, payload, due, at
    audit: list[tuple[datetime, str, str, str]]  # at, actor, action, detail
    people: list[str]

    @classmethod
    def of(cls, run: Run, *, now: datetime, history: bool = True) -> Prototype:
        """``history``: also the outbox, timers and audit trail its commands produced."""
        shift = (now - timedelta(hours=1)) - run.now  # its last command was an hour ago
        document = run.t.model_dump(mode="json")
        document["id"] = ID
        document["binding"] = {
            "tenant_id": TENANT,
            "conversation_id": CHANNEL,
            "team_id": TEAM,
            "team_name": TEAM,
            "channel_id": CHANNEL,
        }
        outbox, audit = [], []
        timers: dict[str, tuple[str, str, str, datetime, datetime]] = {}
        for k, outcome in enumerate(run.outcomes if history else []):
            at = T0 + timedelta(hours=k) + shift  # Run.do moves its clock an hour per command
            for message in outcome.messages:
                recipient = (
                    {
                        "aad_object_id": message.recipient.aad_object_id,
                        "name": message.recipient.name,
                    }
                    if message.recipient is not None
                    else {"channel": CHANNEL, "conversation_id": CHANNEL}
                )
                payload = {
                    "trajectory_id": ID,
                    "version": outcome.trajectory.version,
                    **message.data,
                }
                outbox.append((message.kind, _json(recipient), _json(payload), at))
            for timer in outcome.timers:
                suffix = timer.timer_id.split(":", 1)[1]
                if timer.due_at is None:
                    timers.pop(suffix, None)
                else:
                    due = timer.due_at + shift
                    timers[suffix] = (suffix, timer.kind, _json(timer.data), due, at)
            for entry in outcome.audit:
                audit.append((entry.at + shift, entry.actor, entry.action, _json(entry.detail)))
        people = sorted(
            {p.aad_object_id for p in run.t.members()}
            | {s.substitute.aad_object_id for subs in run.t.substitutes.values() for s in subs}
        )
        created_at = run.t.created_at + shift
        placed = run.t.model_copy(
            update={
                "binding": Binding.model_validate(document["binding"]),
                "created_at": created_at,
            }
        )
        return cls(
            document=_json(document),
            facts=facts(placed),
            created_at=created_at,
            version=run.t.version,
            status=run.t.status.value,
            product=run.t.product,
            outbox=outbox,
            timers=list(timers.values()),
            audit=audit,
            people=people,
        )


@dataclass(frozen=True)
class Placement:
    """Where copy ``i`` lives (its channel and team) and who is in it (its people group)."""

    channel: str
    group: int
    team: str = "19:bench-team@thread.tacv2"


def spread(i: int, *, per_channel: int = 10, groups: int = 1000, per_team: int = 200) -> Placement:
    """The default placement: ``per_channel`` trajectories per channel, people in groups,
    ``per_team`` trajectories per team (50 teams for 10,000)."""
    return Placement(
        f"19:bench-{i // per_channel}@thread.tacv2",
        i % groups,
        f"19:bench-team-{i // per_team}@thread.tacv2",
    )


@dataclass(frozen=True)
class Seeded:
    id: str
    channel: str
    group: int
    team: str


def _reference(conversation_id: str, kind: str, user: str | None) -> str:
    return _json(
        {
            "bot": {"id": "28:bench-bot", "name": "Wasstraat"},
            "user": {"id": f"29:{user}", "aadObjectId": user} if user else None,
            "conversation": {"id": conversation_id, "conversationType": kind, "tenantId": TENANT},
            "channelId": "msteams",
            "locale": "nl-NL",
            "serviceUrl": SERVICE_URL,
        }
    )


COLUMNS = {
    "trajectories": (
        "id",
        "tenant_id",
        "channel_key",
        "product",
        "status",
        "document",
        "version",
        "created_at",
        "updated_at",
    ),
    "memberships": ("aad_object_id", "trajectory_id"),
    "portfolio": (
        "trajectory_id",
        "tenant_id",
        "team_id",
        "team_name",
        "year",
        "step",
        "status",
        "overdue_at",
        "started_at",
        "evaluated_at",
        "lessons",
        "facts_version",
    ),
    "portfolio_counts": ("trajectory_id", "metric", "bucket", "n"),
    "portfolio_teams": ("team_id", "name"),
    "portfolio_totals": ("team_id", "year", "metric", "bucket", "n"),
    "outbox": (
        "trajectory_id",
        "kind",
        "recipient",
        "payload",
        "created_at",
        "not_before",
        "attempts",
        "sent_at",
        "sent_activity_id",
    ),
    "timers": ("id", "trajectory_id", "kind", "payload", "due_at", "created_at", "fired_at"),
    "audit": ("trajectory_id", "at", "actor", "action", "detail"),
    "inbox": ("activity_id", "received_at"),
    "conversation_refs": (
        "conversation_id",
        "tenant_id",
        "conversation_type",
        "aad_object_id",
        "reference",
        "updated_at",
    ),
}


async def seed(
    url: str,
    count: int,
    *,
    prototypes: Sequence[Prototype],
    placement: Callable[[int], Placement] = spread,
    now: datetime | None = None,
    first: int = 0,
) -> list[Seeded]:
    """Store ``count`` copies (ids ``bench-{first + i}``) of the prototypes, taken in turn."""
    now = now or datetime.now(UTC)
    database = await open_database(url)  # the schema, by the migrations
    async with database.connect() as conn:
        known = {
            row.conversation_id for row in await conn.execute(schema.conversation_refs.select())
        }
        teams = {row.team_id for row in await conn.execute(schema.portfolio_teams.select())}
    rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in COLUMNS}
    totals: Counter[tuple[str, int, str, str]] = Counter()
    made = []
    updated = now - timedelta(hours=1)
    for i in range(first, first + count):
        place = placement(i)
        proto = prototypes[i % len(prototypes)]
        trajectory_id = f"bench-{i:06d}"
        people = f'"oid-{place.group}-'

        def fill(
            text: str,
            trajectory_id: str = trajectory_id,
            place: Placement = place,
            people: str = people,
        ) -> str:
            return (
                text.replace(ID, trajectory_id)
                .replace(CHANNEL, place.channel)
                .replace(TEAM, place.team)
                .replace(PEOPLE, people)
            )

        rows["trajectories"].append(
            (
                trajectory_id,
                TENANT,
                place.channel,
                proto.product,
                proto.status,
                fill(proto.document),
                proto.version,
                proto.created_at,
                updated,
            )
        )
        f = proto.facts
        rows["portfolio"].append(
            (
                trajectory_id,
                TENANT,
                place.team,
                place.team,
                f.year,
                f.step,
                f.status,
                f.overdue_at,
                f.started_at,
                f.evaluated_at,
                f.lessons,
                FACTS_VERSION,
            )
        )
        if place.team not in teams:
            teams.add(place.team)
            rows["portfolio_teams"].append((place.team, place.team))
        for (metric, bucket), n in sorted(f.counts.items()):
            rows["portfolio_counts"].append((trajectory_id, metric, bucket, n))
            for key in ((place.team, f.year), (place.team, 0), ("*", f.year), ("*", 0)):
                totals[(*key, metric, bucket)] += n
        members = [p.replace("oid-", f"oid-{place.group}-", 1) for p in proto.people]
        rows["memberships"] += [(p, trajectory_id) for p in members]
        rows["outbox"] += [
            (trajectory_id, kind, fill(recipient), fill(payload), at, at, 1, at, f"1:{i}-{n}")
            for n, (kind, recipient, payload, at) in enumerate(proto.outbox)
        ]
        rows["timers"] += [
            (
                f"{trajectory_id}:{suffix}",
                trajectory_id,
                kind,
                payload,
                due,
                at,
                due if due <= now else None,
            )
            for suffix, kind, payload, due, at in proto.timers
        ]
        actors = [actor.replace("oid-", f"oid-{place.group}-", 1) for _, actor, _, _ in proto.audit]
        rows["audit"] += [
            (trajectory_id, at, actor, action, detail)
            for actor, (at, _, action, detail) in zip(actors, proto.audit, strict=True)
        ]
        rows["inbox"] += [(f"{i:032x}{n:032x}", at) for n, (at, *_) in enumerate(proto.audit)]
        for conversation_id, kind, user in [
            (place.channel, "channel", None),
            *((f"a:personal-{p}", "personal", p) for p in members),
        ]:
            if conversation_id not in known:
                known.add(conversation_id)
                reference = _reference(conversation_id, kind, user)
                rows["conversation_refs"].append(
                    (conversation_id, TENANT, kind, user, reference, now - timedelta(days=1))
                )
        made.append(Seeded(trajectory_id, place.channel, place.group, place.team))
    # the totals add to what earlier seeds stored
    async with database.connect() as conn:
        stored = await conn.execute(schema.portfolio_totals.select())
        for row in stored:
            totals[(row.team_id, row.year, row.metric, row.bucket)] += row.n
    async with database.begin() as conn:
        await conn.execute(schema.portfolio_totals.delete())
    await database.dispose()
    rows["portfolio_totals"] = [(*key, n) for key, n in sorted(totals.items())]
    await _bulk_insert(url, rows)
    return made


async def _bulk_insert(url: str, rows: dict[str, list[tuple[Any, ...]]]) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        assert parsed.database
        _sqlite_insert(parsed.database, rows)
        return
    dsn = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        async with connection.transaction():
            for table, values in rows.items():
                if values:
                    await connection.copy_records_to_table(
                        table, records=values, columns=list(COLUMNS[table])
                    )
    finally:
        await connection.close()


def _sqlite_insert(path: str, rows: dict[str, list[tuple[Any, ...]]]) -> None:
    # timestamps as SQLAlchemy stores a UtcDateTime on SQLite: naive UTC, always microseconds
    # (the copies share their prototype's moments, so each is formatted once)
    formatted: dict[datetime, str] = {}

    def value(v: Any) -> Any:
        if isinstance(v, datetime):
            text = formatted.get(v)
            if text is None:
                text = formatted[v] = v.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
            return text
        return v

    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA synchronous=OFF")
        with connection:
            for table, values in rows.items():
                columns = COLUMNS[table]
                sql = (
                    f"INSERT INTO {table} ({', '.join(columns)}) "
                    f"VALUES ({', '.join('?' for _ in columns)})"
                )
                connection.executemany(sql, (tuple(map(value, row)) for row in values))
    finally:
        connection.close()


def mix(now: datetime) -> list[Prototype]:
    """Prototypes for the many stored trajectories: one per step of :data:`MIX`."""
    return [Prototype.of(at_step(step), now=now) for step in MIX]


__all__ = ["PE", "Prototype", "Seeded", "kpis_proposed", "mix", "person_in", "seed", "spread"]
