"""Typed storage errors."""


class StorageError(Exception):
    pass


class StaleVersion(StorageError):
    """A write carried a version that is no longer current (optimistic concurrency)."""


class EtagConflict(StorageError):
    """A state write carried an eTag that no longer matches the stored item."""


class AlreadyProcessed(StorageError):
    """The incoming activity was already processed (Teams redelivers)."""
