"""AVG duties: closed trajectories past their retention are anonymised; an administrator can
export everything kept about one person, or remove them from closed trajectories. Every one of
these is audited (without the person's id in clear)."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from typing import Any

from bot.services import Services
from wasstraat.model import SYSTEM, Person, Trajectory
from wasstraat.privacy import CLOSED, anonymize, person_data

log = logging.getLogger(__name__)


def fingerprint(person_id: str) -> str:
    """What the audit keeps of a person an administrator acted on."""
    return hashlib.sha256(f"wasstraat:{person_id}".encode()).hexdigest()[:16]


async def _replace(
    services: Services,
    trajectory: Trajectory,
    *,
    only: set[str] | None,
    action: str,
    actor: str,
) -> None:
    now = services.clock()
    new, mapping = anonymize(trajectory, now=now, only=only)
    new.version = trajectory.version + 1
    async with services.store.transaction(now=now) as tx:
        await tx.update_trajectory(new, expected_version=trajectory.version, now=now)
        await tx.pseudonymize_rows(trajectory.id, mapping)
        await tx.audit(
            action=action,
            at=now,
            actor=actor,
            trajectory_id=trajectory.id,
            detail={"people": len(mapping)},
        )


async def anonymize_expired(services: Services) -> int:
    """Anonymise closed trajectories untouched for the retention period; how many."""
    days = services.settings.retention_days
    if not days:
        return 0
    cutoff = services.clock() - timedelta(days=days)
    done = 0
    for trajectory in await services.store.personal.closed_before(cutoff):
        if trajectory.anonymized_at is not None:
            continue
        await _replace(
            services, trajectory, only=None, action="privacy.anonymized", actor=SYSTEM.aad_object_id
        )
        done += 1
    if done:
        log.info("anonymised %d closed trajectories past retention", done)
    return done


async def audit_export(services: Services, person_id: str, admin: Person) -> None:
    """An administrator asked for a person's data (the download link is handed out)."""
    now = services.clock()
    async with services.store.transaction(now=now) as tx:
        await tx.audit(
            action="admin.export",
            at=now,
            actor=admin.aad_object_id,
            detail={"person": fingerprint(person_id)},
        )


async def person_export(services: Services, person_id: str) -> dict[str, Any]:
    """Everything stored about one person (AVG inzageverzoek), as JSON-ready data."""
    trajectories = await services.store.personal.trajectories_mentioning(person_id)
    audit = await services.store.personal.audit(person_id)
    rows = await services.store.personal.rows(person_id)
    return {
        "person": person_id,
        "exported_at": services.clock().isoformat(),
        "trajectories": [person_data(t, person_id) for t in trajectories],
        "audit": [_jsonable(row) for row in audit],
        **{table: [_jsonable(row) for row in found] for table, found in rows.items()},
    }


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}


async def remove_person(services: Services, person_id: str, admin: Person) -> tuple[int, int]:
    """Replace the person in every closed trajectory; (how many, how many still running)."""
    removed = running = 0
    for trajectory in await services.store.personal.trajectories_mentioning(person_id):
        if trajectory.status not in CLOSED:
            running += 1
            continue
        await _replace(
            services,
            trajectory,
            only={person_id},
            action="admin.person_removed",
            actor=admin.aad_object_id,
        )
        removed += 1
    now = services.clock()
    async with services.store.transaction(now=now) as tx:
        await tx.audit(
            action="admin.remove",
            at=now,
            actor=admin.aad_object_id,
            detail={"person": fingerprint(person_id), "removed": removed, "running": running},
        )
    return removed, running
