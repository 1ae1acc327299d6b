"""Someone outside the project group who forges card actions with a real trajectory id: every
answer says "not for you" without anything of the trajectory, nothing changes, and every
refusal is audited."""

from __future__ import annotations

import json

import pytest

from tests.conftest import BotClient, payload
from tests.scenario.driving import as_person
from tests.scenario.test_time_in_chat import NOOR, channel_trajectory, waiting_on_megan
from wasstraat.model import Person

OUTSIDER = Person(aad_object_id="5f0e8c1a-1111-4222-8333-944455556666", name="Olga Buiten")

FORGED = [
    ("decide_kpis", {"decision": "maybe", "step": "2", "round": 1}),  # an invalid value
    ("decide_kpis", {"decision": "approve", "step": "2", "round": 1}),
    ("decide_plan", {"decision": "approve", "step": "8", "round": 1}),  # a step not running
    ("answer_check", {"agrees": False, "remark": "x", "step": "3b"}),
    ("form.submit", {"form": "step", "step": "2", "kpi1_name": "Gehackt"}),  # another's form
    ("form.submit", {"form": "step", "step": "2", "part": "support"}),
    ("form.submit", {"form": "review", "step": "7", "verdict_v1": "akkoord"}),
    ("roles.form", {}),
    ("roles.assign", {"role__sponsor": OUTSIDER.aad_object_id}),
    ("start_next_cycle", {}),
    ("nudge", {}),
    ("add_improvement", {"text": "Mijn idee", "step": "2"}),
]


@pytest.mark.parametrize(
    ("action", "data"), FORGED, ids=[f"{a}-{n}" for n, (a, _) in enumerate(FORGED)]
)
async def test_a_forged_action_from_outside_the_group_shows_nothing_and_is_audited(
    bot: BotClient, action: str, data: dict
):
    trajectory_id = await channel_trajectory(bot)
    await waiting_on_megan(bot, trajectory_id)
    before = await bot.store.trajectory(trajectory_id)
    activity = as_person(payload("invoke_adaptiveCard_action_execute", bot.connector), OUTSIDER)
    activity["value"]["action"] = {
        "type": "Action.Execute",
        "verb": action,
        "data": {"action": action, "trajectory": trajectory_id, **data},
    }
    response = await bot.post(activity)
    assert response.status == 200
    shown = json.dumps(await response.json(), ensure_ascii=False)
    for secret in ("Parkeervergunning", "Doorlooptijd", "Megan Bowen", NOOR.name, "Alex Wilber"):
        assert secret not in shown, (action, secret)
    assert "not for you" in shown or "niet voor jou" in shown, shown
    after = await bot.store.trajectory(trajectory_id)
    assert after.version == before.version
    refused = [
        e
        for e in await bot.store.audit_entries()
        if e["action"] == "card_action.refused" and e["actor"] == OUTSIDER.aad_object_id
    ]
    assert [e["detail"]["reason"] for e in refused] == ["not_a_member"]
