"""What people find becomes a candidate improvement beside the ideas ("Alle mogelijke
verbeteringen uit de sessies van stap 2, 3, 4 en 5 brengen we bij elkaar"): the klantreis's pain
points and the contact moments felt as negative, the P's that do not match the serviceformule,
the check's remarks nobody resolved, and the specialists' conditions. Each carries its origin and
a key of its own (``ref``), so recording a finding again updates its candidate instead of adding
a second one, and a finding taken back takes its candidate along, unless it was chosen."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from wasstraat import limits
from wasstraat.context import Ctx
from wasstraat.model import (
    CheckAnswer,
    Feeling,
    Improvement,
    Klantreis,
    Origin,
    Person,
    RemarkOutcome,
    Trajectory,
)


@dataclass(frozen=True, slots=True)
class Finding:
    text: str
    p: str | None = None
    by: Person | None = None  # who found it, when not who records it (a check's remark)
    channel: str | None = None  # where a contact moment took place


def next_improvement_id(t: Trajectory) -> str:
    """A new id, never one an improvement had (a candidate may have gone since): counted."""
    numbers = [int(i.id[1:]) for i in t.improvements if i.id[1:].isdigit()]
    t.improvements_numbered = max([t.improvements_numbered, *numbers]) + 1
    return f"v{t.improvements_numbered}"


def source_step(ctx: Ctx) -> str | None:
    """The step a contribution comes from: the first running step the actor acts in, else the
    first running step."""
    active = ctx.t.active_steps(ctx.template)
    roles = ctx.t.roles_of(ctx.actor.aad_object_id, ctx.now)
    mine = [s for s in active if roles & set(ctx.template.step(s).actors)]
    return mine[0] if mine else active[0] if active else None


def keep(ctx: Ctx, origin: Origin, within: str, found: Mapping[str, Finding]) -> None:
    """The candidates of ``origin`` whose key starts with ``within`` become ``found`` (by key):
    new findings are added, changed ones reworded while nobody has chosen them, and those no
    longer found dropped unless chosen."""
    t = ctx.t
    current = {i.ref: i for i in t.improvements if i.origin is origin and _under(i.ref, within)}
    added = dropped = 0
    for ref, candidate in current.items():
        if ref not in found and not candidate.selected:
            t.improvements.remove(candidate)
            dropped += 1
    step = source_step(ctx)
    for ref, finding in found.items():
        text = finding.text.strip()[:2000]
        if not text:
            continue
        existing = current.get(ref)
        if existing is not None:
            if not existing.selected and not existing.reviews:
                existing.text, existing.channel = text, finding.channel
            continue
        if len(t.improvements) >= limits.IMPROVEMENTS_PER_TRAJECTORY:
            break  # the rest stays in the step's own record, in the dossier
        t.improvements.append(
            Improvement(
                id=next_improvement_id(t),
                text=text,
                source_step=step,
                by=finding.by or ctx.actor,
                at=ctx.now,
                p=finding.p,
                channel=finding.channel,
                origin=origin,
                ref=ref,
            )
        )
        added += 1
    if added or dropped:
        ctx.record("findings", origin=origin.value, added=added, dropped=dropped)


def _under(ref: str | None, within: str) -> bool:
    return ref is not None and ref.startswith(within)


def of_klantreis(klantreis: Klantreis) -> dict[str, Finding]:
    found = {f"klantreis:pain:{n}": Finding(p) for n, p in enumerate(klantreis.pain_points)}
    for n, moment in enumerate(klantreis.contact_moments):
        if moment.current is Feeling.NEGATIVE:
            what = moment.note.strip() or moment.phase.strip() or moment.channel
            found[f"klantreis:moment:{n}"] = Finding(what, channel=moment.channel)
    return found


def of_remarks(answers: list[CheckAnswer], round_: int) -> dict[str, Finding]:
    """The remarks kept for the plan, and those nobody decided about."""
    return {
        f"check:{round_}:{a.by.aad_object_id}": Finding(a.remark, by=a.by)
        for a in answers
        if not a.agrees
        and a.remark.strip()
        and (a.resolution is None or a.resolution.outcome is RemarkOutcome.LATER)
    }
