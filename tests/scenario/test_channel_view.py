"""Each person's own view of the trajectory's channel card (Universal Actions' refresh): the
project group's members each see what is asked of them there, with a way to their own card;
an outsider in the channel sees the shared card and nothing more."""

from __future__ import annotations

import json

from tests.conftest import BotClient, FixedClock, payload
from tests.scenario.driving import ADELE, MEGAN, PATTI, as_person
from tests.scenario.test_cards_in_place import GROUP, in_step_2
from tests.scenario.test_delivery import channel_trajectory, drain, runtime
from wasstraat.model import Person

OUTSIDER = Person(aad_object_id="00000000-0000-0000-0000-0000000000099", name="Olga Buiten")


def in_channel(bot: BotClient, person: Person, data: dict) -> dict:
    """An Action.Execute invoke from the channel's card, as Teams sends it for a refresh."""
    activity = as_person(payload("invoke_adaptiveCard_action_execute", bot.connector), person)
    channel = payload("message_channel_mention_api", bot.connector)
    activity["conversation"] = {**channel["conversation"], "id": "team-id;messageid=root"}
    activity["channelData"] = channel["channelData"]
    activity["value"]["action"] = {"type": "Action.Execute", "verb": data["action"], "data": data}
    activity["value"]["trigger"] = "automatic"
    return activity


async def view_of(bot: BotClient, person: Person, data: dict) -> dict:
    response = await bot.post(in_channel(bot, person, data))
    assert response.status == 200
    return (await response.json())["value"]


def words(card: dict) -> str:
    return json.dumps(card, ensure_ascii=False)


async def test_three_members_each_see_their_own_view_and_an_outsider_the_shared_one(
    bot: BotClient, clock: FixedClock
):
    trajectory_id = await channel_trajectory(bot)
    bot.connector.add_member(OUTSIDER.aad_object_id, OUTSIDER.name)
    await in_step_2(bot, trajectory_id, {**GROUP, "sponsor": [MEGAN]})
    await drain(bot, runtime(bot).dispatcher, clock)

    # the channel's card asks Teams to refresh it for the project group, by their Teams ids
    posts = [a for conv, a in bot.connector.delivered() if conv == "team-id"]
    posts += bot.connector.updates("team-id")
    refresh = posts[-1]["attachments"][0]["content"]["refresh"]
    assert refresh["action"]["verb"] == "trajectory.view"
    assert {f"29:{p.aad_object_id}" for p in (MEGAN, PATTI, ADELE)} <= set(refresh["userIds"])
    assert f"29:{OUTSIDER.aad_object_id}" not in refresh["userIds"]

    data = refresh["action"]["data"]
    megans, pattis, adeles = [await view_of(bot, p, data) for p in (MEGAN, PATTI, ADELE)]
    assert "For you" in words(megans) and "Asked: approval in Step 2" in words(megans)
    assert "Asked: approval" not in words(adeles)
    assert "Nothing is asked of you in this trajectory right now." in words(adeles)
    assert words(megans) != words(pattis) != words(adeles)
    # each view refreshes again, and the way to one's own card is there
    assert all("refresh" in v for v in (megans, pattis, adeles))
    assert "Go to Step 2: Define the KPIs" in words(megans)
    opened = await view_of(
        bot, MEGAN, {"action": "task.open", "trajectory": trajectory_id, "step": "2"}
    )
    assert "Approve" in words(opened)

    # someone in the channel outside the project group: the shared card, nothing beyond it
    shared = await view_of(bot, OUTSIDER, data)
    assert "For you" not in words(shared) and "Approve" not in words(shared)
    assert shared["body"] == posts[-1]["attachments"][0]["content"]["body"]
    refused = await view_of(
        bot, OUTSIDER, {"action": "task.open", "trajectory": trajectory_id, "step": "2"}
    )
    assert "Doorlooptijd" not in words(refused)
