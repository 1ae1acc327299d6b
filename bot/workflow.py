"""Applying engine commands to stored trajectories: load, apply, and write the new state with
its outbox messages, timers and audit entries in ONE transaction, with a version check."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from bot.services import Services
from storage import Outgoing, Recipient, StaleVersion, ToChannel, ToPerson
from storage.store import Transaction
from wasstraat import engine, limits
from wasstraat.commands import Command
from wasstraat.effects import Reminder
from wasstraat.model import Binding, Person, Trajectory
from wasstraat.template import PROJECT_LEADER
from wasstraat.worktime import TimePolicy

CONFLICT_RETRIES = 3


@dataclass(slots=True)
class Inbox:
    """A turn's inbox key, and whether a transaction of the turn has recorded it (the state it
    changed and the key commit together; a turn that wrote nothing records it at its end)."""

    key: str | None
    recorded: bool = False


class TrajectoryNotFound(engine.EngineError):
    """No trajectory with that id (a forged or outdated card)."""


class NextCycleExists(engine.EngineError):
    """The next cycle of this trajectory was already started."""


def next_cycle_id(previous: Trajectory) -> str:
    """The next cycle's id follows from its predecessor's, so it can be started only once."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"wasstraat:next-cycle:{previous.id}").hex


def recipient_of(message: engine.Message, trajectory: Trajectory) -> Recipient:
    """Where an outbox message goes: a person (by Entra object id) or the trajectory's channel."""
    if message.recipient is not None:
        return ToPerson(aad_object_id=message.recipient.aad_object_id, name=message.recipient.name)
    binding = trajectory.binding
    return ToChannel(channel=binding.channel_key, conversation_id=binding.conversation_id)


# messages that are not prompts to a person: they go out at once, at any hour
NOT_PROMPTS = frozenset({"calendar_event"})


def _not_before(
    message: engine.Message, actor: Person, now: datetime, policy: TimePolicy
) -> datetime:
    """Prompts and reminders reach people in working time only: one due at night waits for the
    morning. What answers the actor's own action, and channel posts, go out at once. A reminder
    that comes due by the clock waits for the next start of working hours, where the dispatcher
    gathers a person's reminders of that day into one digest; one somebody asked for now
    ("herinner nu") does not wait."""
    if (
        message.recipient is None
        or message.recipient.aad_object_id == actor.aad_object_id
        or message.kind in NOT_PROMPTS
    ):
        return now
    if isinstance(message.body, Reminder) and not message.body.nudged:
        return policy.working.next_opening(now)
    return policy.working.next_working_moment(now)


async def _write_effects(
    tx: Transaction,
    outcome: engine.Outcome,
    now: datetime,
    actor: Person,
    services: Services,
) -> None:
    trajectory = outcome.trajectory
    await tx.add_outbox(
        [
            Outgoing(
                recipient=recipient_of(message, trajectory),
                body=message.body,
                trajectory_id=trajectory.id,
                version=trajectory.version,
                not_before=_not_before(message, actor, now, services.policy),
            )
            for message in outcome.messages
            if not (message.kind == "calendar_event" and not services.settings.graph_enabled)
        ],
        now=now,
    )
    for timer in outcome.timers:
        if timer.due_at is None:
            await tx.cancel_timer(timer.timer_id)
        else:
            await tx.set_timer(
                timer_id=timer.timer_id,
                kind=timer.kind,
                due_at=timer.due_at,
                trajectory_id=trajectory.id,
                payload=timer.data,
                now=now,
            )
    await tx.audit_many(
        [
            {
                "action": entry.action,
                "at": entry.at,
                "actor": entry.actor,
                "trajectory_id": trajectory.id,
                "detail": entry.detail,
            }
            for entry in outcome.audit
        ]
    )


def _members(trajectory: Trajectory) -> tuple[dict[str, list[Person]], dict[str, Any]]:
    return trajectory.roles, trajectory.substitutes


class Workflow:
    """Commands applied to stored trajectories at one moment: ``now`` (a turn's one reading of
    the clock; else the clock is read per command) and with a turn's ``inbox`` key, recorded
    in the transaction of the state it changed."""

    def __init__(
        self,
        services: Services,
        *,
        now: datetime | None = None,
        inbox: Inbox | None = None,
    ) -> None:
        self._services = services
        self._now = now
        self._inbox = inbox

    def _moment(self) -> datetime:
        return self._now if self._now is not None else self._services.clock()

    def _key(self, activity_id: str | None) -> str | None:
        if activity_id is not None or self._inbox is None:
            return activity_id
        return self._inbox.key

    def _committed(self, outcome: engine.Outcome, activity_id: str | None) -> None:
        if self._inbox is not None and activity_id is not None and activity_id == self._inbox.key:
            self._inbox.recorded = True
        due = [timer.due_at for timer in outcome.timers if timer.due_at is not None]
        if due:
            self._services.alarm.set_for(min(due))

    async def start(
        self,
        *,
        product: str,
        binding: Binding,
        project_leader: Person,
        activity_id: str | None = None,
        previous: Trajectory | None = None,
        starter: Person | None = None,
    ) -> engine.Outcome:
        """Create a trajectory; raises ``storage.AlreadyProcessed`` for a redelivered activity.
        With ``previous``, the next cycle of that trajectory, started by ``starter``."""
        services = self._services
        now = self._moment()
        activity_id = self._key(activity_id)
        if previous is not None and await services.store.trajectory(next_cycle_id(previous)):
            raise NextCycleExists("next_cycle_started")
        if previous is None:
            started = [
                t
                for t in await services.store.trajectories_of(project_leader.aad_object_id)
                if t.created_at > now - limits.DAY
                and t.holds(project_leader.aad_object_id, PROJECT_LEADER)
            ]
            if len(started) >= limits.STARTS_PER_PERSON_PER_DAY:
                raise engine.InvalidInput("too_many_starts", limit=limits.STARTS_PER_PERSON_PER_DAY)
        outcome = engine.start_trajectory(
            trajectory_id=next_cycle_id(previous) if previous else uuid.uuid4().hex,
            product=product,
            binding=binding,
            project_leader=project_leader,
            template=services.template,
            now=now,
            previous=previous,
            policy=services.policy,
            starter=starter,
        )
        actor = starter or project_leader
        try:
            async with services.store.transaction(activity_id=activity_id, now=now) as tx:
                await tx.insert_trajectory(outcome.trajectory, now=now)
                await _write_effects(tx, outcome, now, actor, services)
        except IntegrityError:
            if previous is not None:  # two clicks at once: the other one started it
                raise NextCycleExists("next_cycle_started") from None
            raise
        self._committed(outcome, activity_id)
        return outcome

    async def execute(
        self,
        trajectory_id: str,
        command: Command,
        actor: Person,
        *,
        activity_id: str | None = None,
        loaded: Trajectory | None = None,
        card_step: str | None = None,
    ) -> engine.Outcome:
        """Apply a command. On a write conflict it is retried on fresh state, unless the sender
        named the version it saw: then the other writer decided first (AlreadyDecided).
        ``loaded``: the trajectory as the caller has just read it (it is not read again)."""
        return await self.execute_many(
            trajectory_id,
            [command],
            actor,
            activity_id=activity_id,
            loaded=loaded,
            card_step=card_step,
        )

    async def execute_many(
        self,
        trajectory_id: str,
        commands: list[Command],
        actor: Person,
        *,
        activity_id: str | None = None,
        loaded: Trajectory | None = None,
        card_step: str | None = None,
    ) -> engine.Outcome:
        """Apply several commands (one form) in order, all or nothing, in one transaction;
        ``card_step``: the step of the card they came from (the engine refuses a stale one)."""
        services = self._services
        now = self._moment()
        activity_id = self._key(activity_id)
        fresh = loaded if loaded is not None and loaded.id == trajectory_id else None
        for _attempt in range(CONFLICT_RETRIES):
            # the first attempt may use what the caller read; after a conflict, read again
            trajectory = fresh or await services.store.trajectory(trajectory_id)
            fresh = None
            if trajectory is None:
                raise TrajectoryNotFound("unknown_trajectory")
            outcome = engine.apply_all(
                trajectory,
                commands,
                actor,
                now,
                services.template_of(trajectory),
                services.policy,
                card_step=card_step,
            )
            try:
                async with services.store.transaction(activity_id=activity_id, now=now) as tx:
                    await tx.update_trajectory(
                        outcome.trajectory,
                        expected_version=trajectory.version,
                        now=now,
                        members_changed=_members(outcome.trajectory) != _members(trajectory),
                        before=trajectory,
                    )
                    await _write_effects(tx, outcome, now, actor, services)
            except StaleVersion:
                if any(command.expected_version is not None for command in commands):
                    raise engine.AlreadyDecided("stale_version") from None
                continue
            self._committed(outcome, activity_id)
            return outcome
        raise engine.AlreadyDecided("conflict")
