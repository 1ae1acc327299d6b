"""Outbox messages to many people, with their 1:1 chats known, for delivery under load."""

from __future__ import annotations

from datetime import datetime

from storage import Store
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
    """``count`` short messages spread over ``recipients``, whose chats point at the fake."""
    async with store.transaction(now=now) as tx:
        if insert:
            await tx.insert_trajectory(trajectory, now=now)
        for n in range(count):
            person = recipients[n % len(recipients)]
            await tx.add_outbox(
                kind="role_assigned",
                recipient={"aad_object_id": person.aad_object_id, "name": person.name},
                payload={"trajectory_id": trajectory.id, "role": "sponsor", "n": n},
                trajectory_id=trajectory.id,
                now=now,
            )
    for person in recipients:
        await store.save_conversation_reference(
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
