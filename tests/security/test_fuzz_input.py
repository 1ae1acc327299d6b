"""Fuzzing what people type, over HTTP against the running bot: every chat command and every
card form with long text, odd Unicode and deep nesting gets no 5xx, and nothing anyone typed
reaches a log line."""

from __future__ import annotations

import io
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cards.formbase import EVALUATION_FORM, REVIEW_FORM, STEP_FORM, SUBMIT_FORM
from tests.security.test_fuzz import EXAMPLES, OWNER, SERVED, ServedBot, captured

# what makes text odd: invisible and direction controls, NUL, combining marks, other scripts
ODD = [
    "\u200b",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u202e",
    "\u2066",
    "\u00ad",
    "\x00",
    "\x1b",
    "e\u0301",
    "\U0001f600",
    "\u0645\u0631\u062d\u0628\u0627",
    "\u4f60\u597d",
    "\t",
    "\n",
    "[a](https://x.example)",
    "<at>x</at>",
    "**",
    "`",
    "\\",
    "\u2028",
]
odd_text = st.lists(
    st.one_of(st.sampled_from(ODD), st.text(min_size=1, max_size=20)), max_size=60
).map("".join)
long_text = st.integers(min_value=0, max_value=6000).map(lambda n: ("Lange tekst " * 600)[:n])
typed = st.one_of(odd_text, long_text)

COMMANDS = [
    "start",
    "idee",
    "idea",
    "status",
    "mijn taken",
    "my tasks",
    "herinner nu",
    "klopt",
    "klopt niet,",
    "help",
    "export",
    "admin export",
    "admin verwijder",
]
FORM_FIELDS = [
    "kickoff_on",
    "complete",
    "part",
    "kpi1_name",
    "kpi1_unit",
    "kpi1_baseline",
    "kpi1_target",
    "kpi1_how",
    "map_link",
    "session_on",
    "session_at",
    "session_minutes",
    "method",
    "findings",
    "pain_points",
    "formule",
    "p_prijs_note",
    "sel_v1",
    "hor_v1",
    "verdict_v1",
    "remark_v1",
    "prio_v1",
    "item_i1",
    "evaluation_on",
    "kpi_0",
    "went_well",
    "text",
    "remark",
]
MARK = "Zq7"  # starts every typed text that must never reach a log


def as_owner(activity: dict[str, Any]) -> dict[str, Any]:
    activity["from"] = {
        "id": "29:fuzz-owner",
        "name": OWNER.name,
        "aadObjectId": OWNER.aad_object_id,
    }
    activity["conversation"]["id"] = "a:fuzz"
    return activity


def nested(depth: int, inner: Any) -> Any:
    for n in range(depth):
        inner = [inner] if n % 2 else {"k": inner}
    return inner


def _no_typed_text_in(production_log: io.StringIO) -> None:
    assert MARK not in production_log.getvalue()


@EXAMPLES
@given(command=st.sampled_from(COMMANDS), words=typed)
def test_every_chat_command_with_odd_or_long_text(
    served: ServedBot, production_log: io.StringIO, command: str, words: str
):
    activity = as_owner(captured("message_text_personal"))
    activity["text"] = f"{command} {MARK}{words}"
    assert served.post(json.dumps(activity).encode()) < 500
    _no_typed_text_in(production_log)


@EXAMPLES
@given(
    form=st.sampled_from([STEP_FORM, REVIEW_FORM, EVALUATION_FORM]),
    step=st.sampled_from(["1", "2", "3a", "6", "7", "10", "evaluatie"]),
    fields=st.dictionaries(st.sampled_from(FORM_FIELDS), typed, max_size=6),
)
def test_every_card_form_with_odd_or_long_text(
    served: ServedBot, production_log: io.StringIO, form: str, step: str, fields: dict[str, str]
):
    activity = as_owner(captured("invoke_adaptiveCard_action_execute"))
    data = {
        "action": SUBMIT_FORM,
        "trajectory": SERVED[-1].trajectory_id,
        "form": form,
        "step": step,
        **{key: f"{MARK}{value}" for key, value in fields.items()},
    }
    activity["value"]["action"] = {"type": "Action.Execute", "verb": SUBMIT_FORM, "data": data}
    assert served.post(json.dumps(activity).encode()) < 500
    _no_typed_text_in(production_log)


@EXAMPLES
@given(
    depth=st.integers(min_value=1, max_value=5000),
    where=st.sampled_from(["body", "value", "data", "channelData", "text"]),
)
def test_deep_nesting_anywhere_is_refused_without_a_server_error(
    served: ServedBot, production_log: io.StringIO, depth: int, where: str
):
    activity = as_owner(captured("invoke_adaptiveCard_action_execute"))
    if where == "body":
        body: Any = nested(depth, activity)
    elif where == "value":
        activity["value"] = nested(depth, activity["value"])
        body = activity
    elif where == "data":
        activity["value"]["action"]["data"]["x"] = nested(depth, MARK)
        body = activity
    elif where == "channelData":
        activity["channelData"] = nested(depth, {})
        body = activity
    else:
        activity["text"] = nested(depth, MARK)
        body = activity
    try:
        raw = json.dumps(body).encode()
    except RecursionError:  # deeper than this process can even write: built by hand
        raw = b"[" * depth + b"]" * depth
    assert served.post(raw) < 500
    assert "Traceback" not in production_log.getvalue()
    _no_typed_text_in(production_log)
