"""One module per kind of step: what it does at its start, whom it waits on, what it asks, and
the commands that decide it. Importing this package registers them all.

A kind's parameters are its template model (``wasstraat.template``, registered with
:func:`~wasstraat.template.kind`); what it does is its :class:`~wasstraat.context.Behaviour`,
registered by the same type. Code outside this package asks the kind (its methods, its
behaviour) rather than testing which kind a step is; where it draws one kind's own card it takes
the step's kind as that kind with :func:`as_kind`.
"""

from __future__ import annotations

from typing import TypeVar

from wasstraat.kinds import approval, check, evaluation, finished, reviews
from wasstraat.template import Kind, Step

K = TypeVar("K", bound=Kind)


def as_kind(step: Step, kind: type[K]) -> K:
    """The step's kind as ``kind``; a step of another kind is a mistake in the caller."""
    if not isinstance(step.kind, kind):
        raise TypeError(f"step {step.id} is a {step.kind.type}, not a {kind.__name__}")
    return step.kind


__all__ = ["approval", "as_kind", "check", "evaluation", "finished", "reviews"]
