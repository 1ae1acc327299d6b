"""The bot's wiring of the engine: one transaction per command, version checks, retries."""

from __future__ import annotations

import asyncio

import pytest

from bot.services import Services
from bot.settings import Settings
from bot.workflow import TrajectoryNotFound, Workflow
from storage import Store
from wasstraat import commands as c
from wasstraat.engine import AlreadyDecided, NotAllowed
from wasstraat.model import Binding
from wasstraat.samples import PA, PE, PL, ROLES, SP, TEMPLATE, VM1


@pytest.fixture
def workflow(store: Store, clock) -> Workflow:
    services = Services(
        settings=Settings(_env_file=None),
        store=store,  # type: ignore[call-arg]
        template=TEMPLATE,
        clock=clock,
    )
    return Workflow(services)


async def started(workflow: Workflow) -> str:
    outcome = await workflow.start(
        product="Parkeervergunning", binding=Binding(conversation_id="chan"), project_leader=PL
    )
    for role, people in ROLES.items():
        await workflow.execute(outcome.trajectory.id, c.AssignRole(role=role, people=people), PL)
    return outcome.trajectory.id


async def test_a_command_writes_state_outbox_and_audit_together(workflow: Workflow, store: Store):
    trajectory_id = await started(workflow)
    before = len(await store.outbox_messages(trajectory_id=trajectory_id))
    outcome = await workflow.execute(trajectory_id, c.ConfirmSupport(), PE)
    stored = await store.trajectory(trajectory_id)
    assert stored == outcome.trajectory
    outbox = await store.outbox_messages(trajectory_id=trajectory_id)
    assert [m["kind"] for m in outbox[before:]] == ["support_confirmed"]
    assert outbox[-1]["recipient"]["aad_object_id"] == PL.aad_object_id
    audit = await store.audit_entries(trajectory_id=trajectory_id)
    assert audit[-1]["action"] == "confirm_support" and audit[-1]["actor"] == PE.aad_object_id


async def test_timers_are_written_and_cancelled_with_the_state(workflow: Workflow, store: Store):
    trajectory_id = await started(workflow)
    await workflow.execute(trajectory_id, c.ConfirmSupport(), PE)
    await workflow.execute(trajectory_id, c.CompleteStep(step="1"), PL)
    await workflow.execute(trajectory_id, c.ProposeKpis(kpis=[{"name": "Doorlooptijd"}]), PL)
    await workflow.execute(trajectory_id, c.DecideKpis(decision="approve"), PE)
    await workflow.execute(trajectory_id, c.SetProcessMap(link="https://x.example/p"), PA)
    await workflow.execute(trajectory_id, c.CompleteStep(step="3a"), PA)
    ids = {t["id"] for t in await store.timer_rows(trajectory_id=trajectory_id)}
    assert f"{trajectory_id}:3b:deadline" in ids
    await workflow.execute(trajectory_id, c.CloseCheck(), PE)
    ids = {t["id"] for t in await store.timer_rows(trajectory_id=trajectory_id)}
    assert f"{trajectory_id}:3b:deadline" not in ids
    # the open tasks' follow-up timer stays; with the trajectory cancelled it goes too
    assert ids == {f"{trajectory_id}:tasks:follow_up"}
    await workflow.execute(trajectory_id, c.Cancel(reason="stop"), PL)
    assert await store.timer_rows(trajectory_id=trajectory_id) == []


async def test_a_refused_command_writes_nothing(workflow: Workflow, store: Store):
    trajectory_id = await started(workflow)
    before = (
        await store.trajectory(trajectory_id),
        len(await store.outbox_messages()),
        len(await store.audit_entries()),
    )
    with pytest.raises(NotAllowed):
        await workflow.execute(trajectory_id, c.ConfirmSupport(), VM1)
    after = (
        await store.trajectory(trajectory_id),
        len(await store.outbox_messages()),
        len(await store.audit_entries()),
    )
    assert after == before


async def test_concurrent_commands_are_retried_on_fresh_state(workflow: Workflow, store: Store):
    trajectory_id = await started(workflow)
    version = (await store.trajectory(trajectory_id)).version
    await asyncio.gather(
        workflow.execute(trajectory_id, c.ConfirmSupport(), PE),
        workflow.execute(trajectory_id, c.ConfirmSupport(), SP),
    )
    stored = await store.trajectory(trajectory_id)
    assert stored.version == version + 2
    assert {p.aad_object_id for p in stored.support_confirmed_by} == {
        PE.aad_object_id,
        SP.aad_object_id,
    }


async def test_concurrent_clicks_on_one_card_decide_once(workflow: Workflow, store: Store):
    trajectory_id = await started(workflow)
    version = (await store.trajectory(trajectory_id)).version
    click = c.RecordKickoff(held_on="2026-12-01", expected_version=version)
    results = await asyncio.gather(
        *(workflow.execute(trajectory_id, click, PL) for _ in range(4)), return_exceptions=True
    )
    assert sum(1 for r in results if not isinstance(r, Exception)) == 1
    assert all(isinstance(r, AlreadyDecided) for r in results if isinstance(r, Exception))
    assert (await store.trajectory(trajectory_id)).version == version + 1


async def test_an_unknown_trajectory_is_refused(workflow: Workflow):
    with pytest.raises(TrajectoryNotFound):
        await workflow.execute("forged", c.ConfirmSupport(), PE)
