"""Outbox messages to many people, with their 1:1 chats known, for delivery under load."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage import Outgoing, Store, ToPerson
from wasstraat.effects import RoleAssigned
from wasstraat.engine import timer_id
from wasstraat.follow_up import FOLLOW_UP_KIND
from wasstraat.model import Person, Trajectory


def people(count: int) -> list[Person]:
    return [Person(aad_object_id=f"person-{n:02d}", name=f"Person {n}") for n in range(count)]


async def seed_messages(
    store: Store,
    trajectory: Trajectory,
    recipients: list[Person],
    count: int,
    *,
    service_url: str,
    now: datetime,
    insert: bool = True,
) -> None:
    """``count`` short messages spread over ``recipients``, whose chats point at the fake. The
    chats are stored first, so that a dispatcher running meanwhile finds them."""
    for person in recipients:
        await store.references.save(
            conversation_id=f"a:personal-{person.aad_object_id}",
            conversation_type="personal",
            reference={
                "conversation": {"id": f"a:personal-{person.aad_object_id}"},
                "serviceUrl": service_url,
                "channelId": "msteams",
                "bot": {"id": "28:bot"},
                "user": {"id": f"29:{person.aad_object_id}"},
            },
            aad_object_id=person.aad_object_id,
            now=now,
        )
    async with store.transaction(now=now) as tx:
        if insert:
            await tx.insert_trajectory(trajectory, now=now)
        for n in range(count):
            person = recipients[n % len(recipients)]
            await tx.add_outbox(
                [
                    Outgoing(
                        recipient=ToPerson(aad_object_id=person.aad_object_id, name=person.name),
                        body=RoleAssigned(role="sponsor"),
                        trajectory_id=trajectory.id,
                    )
                ],
                now=now,
            )


async def seed_due_follow_ups(store: Store, trajectories: list[Trajectory], due: datetime) -> None:
    """The trajectories stored, each with its follow-up timer due at ``due``."""
    async with store.transaction(now=due) as tx:
        for trajectory in trajectories:
            await tx.insert_trajectory(trajectory, now=due)
            await tx.set_timer(
                timer_id=timer_id(trajectory.id, "tasks", FOLLOW_UP_KIND),
                kind=FOLLOW_UP_KIND,
                due_at=due,
                trajectory_id=trajectory.id,
                now=due,
            )


def approve_kpis(activity: dict[str, Any], trajectory: Trajectory) -> dict[str, Any]:
    """``activity`` (an Action.Execute invoke) turned into approving the trajectory's KPIs."""
    activity["value"]["action"] = {
        "type": "Action.Execute",
        "verb": "decide_kpis",
        "data": {
            "action": "decide_kpis",
            "trajectory": trajectory.id,
            "version": trajectory.version,
            "step": "2",
            "round": trajectory.kpis_round,
            "decision": "approve",
        },
    }
    return activity
