"""Persistence: one database (SQLite by default, PostgreSQL for replicas), the source of truth."""

from storage.database import Database, open_database
from storage.errors import AlreadyProcessed, EtagConflict, StaleVersion
from storage.store import REFUSED, OutboxRow, Store

__all__ = [
    "REFUSED",
    "AlreadyProcessed",
    "Database",
    "EtagConflict",
    "OutboxRow",
    "StaleVersion",
    "Store",
    "open_database",
]
