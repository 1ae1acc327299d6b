"""Personal data in a trajectory (AVG): what is kept about one person, and pseudonymisation.

A trajectory names people by Entra object id and display name in roles, answers, reviews,
approvals, ideas, measurements and its audit trail. Pure functions over the stored document.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

from wasstraat.model import SYSTEM, Trajectory, TrajectoryStatus

# an Entra object id: a GUID, as Teams writes it (lower case)
OBJECT_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def object_id(value: str) -> str | None:
    """``value`` as a well-formed Entra object id (lower case), or None when it is not one."""
    candidate = value.strip().lower()
    return candidate if OBJECT_ID.fullmatch(candidate) else None


def names_person(value: Any, person_id: str) -> bool:
    """Whether JSON-like ``value`` holds ``person_id`` whole: as a string or a key."""
    if isinstance(value, str):
        return value == person_id
    if isinstance(value, dict):
        return any(k == person_id or names_person(v, person_id) for k, v in value.items())
    if isinstance(value, list):
        return any(names_person(item, person_id) for item in value)
    return False


def replace_ids(value: Any, mapping: dict[str, str]) -> Any:
    """JSON-like ``value`` with every whole id in ``mapping`` (as a string or a key) replaced."""
    if isinstance(value, str):
        return mapping.get(value, value)
    if isinstance(value, dict):
        return {mapping.get(k, k): replace_ids(v, mapping) for k, v in value.items()}
    if isinstance(value, list):
        return [replace_ids(item, mapping) for item in value]
    return value


CLOSED = frozenset({TrajectoryStatus.FINISHED, TrajectoryStatus.CANCELLED})
# free text a person wrote that may name others: cleared when its author is anonymised
AUTHORED_TEXT = ("remark", "reason")
PERSON_FIELDS = ("by", "absent", "substitute", "owner")


def _people_in(value: Any, found: dict[str, str]) -> None:
    if isinstance(value, dict):
        if isinstance(value.get("aad_object_id"), str):
            found.setdefault(value["aad_object_id"], str(value.get("name", "")))
        for item in value.values():
            _people_in(item, found)
    elif isinstance(value, list):
        for item in value:
            _people_in(item, found)


def people_in(trajectory: Trajectory) -> dict[str, str]:
    """Everyone the trajectory names: object id → display name."""
    found: dict[str, str] = {}
    _people_in(trajectory.model_dump(mode="json"), found)
    found.pop(SYSTEM.aad_object_id, None)
    return found


def pseudonym(trajectory_id: str, person_id: str) -> str:
    """A stable stand-in id within one trajectory, from which the person cannot be read."""
    return "anon-" + hashlib.sha256(f"{trajectory_id}:{person_id}".encode()).hexdigest()[:16]


def _authored_by(value: dict[str, Any], ids: set[str]) -> bool:
    for name in PERSON_FIELDS:
        person = value.get(name)
        if isinstance(person, dict) and person.get("aad_object_id") in ids:
            return True
    return False


def _replace(value: Any, mapping: dict[str, tuple[str, str]]) -> Any:
    if isinstance(value, dict):
        ids = set(mapping)
        result: dict[str, Any] = {}
        for key, item in value.items():
            new_key = mapping[key][0] if key in mapping else key
            result[new_key] = _replace(item, mapping)
        if value.get("aad_object_id") in mapping:
            result["aad_object_id"], result["name"] = mapping[value["aad_object_id"]]
        if _authored_by(value, ids):
            for name in AUTHORED_TEXT:
                if isinstance(result.get(name), str) and result[name]:
                    result[name] = ""
        return result
    if isinstance(value, list):
        return [_replace(item, mapping) for item in value]
    if isinstance(value, str) and value in mapping:
        return mapping[value][0]
    return value


def anonymize(
    trajectory: Trajectory, *, now: datetime, only: set[str] | None = None
) -> tuple[Trajectory, dict[str, str]]:
    """The trajectory with ``only`` these people (everyone when None) replaced by pseudonyms,
    and the free text they wrote cleared; with the mapping old id → pseudonym."""
    named = people_in(trajectory)
    targets = sorted(named if only is None else set(named) & only)
    mapping = {
        person_id: (pseudonym(trajectory.id, person_id), f"Deelnemer {n}")
        for n, person_id in enumerate(targets, start=1)
    }
    document = _replace(trajectory.model_dump(mode="json"), mapping)
    result = Trajectory.model_validate(document)
    if only is None:
        result.anonymized_at = now
    return result, {old: new for old, (new, _name) in mapping.items()}


def _mentions(value: Any, person_id: str, out: list[Any]) -> None:
    if isinstance(value, dict):
        if _authored_by(value, {person_id}):
            out.append(value)
            return
        for key, item in value.items():
            if key == person_id:  # keyed by person (the 3b answers): theirs only
                out.append(item)
            else:
                _mentions(item, person_id, out)
    elif isinstance(value, list):
        for item in value:
            _mentions(item, person_id, out)


def person_data(trajectory: Trajectory, person_id: str) -> dict[str, Any]:
    """What the trajectory keeps about one person: roles, and every entry by or about them."""
    document = trajectory.model_dump(mode="json")
    entries: list[Any] = []
    for key, value in document.items():
        if key != "roles":
            _mentions(value, person_id, entries)
    return {
        "trajectory": trajectory.id,
        "product": trajectory.product,
        "status": trajectory.status.value,
        "roles": sorted(
            role
            for role, people in trajectory.roles.items()
            if any(p.aad_object_id == person_id for p in people)
        ),
        "entries": entries,
    }
