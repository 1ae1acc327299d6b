"""Dates, times and numbers as people write them in Dutch and in English, and numbers read as
people type them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from cards.formats import format_date, format_datetime, format_number, format_time, parse_number

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# 08:00 UTC on a Wednesday in winter is 09:00 in Amsterdam
MOMENT = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "expected"), [("nl", "wo 2 dec 2026"), ("en", "Wed, 2 Dec 2026")]
)
def test_a_date_has_its_weekday_and_its_month_abbreviated(language, expected):
    assert format_date(MOMENT, language, AMSTERDAM) == expected
    assert format_date(date(2026, 12, 2), language, AMSTERDAM) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("nl", "wo 2 dec 2026, 09:00"), ("en", "Wed, 2 Dec 2026, 09:00")],
)
def test_a_moment_is_told_on_the_municipalitys_clock_without_naming_the_zone(language, expected):
    assert format_datetime(MOMENT, language, AMSTERDAM) == expected
    assert format_time(MOMENT, language, AMSTERDAM) == "09:00"


def test_summer_time_is_kept_and_a_late_moment_falls_on_the_local_day():
    summer = datetime(2026, 7, 1, 7, 5, tzinfo=UTC)  # 09:05 in Amsterdam (UTC+2)
    assert format_datetime(summer, "nl", AMSTERDAM) == "wo 1 jul 2026, 09:05"
    new_year = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # already 1 January in Amsterdam
    assert format_date(new_year, "nl", AMSTERDAM) == "vr 1 jan 2027"
    assert format_date(new_year, "en", AMSTERDAM) == "Fri, 1 Jan 2027"


def test_dutch_months_lose_the_abbreviation_dot_and_may_stays_whole():
    written = [format_date(date(2026, month, 1), "nl", AMSTERDAM) for month in range(1, 13)]
    assert not any("." in w for w in written)
    assert written[2] == "zo 1 mrt 2026"
    assert written[4] == "vr 1 mei 2026"


def test_a_calendar_date_is_that_day_whatever_the_zone():
    assert format_date(date(2027, 9, 1), "nl", ZoneInfo("Pacific/Auckland")) == "wo 1 sep 2027"


@pytest.mark.parametrize(
    ("value", "nl", "en"),
    [
        (6.8, "6,8", "6.8"),
        (7.0, "7", "7"),
        (12, "12", "12"),
        (1250, "1.250", "1,250"),
        (1250.5, "1.250,5", "1,250.5"),
        (-0.5, "-0,5", "-0.5"),
        (0.1 + 0.2, "0,3", "0.3"),
    ],
)
def test_numbers_have_the_languages_decimal_sign_and_no_trailing_zero(value, nl, en):
    assert format_number(value, "nl") == nl
    assert format_number(value, "en") == en


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("6,8", 6.8),
        ("6.8", 6.8),
        (" 6,8 ", 6.8),
        ("12.50", 12.5),
        ("0,250", 0.25),
        ("0.250", 0.25),
        ("1.250,5", 1250.5),
        ("1,250.5", 1250.5),
        ("1.000.000", 1_000_000),
        ("-3", -3),
        ("−3", -3),  # a typographic minus
        ("42", 42),
        (42, 42),
        (6.8, 6.8),
    ],
)
def test_a_decimal_comma_and_a_decimal_point_are_both_read_in_either_language(
    language, typed, expected
):
    assert parse_number(typed, language) == expected


def test_three_digits_after_one_separator_are_read_as_the_persons_language_writes_them():
    assert parse_number("1.250", "nl") == 1250  # a Dutch thousands separator
    assert parse_number("1,250", "nl") == 1.25  # a Dutch decimal comma
    assert parse_number("1,250", "en") == 1250
    assert parse_number("1.250", "en") == 1.25


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("typed", [None, "", "   "])
def test_nothing_typed_is_no_number(language, typed):
    assert parse_number(typed, language) is None


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(
    "typed",
    ["1.2.3", "6,8,1", "1,2.3,4", "12 a", "zes", "1 250", "1e3", "NaN", "Infinity", "-", ".", True],
)
def test_what_is_not_one_number_beyond_doubt_is_refused(language, typed):
    with pytest.raises(ValueError):
        parse_number(typed, language)


def test_a_number_that_is_not_finite_is_refused():
    with pytest.raises(ValueError):
        parse_number(float("nan"), "nl")
