"""Connector clients are made once per service URL, not once per turn (their set-up is most of
the SDK's per-turn cost), for turns and proactive sends alike."""

from __future__ import annotations

from unittest import mock

from botframework.connector.aio import ConnectorClient

from bot.app import RUNTIME
from bot.delivery.worker import Dispatcher
from bot.workflow import Workflow
from tests.conftest import BotClient
from tests.scenario.driving import MEGAN
from tests.scenario.test_time_in_chat import LEADER, channel_trajectory
from wasstraat import commands as c


async def test_turns_and_sends_reuse_one_connector_client(bot: BotClient):
    with mock.patch.object(
        ConnectorClient, "__init__", autospec=True, side_effect=ConnectorClient.__init__
    ) as made:
        trajectory_id = await channel_trajectory(bot)  # install + start: two turns
        for n in range(3):
            await bot.say(f"idee nummer {n}")
        runtime = bot.http.server.app[RUNTIME]
        await Workflow(runtime.services).execute(
            trajectory_id, c.AssignRole(role="sponsor", people=[MEGAN]), LEADER
        )
        await Dispatcher(runtime.services, runtime.adapter).deliver_due(limit=100)
    assert len(bot.connector.calls) > 5  # replies and proactive sends went out
    # one for the turns and one for proactive sends, which name their audience (else one a turn)
    keys = list(runtime.adapter.bot_framework_authentication._connectors)
    assert made.call_count == len(keys) <= 2
