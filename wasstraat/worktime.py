"""Working time: when prompts and reminders may reach people, and the follow-up cadence.

Pure computation (no I/O, no clock): every function takes the moment it reasons about. Moments
are aware datetimes, returned in UTC; days and hours are reckoned in the deployment's time zone
(Europe/Amsterdam by default), so daylight-saving changes move nothing a person would notice.
Public holidays come from the maintained ``holidays`` library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

MAX_SEARCH_DAYS = 366  # a calendar with no working day in a year is a configuration error


@lru_cache(maxsize=8)
def _public_holidays(country: str, subdivision: str | None) -> holidays.HolidayBase:
    return holidays.country_holidays(country, subdiv=subdivision)


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@dataclass(frozen=True)
class WorkingTime:
    """Dutch working days (Monday–Friday without public holidays) between office hours."""

    timezone: str = "Europe/Amsterdam"
    start: time = time(9, 0)
    end: time = time(17, 0)
    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday is 0
    country: str = "NL"
    subdivision: str | None = None
    closed_days: frozenset[date] = frozenset()  # extra days off (a bridge day, a closure)
    open_days: frozenset[date] = frozenset()  # public holidays the organisation works anyway
    always: bool = False  # no working-time policy: every moment counts (a 24/7 service desk)
    _working_days: dict[date, bool] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError("working hours must start before they end")
        if not self.workdays or not self.workdays <= set(range(7)):
            raise ValueError("workdays must be weekday numbers 0 (Monday) to 6 (Sunday)")
        _zone(self.timezone)  # an unknown zone fails here, at configuration time
        _public_holidays(self.country, self.subdivision)

    @property
    def zone(self) -> ZoneInfo:
        return _zone(self.timezone)

    def holiday_name(self, day: date) -> str | None:
        return _public_holidays(self.country, self.subdivision).get(day)

    def is_working_day(self, day: date) -> bool:
        # remembered per day: every deadline and reminder asks it for each day it counts, and
        # the holiday calendar is slow to ask
        known = self._working_days.get(day)
        if known is None:
            known = self._working_days[day] = self._is_working_day(day)
        return known

    def _is_working_day(self, day: date) -> bool:
        if self.always:
            return True
        if day in self.closed_days:
            return False
        if day in self.open_days:
            return True
        return day.weekday() in self.workdays and self.holiday_name(day) is None

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def is_working_time(self, moment: datetime) -> bool:
        if self.always:
            return True
        local = self.local(moment)
        return self.is_working_day(local.date()) and self.start <= local.time() < self.end

    def opening(self, day: date) -> datetime:
        """The start of working hours on ``day`` (local), in UTC."""
        return datetime.combine(day, self.start, tzinfo=self.zone).astimezone(UTC)

    def closing(self, day: date) -> datetime:
        """The end of working hours on ``day`` (local), in UTC: a task "by" that day is due."""
        return datetime.combine(day, self.end, tzinfo=self.zone).astimezone(UTC)

    def working_days_before(self, day: date, days: int) -> datetime:
        """The opening of the working day ``days`` working days before ``day``."""
        for _ in range(days):
            day -= timedelta(days=1)
            for _ in range(MAX_SEARCH_DAYS):
                if self.is_working_day(day):
                    break
                day -= timedelta(days=1)
        return self.opening(day)

    def working_day_on_or_after(self, day: date) -> date:
        for offset in range(MAX_SEARCH_DAYS):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError("no working day within a year")

    def next_working_moment(self, moment: datetime) -> datetime:
        """``moment`` itself when it falls in working time, else the next opening."""
        if self.is_working_time(moment):
            return moment.astimezone(UTC)
        local = self.local(moment)
        day = local.date()
        if self.is_working_day(day) and local.time() < self.start:
            return self.opening(day)
        return self.opening(self.working_day_on_or_after(day + timedelta(days=1)))

    def next_opening(self, moment: datetime) -> datetime:
        """The start of working hours at or after ``moment`` (``moment`` itself when every
        moment counts): when the day's gathered reminders go out."""
        if self.always:
            return moment.astimezone(UTC)
        local = self.local(moment)
        day = local.date()
        if self.is_working_day(day) and local.time() <= self.start:
            return self.opening(day)
        return self.opening(self.working_day_on_or_after(day + timedelta(days=1)))

    def add_working_days(self, moment: datetime, days: int) -> datetime:
        """``days`` working days after ``moment`` (first moved into working time), at the same
        local time of day."""
        begin = self.local(self.next_working_moment(moment))
        day = begin.date()
        for _ in range(days):
            day = self.working_day_on_or_after(day + timedelta(days=1))
        return datetime.combine(day, begin.time(), tzinfo=self.zone).astimezone(UTC)


@dataclass(frozen=True)
class TimePolicy:
    """A deployment's time policy: working time plus the follow-up cadence of open tasks."""

    working: WorkingTime = field(default_factory=WorkingTime)
    remind_after_working_days: int = 3  # first reminder of an open task
    remind_every_working_days: int = 5  # then about weekly
    escalate_after_working_days: int = 10  # tasks without a step deadline: tell the leaders
    nudge_pause: timedelta = timedelta(hours=1)  # "herinner nu" skips who was just reminded
    evaluation_months: int | None = None  # None: the template's interval

    def __post_init__(self) -> None:
        if min(self.remind_after_working_days, self.remind_every_working_days) < 1:
            raise ValueError("reminders need at least one working day between them")
        if self.escalate_after_working_days < 1:
            raise ValueError("escalation needs at least one working day")


DEFAULT_POLICY = TimePolicy()
