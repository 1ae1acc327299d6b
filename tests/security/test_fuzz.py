"""Fuzzing the front door: random bodies, mutated Teams payloads, forged card data and random
text never produce a 5xx and never change a trajectory the sender has no part in.

The bot runs as a real HTTP server in a thread of its own; hypothesis posts to it."""

from __future__ import annotations

import asyncio
import copy
import json
import threading
import urllib.error
import urllib.request
import uuid
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import RUNTIME, create_app
from bot.settings import Settings
from bot.workflow import Workflow
from cards.formbase import EVALUATION_FORM, REVIEW_FORM, STEP_FORM, SUBMIT_FORM
from tests.conftest import FIXTURES
from tests.fakes import FakeConnector
from wasstraat.commands import COMMAND_TYPES
from wasstraat.model import Binding, Person

OWNER = Person(aad_object_id="fuzz-owner", name="Owner")
EXAMPLES = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class ServedBot:
    """The bot on 127.0.0.1 in a background event loop, and a trajectory it must protect."""

    def __init__(self, database: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            database_url=f"sqlite:///{database}",
            deliver_in_background=False,
            run_timers=False,
        )
        self.connector = FakeConnector(enforce_limits=False)
        self.call(self.connector.start())
        self.runner: web.AppRunner = self.call(self._start())
        self.trajectory_id: str = self.call(self._trajectory())

    def call(self, coroutine: Any) -> Any:
        future: Future[Any] = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        return future.result(timeout=60)

    async def _start(self) -> web.AppRunner:
        runner = web.AppRunner(create_app(self.settings))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
        return runner

    async def _trajectory(self) -> str:
        services = self.runner.app[RUNTIME].services
        workflow = Workflow(services)
        binding = Binding(
            conversation_id="a:fuzz", tenant_id="00000000-0000-0000-0000-0000000000001"
        )
        outcome = await workflow.start(product="Rijbewijs", binding=binding, project_leader=OWNER)
        return outcome.trajectory.id

    def version(self) -> int:
        trajectory = self.call(
            self.runner.app[RUNTIME].services.store.trajectory(self.trajectory_id)
        )
        return trajectory.version

    def post(self, body: bytes, content_type: str = "application/json") -> int:
        request = urllib.request.Request(
            f"{self.url}/api/messages", data=body, headers={"Content-Type": content_type}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)

    def close(self) -> None:
        self.call(self.runner.cleanup())
        self.call(self.connector.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


SERVED: list[ServedBot] = []


def captured(name: str) -> dict[str, Any]:
    activity = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    activity["serviceUrl"] = SERVED[-1].connector.url  # replies land on the loopback fake
    activity["id"] = uuid.uuid4().hex  # a new activity each time, not a redelivery
    return activity


FIXTURE_NAMES = sorted(p.stem for p in FIXTURES.glob("*.json") if not p.stem.startswith("bot_to"))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def mutate(value: Any, path: list[str | int], replacement: Any) -> Any:
    """``value`` with the node at ``path`` (as far as it exists) replaced."""
    if not path or not isinstance(value, dict | list):
        return replacement
    key, *rest = path
    result = copy.copy(value)
    if isinstance(result, dict) and isinstance(key, str) and key in result:
        result[key] = mutate(result[key], rest, replacement)
    elif isinstance(result, list) and isinstance(key, int) and result:
        result[key % len(result)] = mutate(result[key % len(result)], rest, replacement)
    else:
        return replacement
    return result


paths = st.lists(
    st.sampled_from(
        [
            "type",
            "from",
            "conversation",
            "id",
            "value",
            "action",
            "data",
            "text",
            "channelData",
            "tenant",
            "recipient",
            "entities",
            "aadObjectId",
            0,
        ]
    ),
    max_size=4,
)


@EXAMPLES
@given(body=json_values)
def test_random_json_bodies_get_no_server_error(served: ServedBot, body: Any):
    before = served.version()
    assert served.post(json.dumps(body).encode()) < 500
    assert served.version() == before


@EXAMPLES
@given(
    raw=st.binary(max_size=300), content_type=st.sampled_from(["application/json", "text/plain"])
)
def test_random_bytes_get_no_server_error(served: ServedBot, raw: bytes, content_type: str):
    assert served.post(raw, content_type) < 500


@EXAMPLES
@given(name=st.sampled_from(FIXTURE_NAMES), path=paths, replacement=json_values)
def test_mutated_teams_payloads_get_no_server_error(
    served: ServedBot, name: str, path: list[str | int], replacement: Any
):
    before = served.version()
    activity = mutate(captured(name), path, replacement)
    assert served.post(json.dumps(activity).encode()) < 500
    assert served.version() == before


@EXAMPLES
@given(
    action=st.sampled_from([*sorted(COMMAND_TYPES), SUBMIT_FORM, "nudge", "dossier", "x" * 80]),
    form=st.sampled_from([STEP_FORM, REVIEW_FORM, EVALUATION_FORM, "kpis", "", "nope"]),
    extra=st.dictionaries(
        st.sampled_from(
            [
                "step",
                "part",
                "version",
                "round",
                "decision",
                "role",
                "remark",
                "agrees",
                "kpi_0",
                "complete",
                "evaluation_on",
                "session_on",
                "people",
            ]
        ),
        json_values,
        max_size=5,
    ),
)
def test_forged_card_actions_change_no_trajectory(
    served: ServedBot, action: str, form: str, extra: dict[str, Any]
):
    before = served.version()
    activity = captured("invoke_adaptiveCard_action_execute")
    data = {"action": action, "trajectory": served.trajectory_id, "form": form, **extra}
    activity["value"]["action"] = {"type": "Action.Execute", "verb": action, "data": data}
    assert served.post(json.dumps(activity).encode()) < 500
    assert served.version() == before


@EXAMPLES
@given(text=st.text(max_size=200))
def test_random_text_changes_no_trajectory(served: ServedBot, text: str):
    before = served.version()
    activity = captured("message_text_personal")
    activity["text"] = text
    assert served.post(json.dumps(activity).encode()) < 500
    assert served.version() == before
