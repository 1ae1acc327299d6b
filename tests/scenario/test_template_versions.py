"""A running trajectory keeps the wasstraat it started with; a new version of the template
applies to trajectories started after it."""

from __future__ import annotations

import json

from aiohttp.test_utils import TestClient, TestServer

from bot.app import RUNTIME, create_app
from bot.settings import Settings
from bot.workflow import Workflow
from wasstraat import commands as c
from wasstraat.engine import waiting_on
from wasstraat.model import Binding, Decision, StepStatus
from wasstraat.samples import PE, PL, TM1, TM2, Run, to_step
from wasstraat.template import default_template


def version_2(tmp_path) -> str:  # type: ignore[no-untyped-def]
    """The municipality's next version: the plan is approved by the proceseigenaar alone."""
    raw = json.loads(default_template().model_dump_json())
    raw["version"] = default_template().version + 1
    next(s for s in raw["steps"] if s["id"] == "8")["kind"]["approvers"] = ["proceseigenaar"]
    path = tmp_path / "wasstraat-v2.json"
    path.write_text(json.dumps(raw), "utf-8")
    return str(path)


async def running(settings: Settings, clock):  # type: ignore[no-untyped-def]
    client = TestClient(TestServer(create_app(settings, clock=clock), host="127.0.0.1"))
    await client.start_server()
    return client


async def test_a_running_trajectory_keeps_its_version_and_new_ones_take_the_new(
    settings: Settings, tmp_path, clock
):
    # version 1 runs first: a trajectory is at step 8 with the plan put up
    first = await running(settings, clock)
    run = Run(now=clock.now)
    to_step(run, "8")
    run.do(PL, c.FinalisePlan())
    old = run.t
    services = first.server.app[RUNTIME].services
    async with services.store.transaction(now=clock.now) as tx:
        await tx.insert_trajectory(old, now=clock.now)
    await first.close()

    # the deployment moves to version 2
    upgraded = settings.model_copy(update={"template": version_2(tmp_path)})
    second = await running(upgraded, clock)
    try:
        services = second.server.app[RUNTIME].services
        current = default_template().version
        assert services.template.key == f"wasstraat-default@{current + 1}"
        assert old.template_id == f"wasstraat-default@{current}"
        workflow = Workflow(services)
        decided = await workflow.execute(old.id, c.DecidePlan(decision=Decision.APPROVE), PE)
        # version 1's rule: the teammanagers approve too, so the step still runs
        assert decided.trajectory.status_of("8") is StepStatus.ACTIVE
        waiting = {
            w.person.aad_object_id
            for w in waiting_on(decided.trajectory, services.template_of(old))
        }
        assert waiting == {TM1.aad_object_id, TM2.aad_object_id}

        # a trajectory started now follows version 2
        new = await workflow.start(
            product="Paspoort",
            binding=Binding(conversation_id="chat-2", tenant_id="tenant"),
            project_leader=PL,
        )
        assert new.trajectory.template_id == f"wasstraat-default@{current + 1}"
        assert services.template_of(new.trajectory).step("8").kind.approvers == ("proceseigenaar",)  # type: ignore[union-attr]
    finally:
        await second.close()
