"""The engine's effects are typed: every message it makes is one of the message models, and what
the outbox keeps of it reads back as the same message."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from wasstraat import commands as c
from wasstraat.effects import (
    ApprovalRequest,
    Reminder,
    RoleAssigned,
    read_payload,
)
from wasstraat.engine import apply_all
from wasstraat.model import SYSTEM
from wasstraat.samples import PL, Run, finish, person, to_step


def whole_run() -> Run:
    run = Run()
    run.assign_all()
    to_step(run, "2")
    # three weeks later the proceseigenaar is reminded of the KPI decision, and nudged
    run.do(SYSTEM, c.FollowUpDue(), after=timedelta(days=21))
    run.do(PL, c.Nudge(), after=timedelta(days=2))
    to_step(run, run.template.steps[-1].id)
    finish(run, run.template.steps[-1].id)
    return run


def test_every_message_of_a_whole_trajectory_reads_back_from_its_outbox_payload():
    run = whole_run()
    messages = [m for outcome in run.outcomes for m in outcome.messages]
    kinds = {m.kind for m in messages}
    assert {"step_started", "approval_request", "reminder", "role_assigned"} <= kinds
    assert len(kinds) >= 15
    for message in messages:
        stored = {"trajectory_id": run.t.id, "version": 3, **message.data}
        assert read_payload(message.kind, stored) == message.body


def test_a_reminder_is_kept_flat_with_its_task_and_read_back_nested():
    task = ApprovalRequest(subject="kpis", role="proceseigenaar", round=2)
    reminder = Reminder(task=task, what="approve", since="2026-12-01T09:00:00+00:00", count=1)
    assert reminder.payload() == {
        "subject": "kpis",
        "role": "proceseigenaar",
        "round": 2,
        "task": "approval_request",
        "what": "approve",
        "since": "2026-12-01T09:00:00+00:00",
        "count": 1,
        "nudged": False,
    }
    assert read_payload("reminder", reminder.payload()) == reminder


@pytest.mark.parametrize(
    ("kind", "payload"),
    [
        ("approval_request", {"subject": "kpis"}),  # no round
        ("step_started", {"step": "2", "role": "sponsor", "typo": 1}),  # a field it has not
        ("role_assigned", {"roles": ["sponsor"]}),  # no role
        ("no_such_kind", {}),
        ("reminder", {"task": "role_assigned", "role": "x", "what": "approve", "count": 1}),
    ],
)
def test_a_payload_that_does_not_fit_its_kind_is_refused(kind, payload):
    with pytest.raises(ValidationError):
        read_payload(kind, payload)


def test_roles_given_at_once_are_one_typed_message():
    run = Run()
    newcomer = person("Nieuw")
    outcome = apply_all(
        run.t,
        [
            c.AssignRole(role="sponsor", people=[newcomer]),
            c.AssignRole(role="procesadviseur", people=[newcomer]),
        ],
        PL,
        run.now,
        run.template,
    )
    [told] = [m for m in outcome.messages if m.recipient == newcomer and m.kind == "role_assigned"]
    assert told.body == RoleAssigned(role="sponsor", roles=["sponsor", "procesadviseur"])
    assert read_payload(told.kind, told.data) == told.body
