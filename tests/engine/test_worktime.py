"""Working time in Europe/Amsterdam: weekends, Dutch public holidays, daylight saving."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wasstraat.worktime import TimePolicy, WorkingTime

NL = WorkingTime()
AMS = NL.zone


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMS)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2027, 4, 27), False),  # Koningsdag, a Tuesday
        (date(2026, 12, 25), False),  # Christmas, a Friday
        (date(2026, 12, 26), False),  # second Christmas day, a Saturday anyway
        (date(2027, 12, 27), True),  # the Monday after Christmas weekend
        (date(2027, 1, 1), False),  # New Year, a Friday
        (date(2027, 5, 6), False),  # Ascension day
        (date(2027, 5, 17), False),  # Whit Monday
        (date(2026, 11, 28), False),  # a Saturday
        (date(2026, 11, 30), True),  # a Monday
    ],
)
def test_dutch_working_days(day: date, working: bool):
    assert NL.is_working_day(day) is working


def test_a_prompt_due_at_night_waits_for_the_morning():
    assert NL.next_working_moment(local(2026, 12, 1, 23, 30)) == local(2026, 12, 2, 9, 0)
    assert NL.next_working_moment(local(2026, 12, 1, 6, 0)) == local(2026, 12, 1, 9, 0)
    # in working time nothing moves; the first minute after closing moves to the next day
    assert NL.next_working_moment(local(2026, 12, 1, 16, 59)) == local(2026, 12, 1, 16, 59)
    assert NL.next_working_moment(local(2026, 12, 1, 17, 0)) == local(2026, 12, 2, 9, 0)


def test_friday_evening_before_christmas_waits_until_monday():
    # Thursday 24 December 2026 at 18:00: Christmas Friday, then the weekend
    assert NL.next_working_moment(local(2026, 12, 24, 18, 0)) == local(2026, 12, 28, 9, 0)


def test_koningsdag_is_skipped():
    assert NL.next_working_moment(local(2027, 4, 26, 20, 0)) == local(2027, 4, 28, 9, 0)


@pytest.mark.parametrize(
    ("saturday", "utc_hour_before", "utc_hour_after"),
    [
        (date(2026, 3, 28), 8, 7),  # the clocks go forward on the last Sunday of March
        (date(2026, 10, 24), 7, 8),  # and back on the last Sunday of October
    ],
)
def test_opening_stays_at_nine_across_daylight_saving(
    saturday: date, utc_hour_before: int, utc_hour_after: int
):
    friday = datetime.combine(saturday.replace(day=saturday.day - 1), time(10), tzinfo=AMS)
    monday = NL.next_working_moment(datetime.combine(saturday, time(12), tzinfo=AMS))
    assert monday.astimezone(AMS).time() == time(9, 0)
    assert monday.astimezone(AMS).weekday() == 0
    assert NL.opening(friday.date()).hour == utc_hour_before
    assert monday.astimezone(UTC).hour == utc_hour_after
    # a night that is an hour shorter or longer still lands on the same local hour
    assert NL.add_working_days(friday, 1).astimezone(AMS).time() == time(10, 0)


def test_working_days_are_counted_over_weekends_and_holidays():
    # Wednesday 23 December 2026, 11:00 + 3 working days: Thu 24, (Christmas, weekend) Mon 28, Tue
    assert NL.add_working_days(local(2026, 12, 23, 11, 0), 3) == local(2026, 12, 29, 11, 0)
    # opened on a Saturday: counting starts on Monday morning
    assert NL.add_working_days(local(2026, 11, 28, 15, 0), 1) == local(2026, 12, 1, 9, 0)


def test_the_calendar_is_configurable():
    bridge = date(2027, 5, 7)  # the Friday after Ascension, a day off in many municipalities
    good_friday = date(2027, 3, 26)
    custom = WorkingTime(
        start=time(8, 30),
        end=time(16, 0),
        workdays=frozenset({0, 1, 2, 3}),
        closed_days=frozenset({bridge}),
        open_days=frozenset({good_friday}),
    )
    assert not custom.is_working_day(bridge)
    assert custom.is_working_day(good_friday) and not NL.is_working_day(good_friday)
    assert not custom.is_working_day(date(2027, 5, 6))  # a Thursday, Ascension
    assert not custom.is_working_day(date(2026, 12, 4))  # a Friday, not a working day here
    assert custom.next_working_moment(local(2026, 12, 1, 16, 30)) == local(2026, 12, 2, 8, 30)


def test_a_policy_that_makes_no_sense_is_refused():
    with pytest.raises(ValueError):
        WorkingTime(start=time(17), end=time(9))
    with pytest.raises(ValueError):
        WorkingTime(workdays=frozenset({7}))
    with pytest.raises(ValueError):
        TimePolicy(remind_after_working_days=0)


@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2030, 12, 31)))
def test_the_next_working_moment_is_working_time_and_never_earlier(moment: datetime):
    aware = moment.replace(tzinfo=UTC)
    result = NL.next_working_moment(aware)
    assert result >= aware
    assert NL.is_working_time(result)
    assert result.tzinfo is UTC


def test_without_a_working_time_policy_every_moment_counts():
    always = WorkingTime(always=True)
    night = local(2026, 12, 25, 3, 0)  # Christmas night
    assert always.next_working_moment(night) == night
    assert always.add_working_days(night, 2) == local(2026, 12, 27, 3, 0)
