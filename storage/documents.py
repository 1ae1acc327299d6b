"""Reading a stored trajectory document."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Text, type_coerce

from storage import schema
from wasstraat.model import Trajectory

# the stored JSON text as it is, for pydantic to parse and validate in one pass
DOCUMENT = type_coerce(schema.trajectories.c.document, Text).label("document")


def read_document(document: str | Mapping[str, Any]) -> Trajectory:
    """A trajectory from its stored document: JSON text is parsed and validated in one pass."""
    if isinstance(document, str):
        return Trajectory.model_validate_json(document)
    return Trajectory.model_validate(document)
