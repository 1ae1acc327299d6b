"""AVG in practice: retention anonymises closed trajectories; an administrator exports or
removes one person's data from the 1:1 chat; both are audited, others get no answer."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from bot.app import RUNTIME
from bot.privacy import anonymize_expired, fingerprint
from bot.settings import Settings
from bot.workflow import Workflow
from cards.catalogue import text
from tests.conftest import ALEX, BotClient, FixedClock
from tests.scenario.test_time_in_chat import LEADER, channel_trajectory
from wasstraat import commands as c
from wasstraat.model import Binding, Person

ADMIN = "00000000-0000-0000-0000-00000000a0a0"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database_url,
        deliver_in_background=False,
        run_timers=False,
        admin_ids=ADMIN,
    )


# people as Entra names them: an administrator acts on whole, well-formed object ids only
MEGAN = Person(aad_object_id="6b1f0c2e-3d4a-4b5c-8d9e-0f1a2b3c4d5e", name="Megan Bowen")
NOOR = Person(aad_object_id="7c2a1d3f-4e5b-4c6d-9e0f-1a2b3c4d5e6f", name="Noor")


async def waiting_on_megan(bot: BotClient, trajectory_id: str) -> Workflow:
    """Step 2 with KPIs proposed: the proceseigenaar (Megan) is to approve them."""
    workflow = Workflow(bot.http.server.app[RUNTIME].services)
    for role in ("sponsor", "procesadviseur", "klantreiscoach", "vakinhoudelijk_medewerker"):
        await workflow.execute(trajectory_id, c.AssignRole(role=role, people=[NOOR]), LEADER)
    await workflow.execute(
        trajectory_id, c.AssignRole(role="proceseigenaar", people=[MEGAN]), LEADER
    )
    await workflow.execute(trajectory_id, c.ConfirmSupport(), MEGAN)
    await workflow.execute(trajectory_id, c.CompleteStep(step="1"), LEADER)
    await workflow.execute(
        trajectory_id, c.ProposeKpis(kpis=[{"name": "Doorlooptijd", "target": 3}]), LEADER
    )
    return workflow


async def closed_trajectory(bot: BotClient) -> str:
    trajectory_id = await channel_trajectory(bot)
    for person in (MEGAN, NOOR):
        bot.connector.add_member(person.aad_object_id, person.name)
    workflow = await waiting_on_megan(bot, trajectory_id)
    await workflow.execute(trajectory_id, c.Cancel(reason="Geen budget meer"), LEADER)
    return trajectory_id


async def say_as(bot: BotClient, person_id: str, text: str) -> list[str]:
    bot.connector.calls.clear()
    await bot.say(
        text, **{"from": {"id": f"29:{person_id}", "name": "X", "aadObjectId": person_id}}
    )
    return bot.connector.texts()


async def test_closed_trajectories_are_anonymised_after_the_retention_period(
    bot: BotClient, clock: FixedClock
):
    trajectory_id = await closed_trajectory(bot)
    services = bot.http.server.app[RUNTIME].services
    assert await anonymize_expired(services) == 0  # not yet
    clock.now += timedelta(days=731)
    assert await anonymize_expired(services) == 1
    stored = await bot.store.trajectory(trajectory_id)
    dump = json.dumps(stored.model_dump(mode="json"))
    assert MEGAN.aad_object_id not in dump and MEGAN.name not in dump and ALEX not in dump
    audit = await bot.store.audit_entries(trajectory_id=trajectory_id)
    assert not [e for e in audit if e["actor"] in (ALEX, MEGAN.aad_object_id)]
    assert audit[-1]["action"] == "privacy.anonymized"
    assert await anonymize_expired(services) == 0  # once


async def test_an_administrator_exports_everything_kept_about_a_person(
    bot: BotClient, clock: FixedClock
):
    trajectory_id = await closed_trajectory(bot)
    [reply] = await say_as(bot, ADMIN, f"admin export {MEGAN.aad_object_id}")
    url = urlsplit(reply.split(": ", 1)[1])
    response = await bot.http.get(f"{url.path}?{url.query}")
    assert response.status == 200
    data = await response.json()
    [kept] = data["trajectories"]
    assert kept["trajectory"] == trajectory_id and kept["roles"] == ["proceseigenaar"]
    # what she did and what was done about her, from the audit table (the one place it is kept)
    assert {"assign_role", "confirm_support"} <= {
        entry["action"] for entry in data["audit"] if entry["trajectory_id"] == trajectory_id
    }
    audit = await bot.store.audit_entries()
    [export] = [e for e in audit if e["action"] == "admin.export"]
    assert export["actor"] == ADMIN
    assert export["detail"] == {"person": fingerprint(MEGAN.aad_object_id)}


async def test_an_administrator_removes_a_person_from_closed_trajectories_only(
    bot: BotClient, clock: FixedClock
):
    closed = await closed_trajectory(bot)
    services = bot.http.server.app[RUNTIME].services
    started = await Workflow(services).start(  # a second one, running, in which Noor takes part
        product="Paspoort", binding=Binding(conversation_id="other"), project_leader=LEADER
    )
    running = started.trajectory.id
    await waiting_on_megan(bot, running)
    [reply] = await say_as(bot, ADMIN, f"admin verwijder {NOOR.aad_object_id}")
    assert "1" in reply
    assert NOOR.aad_object_id not in json.dumps(
        (await bot.store.trajectory(closed)).model_dump(mode="json")
    )
    assert NOOR.aad_object_id in json.dumps(
        (await bot.store.trajectory(running)).model_dump(mode="json")
    )
    [removal] = [e for e in await bot.store.audit_entries() if e["action"] == "admin.remove"]
    assert removal["detail"] == {
        "person": fingerprint(NOOR.aad_object_id),
        "removed": 1,
        "running": 1,
    }


async def test_someone_who_is_not_an_administrator_gets_no_answer_about_people(
    bot: BotClient, clock: FixedClock
):
    trajectory_id = await closed_trajectory(bot)
    [reply] = await say_as(bot, MEGAN.aad_object_id, f"admin export {NOOR.aad_object_id}")
    assert reply in (text("unknown", "nl"), text("unknown", "en"))  # as if there were none
    assert not [e for e in await bot.store.audit_entries() if e["action"].startswith("admin.")]
    assert NOOR.aad_object_id in json.dumps(
        (await bot.store.trajectory(trajectory_id)).model_dump(mode="json")
    )


# -- only whole ids; retention counts from closing; nothing of a person left behind ----------


async def database_rows(bot: BotClient) -> dict[str, list[dict]]:
    """Every row of every table that keeps people, as stored."""
    from sqlalchemy import select

    from storage import schema

    tables = ("trajectories", "audit", "outbox", "timers", "memberships", "conversation_refs")
    found = {}
    async with bot.store.database.connect() as conn:
        for name in tables:
            table = schema.metadata.tables[name]
            found[name] = [dict(row._mapping) for row in await conn.execute(select(table))]
    return found


async def snapshot(bot: BotClient) -> str:
    return json.dumps(await database_rows(bot), default=str, sort_keys=True)


@pytest.mark.parametrize("command", ["export", "verwijder"])
@pytest.mark.parametrize(
    "given",
    [
        "0",
        "6b1f0c2e",
        "-",
        "%",
        "6b1f0c2e-3d4a-4b5c-8d9e-0f1a2b3c4d5",  # one digit short
        "6b1f0c2e-3d4a-4b5c-8d9e-0f1a2b3c4d5e0",  # one too many
        "anon-0123456789abcdef",
    ],
)
async def test_admin_commands_match_only_a_whole_well_formed_object_id(
    bot: BotClient, clock: FixedClock, command: str, given: str
):
    await closed_trajectory(bot)
    before = await snapshot(bot)
    [reply] = await say_as(bot, ADMIN, f"admin {command} {given}")
    assert reply in (text("admin.not_an_object_id", "nl"), text("admin.not_an_object_id", "en"))
    assert await snapshot(bot) == before  # nothing changed, nothing audited, no link made


async def test_an_id_that_names_nobody_finds_nothing_and_removes_nothing(
    bot: BotClient, clock: FixedClock
):
    closed = await closed_trajectory(bot)
    nobody = "0a0b0c0d-0000-4000-8000-000000000000"
    [reply] = await say_as(bot, ADMIN, f"admin export {nobody}")
    url = urlsplit(reply.split(": ", 1)[1])
    data = await (await bot.http.get(f"{url.path}?{url.query}")).json()
    assert data["trajectories"] == [] and data["audit"] == [] and data["outbox"] == []
    version = (await bot.store.trajectory(closed)).version
    [reply] = await say_as(bot, ADMIN, f"admin verwijder {nobody}")
    assert reply == text("admin.removed", "en", count=0, running=0)
    assert (await bot.store.trajectory(closed)).version == version


async def test_an_administrators_removal_does_not_move_the_retention_date(
    bot: BotClient, clock: FixedClock
):
    closed = await closed_trajectory(bot)
    services = bot.http.server.app[RUNTIME].services
    clock.now += timedelta(days=700)
    [reply] = await say_as(bot, ADMIN, f"admin verwijder {NOOR.aad_object_id}")
    assert reply == text("admin.removed", "en", count=1, running=0)
    clock.now += timedelta(days=31)  # 731 days after closing, 31 after the removal
    assert await anonymize_expired(services) == 1
    assert (await bot.store.trajectory(closed)).anonymized_at is not None


async def test_the_export_finds_every_row_that_holds_the_persons_id(
    bot: BotClient, clock: FixedClock
):
    await closed_trajectory(bot)
    await bot.http.server.app[RUNTIME].dispatcher.deliver_due()  # 1:1 chats, messages sent
    [reply] = await say_as(bot, ADMIN, f"admin export {NOOR.aad_object_id}")
    url = urlsplit(reply.split(": ", 1)[1])
    data = await (await bot.http.get(f"{url.path}?{url.query}")).json()
    rows = await database_rows(bot)
    holding = {
        table: {row.get("id") or row.get("conversation_id") for row in found}
        for table, found in rows.items()
        if table in ("audit", "outbox", "conversation_refs")
        for found in [[r for r in found if NOOR.aad_object_id in json.dumps(r, default=str)]]
    }
    assert holding["audit"] and holding["outbox"] and holding["conversation_refs"]
    assert {row["id"] for row in data["audit"]} == holding["audit"]
    assert {row["id"] for row in data["outbox"]} == holding["outbox"]
    assert {r["conversation_id"] for r in data["conversation_references"]} == holding[
        "conversation_refs"
    ]
    assert [m["trajectory_id"] for m in data["memberships"]] == [
        r["trajectory_id"] for r in rows["memberships"] if r["aad_object_id"] == NOOR.aad_object_id
    ]
    # NOOR never acted: the audit rows that name her were made by the project leader
    assert {row["actor"] for row in data["audit"]} == {ALEX}


async def test_after_anonymisation_no_original_id_is_left_anywhere(
    bot: BotClient, clock: FixedClock
):
    await closed_trajectory(bot)
    await bot.http.server.app[RUNTIME].dispatcher.deliver_due()  # 1:1 chats are remembered
    people = (ALEX, MEGAN.aad_object_id, NOOR.aad_object_id)
    before = await snapshot(bot)
    assert all(person in before for person in people)
    clock.now += timedelta(days=731)
    assert await anonymize_expired(bot.http.server.app[RUNTIME].services) == 1
    stored = await snapshot(bot)
    assert [person for person in people if person in stored] == []
    assert MEGAN.name not in stored
