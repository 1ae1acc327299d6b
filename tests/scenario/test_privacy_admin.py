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
from tests.scenario.driving import MEGAN
from tests.scenario.test_time_in_chat import LEADER, NOOR, channel_trajectory, waiting_on_megan
from wasstraat import commands as c
from wasstraat.model import Binding

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


async def closed_trajectory(bot: BotClient) -> str:
    trajectory_id = await channel_trajectory(bot)
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
    assert any(
        entry["action"] == "decide_kpis" or entry["action"] == "confirm_support"
        for entry in kept["audit"]
    )
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
