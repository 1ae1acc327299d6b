"""Who is in a team, as Teams tells the bot (members added and removed, the roster when roles are
given): the portfolio tab shows people their teams' trajectories, by object id only."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import select

from storage import schema
from tests.conftest import BotClient, payload

TEAM = "19:team-burgerzaken@thread.tacv2"
ANKE = "00000000-0000-0000-0000-00000000000a1"


def team_event(bot: BotClient, event: str, **members: Any) -> dict[str, Any]:
    update = copy.deepcopy(payload("conversationUpdate_membersAdded_personal", bot.connector))
    update.pop("membersAdded")
    update["conversation"] = {
        "id": TEAM,
        "conversationType": "channel",
        "isGroup": True,
        "tenantId": update["conversation"]["tenantId"],
    }
    update["channelData"] = {
        "eventType": event,
        "team": {"id": TEAM, "name": "Burgerzaken"},
        "tenant": update["channelData"]["tenant"],
    }
    return {**update, **members}


async def members_of(bot: BotClient, team: str) -> set[str]:
    async with bot.store.database.connect() as conn:
        rows = await conn.execute(
            select(schema.team_members.c.aad_object_id).where(schema.team_members.c.team_id == team)
        )
        return {r.aad_object_id for r in rows}


async def test_members_who_join_and_leave_a_team_are_kept_by_object_id(bot: BotClient):
    bot.connector.add_member(ANKE, "Anke")
    joined = team_event(bot, "teamMemberAdded", membersAdded=[{"id": ANKE, "aadObjectId": ANKE}])
    assert (await bot.post(joined)).status < 300
    assert await members_of(bot, TEAM) == {ANKE}
    left = team_event(bot, "teamMemberRemoved", membersRemoved=[{"id": ANKE, "aadObjectId": ANKE}])
    assert (await bot.post(left)).status < 300
    assert await members_of(bot, TEAM) == set()
