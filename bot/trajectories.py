"""Applying trajectory commands: the engine in the middle, one transaction around it."""

from __future__ import annotations

from typing import Any

from bot.turn import Turn
from bot.workflow import Workflow
from cards.status import status_card, step_label
from storage import AlreadyProcessed
from wasstraat import engine

STATUS_LIMIT = 20


async def start_trajectory(turn: Turn, product: str) -> None:
    """Create a trajectory bound to this channel with the sender as projectleider."""
    actor = turn.actor
    if actor is None:
        await turn.reply_text("start.no_identity")
        return
    services = turn.services
    try:
        outcome = await Workflow(services).start(
            product=product,
            binding=turn.binding,
            project_leader=actor,
            activity_id=turn.activity.id,
        )
    except engine.InvalidInput as error:
        await turn.reply_text(f"start.{error.code}")
        return
    except AlreadyProcessed:
        return
    trajectory = outcome.trajectory
    await turn.remember_conversation()
    first = services.template.steps[0].id
    await turn.reply_text(
        "start.started",
        product=trajectory.product,
        step=step_label(services.template, first, turn.language),
    )


async def channel_status_card(turn: Turn) -> dict[str, Any]:
    """The status card for the channel (or chat) the turn came from."""
    services = turn.services
    channel_key = turn.binding.channel_key
    trajectories = await services.store.trajectories_in_channel(channel_key, limit=STATUS_LIMIT)
    total = (
        await services.store.count_trajectories(channel_key=channel_key)
        if len(trajectories) == STATUS_LIMIT
        else len(trajectories)
    )
    return status_card(
        trajectories,
        template=services.template,
        language=turn.language,
        zone=services.zone,
        now=services.clock(),
        total=total,
    )
