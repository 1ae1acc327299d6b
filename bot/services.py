"""What a turn needs, composed once by ``create_app``; no module-level singletons."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.settings import Settings
from storage import Store
from wasstraat.model import Trajectory
from wasstraat.template import Template
from wasstraat.worktime import DEFAULT_POLICY, TimePolicy

Clock = Callable[[], datetime]
log = logging.getLogger(__name__)


class Alarm:
    """Tells the alarm clock (the ticker, when one runs here) of a timer that was just set, so
    that it can wake for it: the outcome of a command says when, no query is needed."""

    def __init__(self) -> None:
        self._listener: Callable[[datetime], None] | None = None

    def listen(self, listener: Callable[[datetime], None] | None) -> None:
        self._listener = listener

    def set_for(self, due: datetime) -> None:
        if self._listener is not None:
            self._listener(due)


def system_clock() -> datetime:
    return datetime.now(UTC)


def fast_clock(speed: float, real: Clock = system_clock) -> Clock:
    """A clock that starts at the real time and runs ``speed`` times as fast (demos)."""
    start = real()

    def clock() -> datetime:
        return start + (real() - start) * speed

    return clock


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    store: Store
    template: Template
    clock: Clock
    policy: TimePolicy = DEFAULT_POLICY
    # the wasstraats running trajectories started with, by key; ``template`` is for new ones
    templates: dict[str, Template] = field(default_factory=dict)
    alarm: Alarm = field(default_factory=Alarm)

    def template_of(self, trajectory: Trajectory) -> Template:
        """The wasstraat this trajectory follows: the one it started with."""
        key = trajectory.template_id
        if key in (self.template.key, self.template.id):
            return self.template
        kept = self.templates.get(key)
        if kept is not None:
            return kept
        log.warning(
            "trajectory %s: its template is not kept here; the current one is used", trajectory.id
        )
        return self.template

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)
