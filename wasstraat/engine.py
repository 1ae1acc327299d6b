"""The pure engine: commands in, new trajectory and effects out. No I/O, no clock."""

from __future__ import annotations

from datetime import datetime

from wasstraat.model import Binding, Person, StepState, StepStatus, Trajectory
from wasstraat.template import Template


class InvalidInput(ValueError):
    """The command's input is not acceptable; nothing changes."""


PRODUCT_MAX_LENGTH = 200


def start_trajectory(
    *,
    trajectory_id: str,
    product: str,
    binding: Binding,
    project_leader: Person,
    template: Template,
    now: datetime,
) -> Trajectory:
    """A new trajectory with the starter as projectleider and the first steps active."""
    product = " ".join(product.split())
    if not product:
        raise InvalidInput("product_missing")
    if len(product) > PRODUCT_MAX_LENGTH:
        raise InvalidInput("product_too_long")
    steps = {step.id: StepState() for step in template.steps}
    for step in template.steps:
        if not step.depends_on:
            steps[step.id] = StepState(status=StepStatus.ACTIVE, started_at=now)
    return Trajectory(
        id=trajectory_id,
        template_id=template.id,
        product=product,
        binding=binding,
        roles={"projectleider": [project_leader]},
        steps=steps,
        created_at=now,
        version=1,
    )
