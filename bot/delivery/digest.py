"""A person's reminders of the day as one card: which rows make a digest, and how a round's
rows are grouped per recipient (each recipient's messages in order, a digest in the place of
its first reminder)."""

from __future__ import annotations

from collections import defaultdict

from storage import OutboxRow, ToPerson
from wasstraat.effects import Reminder

Unit = OutboxRow | list[OutboxRow]  # one message, or a person's reminders as one


def digestible(row: OutboxRow) -> bool:
    """A reminder that came due by the clock (not one somebody asked for now), to a person."""
    return (
        isinstance(row.body, Reminder)
        and not row.body.nudged
        and isinstance(row.recipient, ToPerson)
    )


def digest_people(rows: list[OutboxRow]) -> set[str]:
    """Whose reminders are among the rows: all of theirs due now go out with them."""
    return {row.person.aad_object_id for row in rows if row.person is not None and digestible(row)}


def per_recipient(rows: list[OutboxRow]) -> list[list[Unit]]:
    """The rows as each recipient gets them, in order; a person's reminders as one unit."""
    by_recipient: dict[str, list[Unit]] = defaultdict(list)
    digests: dict[str, list[OutboxRow]] = {}
    for row in sorted(rows, key=lambda row: row.id):
        recipient = row.recipient
        key = (
            recipient.aad_object_id
            if isinstance(recipient, ToPerson)
            else f"channel:{recipient.channel or recipient.conversation_id or ''}"
        )
        if digestible(row):
            if key not in digests:
                digests[key] = []
                by_recipient[key].append(digests[key])  # in the place of its first reminder
            digests[key].append(row)
        else:
            by_recipient[key].append(row)
    return list(by_recipient.values())
