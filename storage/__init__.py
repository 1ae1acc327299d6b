"""Persistence: one database (SQLite by default, PostgreSQL for replicas), the source of truth."""

from storage.database import Database, open_database
from storage.errors import AlreadyProcessed, EtagConflict, StaleVersion
from storage.outbox import OutboxRow, Outgoing, Recipient, ToChannel, ToPerson
from storage.store import REFUSED, Store

__all__ = [
    "REFUSED",
    "AlreadyProcessed",
    "Database",
    "EtagConflict",
    "OutboxRow",
    "Outgoing",
    "Recipient",
    "StaleVersion",
    "Store",
    "ToChannel",
    "ToPerson",
    "open_database",
]
