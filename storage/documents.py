"""Reading a stored trajectory document."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Text, type_coerce

from storage import schema
from wasstraat.model import Trajectory, TrajectoryStatus

# the stored JSON text as it is, for pydantic to parse and validate in one pass
DOCUMENT = type_coerce(schema.trajectories.c.document, Text).label("document")


def read_document(document: str | Mapping[str, Any]) -> Trajectory:
    """A trajectory from its stored document: JSON text is parsed and validated in one pass."""
    if isinstance(document, str):
        return Trajectory.model_validate_json(document)
    return Trajectory.model_validate(document)


class ReadCache:
    """Trajectories as last read, by id and version, for the portfolio's pages (read often,
    changed seldom): a page reads the stored versions and parses only the documents it has not
    seen at that version. Bounded; for reading only, never handed to the engine."""

    def __init__(self, size: int = 1024) -> None:
        self._size = size
        self._kept: OrderedDict[str, tuple[int, Trajectory]] = OrderedDict()

    def get(self, trajectory_id: str, version: int) -> Trajectory | None:
        kept = self._kept.get(trajectory_id)
        if kept is None or kept[0] != version:
            return None
        self._kept.move_to_end(trajectory_id)
        return kept[1]

    def put(self, trajectory: Trajectory, version: int) -> None:
        self._kept[trajectory.id] = (version, trajectory)
        self._kept.move_to_end(trajectory.id)
        while len(self._kept) > self._size:
            self._kept.popitem(last=False)


# a trajectory in one of these is closed: the basis of retention
CLOSED_STATUSES = (TrajectoryStatus.FINISHED.value, TrajectoryStatus.CANCELLED.value)
