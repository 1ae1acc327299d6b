"""What the activity feed is sent, and for what: the notification's body as Graph documents it,
one chain per task and round, and which messages are announced at all."""

from __future__ import annotations

from bot.feed import Notification, feed_type
from wasstraat.effects import Reminder, RoleAssigned, StepStarted, TaskOverdue


def a_notification(key: str = "outbox:7", team: str | None = "team-1") -> Notification:
    return Notification(
        user_id="00000000-0000-0000-0000-0000000000021",
        team_id=team,
        activity_type="taskAssigned",
        topic="Parkeervergunning",
        task="Parkeervergunning · Stap 2: KPI's bepalen" + " …" * 100,
        web_url="https://teams.microsoft.com/l/chat/0/0?users=28:bot",
        key=key,
    )


def test_a_teams_notification_names_its_recipient_and_a_users_has_it_in_the_path():
    in_team = a_notification()
    body = in_team.body()
    assert in_team.path() == "/teams/team-1/sendActivityNotification"
    assert body["recipient"] == {
        "@odata.type": "microsoft.graph.aadUserNotificationRecipient",
        "userId": in_team.user_id,
    }
    assert len(body["previewText"]["content"]) == 150
    assert body["templateParameters"] == [{"name": "task", "value": body["previewText"]["content"]}]
    personal = a_notification(team=None)
    assert personal.path() == f"/users/{personal.user_id}/teamwork/sendActivityNotification"
    assert "recipient" not in personal.body()


def test_one_task_and_round_is_one_chain():
    assert a_notification().chain_id() == a_notification().chain_id()
    assert a_notification().chain_id() != a_notification("outbox:8").chain_id()
    assert 0 <= a_notification().chain_id() < 2**63


def test_only_tasks_reminders_and_escalations_reach_the_feed():
    task = StepStarted(step="2")
    assert feed_type(task, asks=True) == "taskAssigned"
    assert feed_type(task, asks=False) is None  # a card that asks nothing: no bell
    assert feed_type(RoleAssigned(role="sponsor"), asks=False) is None
    assert feed_type(Reminder(task=task, what="complete", count=1), asks=True) == "taskReminder"
    overdue = TaskOverdue(step="2", what="approve", name="Megan", since="2026-12-01T09:00:00+00:00")
    assert feed_type(overdue, asks=False) == "taskOverdue"
