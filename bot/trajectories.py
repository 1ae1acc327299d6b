"""Applying trajectory commands: the engine in the middle, one transaction around it."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from bot.downloads import Links
from bot.services import Services
from bot.turn import Turn
from cards.base import Element
from cards.catalogue import MESSAGES, Language
from cards.detail import REFRESH_LIMIT, detail_card, dossier_card, tasks_card, with_refresh
from cards.formats import format_time
from cards.messages import idea_choice_card
from cards.outcomes import decider_names, nudge_receipt
from cards.status import status_card, step_label
from dialogs.check_reply import CheckReply
from storage import AlreadyProcessed
from wasstraat import engine
from wasstraat.commands import AddImprovement, AnswerCheck, Nudge
from wasstraat.model import Trajectory, TrajectoryStatus

STATUS_LIMIT = 20


async def start_trajectory(turn: Turn, product: str) -> None:
    """Create a trajectory bound to this channel with the sender as projectleider."""
    actor = turn.actor
    if actor is None:
        await turn.reply_text("start.no_identity")
        return
    services = turn.services
    try:
        outcome = await turn.workflow.start(
            product=product, binding=turn.binding, project_leader=actor
        )
    except engine.InvalidInput as error:
        if f"start.{error.code}" in MESSAGES:
            await turn.reply_text(f"start.{error.code}")
        else:
            await turn.reply_plain(turn.refusal(error))
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
    # in a channel, in working time, whom each trajectory waits on is mentioned (notified)
    in_channel = turn.context.activity.conversation.conversation_type == "channel"
    working = services.policy.working.is_working_time(turn.now)
    return status_card(
        trajectories,
        template=services.template,
        language=turn.language,
        zone=services.zone,
        now=turn.now,
        total=total,
        template_of=services.template_of,
        mention=in_channel and working,
    )


async def answer_check_by_text(turn: Turn, reply: CheckReply) -> bool:
    """Take a chat reply as the sender's answer to their open 3b check, if they have exactly
    one. Returns False when the sender has no open check (the text is something else)."""
    actor = turn.actor
    if actor is None:
        return False
    open_checks = [
        t
        for t in await turn.services.store.trajectories_of(actor.aad_object_id)
        if t.check.sent_at is not None
        and t.check.closed_at is None
        and any(p.aad_object_id == actor.aad_object_id for p in t.check.missing())
    ]
    if not open_checks:
        return False
    try:
        answer = AnswerCheck(agrees=reply.agrees, remark=reply.remark)
    except ValidationError as error:
        await turn.reply_input_problem(error)
        return True
    if len(open_checks) > 1:
        await turn.reply_text("check.choose", products=", ".join(t.product for t in open_checks))
        return True
    trajectory = open_checks[0]
    try:
        await turn.workflow.execute(trajectory.id, answer, actor)
    except engine.EngineError as error:
        await turn.reply_plain(turn.refusal(error, trajectory))
        return True
    except AlreadyProcessed:
        return True
    if reply.agrees:
        await turn.reply_text("receipt.check_agree")
    else:
        names = decider_names(trajectory, turn.template_of(trajectory))
        await turn.reply_text("receipt.check_disagree", remark=reply.remark, names=names)
    return True


async def add_idea(turn: Turn, idea: str) -> None:
    """'idee <tekst>': add an improvement to the sender's trajectory here (or choose one)."""
    actor = turn.actor
    if not idea.strip():
        await turn.reply_text("idea.usage")
        return
    if actor is None:
        await turn.reply_text("start.no_identity")
        return
    try:
        command = AddImprovement(text=idea)
    except ValidationError as error:
        await turn.reply_input_problem(error)
        return
    store = turn.services.store
    here = await store.trajectories_in_channel(turn.binding.channel_key)
    mine = {t.id for t in await store.trajectories_of(actor.aad_object_id)}
    candidates = [t for t in here if t.id in mine and t.status is TrajectoryStatus.RUNNING]
    if not candidates:
        candidates = [
            t
            for t in await store.trajectories_of(actor.aad_object_id)
            if t.status is TrajectoryStatus.RUNNING
        ]
    if not candidates:
        await turn.reply_text("idea.none")
        return
    if len(candidates) > 1:
        await turn.reply_card(idea_choice_card(candidates, idea, turn.language))
        return
    try:
        await turn.workflow.execute(candidates[0].id, command, actor)
    except engine.EngineError as error:
        await turn.reply_plain(turn.refusal(error, candidates[0]))
        return
    except AlreadyProcessed:
        return
    await turn.reply_text("receipt.improvement", product=candidates[0].product)


async def nudge_by_text(turn: Turn) -> None:
    """'herinner nu': remind who the sender's trajectories here (else anywhere) wait on."""
    actor = turn.actor
    if actor is None:
        await turn.reply_text("start.no_identity")
        return
    store = turn.services.store
    led = [
        t
        for t in await store.trajectories_of(actor.aad_object_id)
        if t.status is TrajectoryStatus.RUNNING
        and engine.manages(t, actor, turn.now, turn.services.template_of(t))
        and t.follow_ups
    ]
    here = [t for t in led if t.binding.channel_key == turn.binding.channel_key]
    lines = []
    for trajectory in here or led:
        try:
            outcome = await turn.workflow.execute(
                trajectory.id, Nudge(), actor, activity_id=_per_trajectory(turn, trajectory)
            )
        except (engine.EngineError, AlreadyProcessed):
            continue
        lines.append(nudge_receipt(outcome, actor.aad_object_id, turn.viewer_for(trajectory)))
    if not lines:
        await turn.reply_text("nudge.none")
        return
    await turn.reply_plain("\n\n".join(lines))


def _per_trajectory(turn: Turn, trajectory: Trajectory) -> str | None:
    """One inbox key per trajectory a single message acts on (a redelivery changes nothing)."""
    key = turn.inbox_key
    return None if key is None else f"{key}:{trajectory.id}"[:255]


async def dossier_links_card(turn: Turn, trajectories: list[Trajectory]) -> dict[str, Any]:
    """Signed, expiring download links for the dossiers of these trajectories (members only)."""
    actor = turn.actor
    mine = [t for t in trajectories if actor is not None and t.roles_of(actor.aad_object_id)]
    links = await Links.create(turn.services)
    made = [
        (t.product, *links.dossier_url(t.id, turn.language, actor.aad_object_id))
        for t in mine
        if actor is not None
    ]
    until = made[0][2] if made else turn.now
    return dossier_card(
        [(product, url) for product, url, _ in made],
        format_time(until, turn.language, turn.services.zone),
        turn.language,
    )


async def export_by_text(turn: Turn) -> None:
    """'export': the dossiers of the sender's trajectories here (else all of theirs)."""
    actor = turn.actor
    if actor is None:
        await turn.reply_text("start.no_identity")
        return
    store = turn.services.store
    theirs = await store.trajectories_of(actor.aad_object_id)
    here = [t for t in theirs if t.binding.channel_key == turn.binding.channel_key]
    await turn.reply_card(await dossier_links_card(turn, here or theirs))


async def my_tasks_card(turn: Turn) -> dict[str, Any]:
    """The sender's open tasks across their running trajectories."""
    actor = turn.actor
    services = turn.services
    tasks = []
    if actor is not None:
        for trajectory in await services.store.trajectories_of(actor.aad_object_id):
            tasks += [
                (trajectory, task)
                for task in engine.open_tasks(
                    trajectory, actor.aad_object_id, services.template_of(trajectory)
                )
            ]
    return tasks_card(
        tasks,
        template=services.template,
        language=turn.language,
        zone=services.zone,
        now=turn.now,
        template_of=services.template_of,
    )


async def trajectory_for_viewer(turn: Turn, trajectory_id: object) -> Trajectory | None:
    """A trajectory the sender may look at: one of this channel's, or one they take part in."""
    if not isinstance(trajectory_id, str):
        return None
    trajectory = await turn.services.store.trajectory(trajectory_id)
    if trajectory is None:
        return None
    actor = turn.actor
    if trajectory.binding.channel_key == turn.binding.channel_key:
        return trajectory
    if actor is not None and trajectory.roles_of(actor.aad_object_id):
        return trajectory
    return None


async def channel_card(services: Services, trajectory: Trajectory, language: Language) -> Element:
    """The trajectory's card in its channel: the shared view, which Teams refreshes into each
    project-group member's own view (those the bot has a 1:1 chat with, at most 60)."""
    shared = detail_card(
        trajectory,
        template=services.template_of(trajectory),
        language=language,
        zone=services.zone,
        now=services.clock(),
    )
    members = [p.aad_object_id for p in trajectory.members()][:REFRESH_LIMIT]
    ids = await services.store.references.user_ids(members)
    return with_refresh(shared, trajectory, [ids[m] for m in members if m in ids])
