"""What a turn needs, composed once by ``create_app``; no module-level singletons."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.settings import Settings
from storage import Store
from wasstraat.template import Template
from wasstraat.worktime import DEFAULT_POLICY, TimePolicy

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    store: Store
    template: Template
    clock: Clock
    policy: TimePolicy = DEFAULT_POLICY

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)
