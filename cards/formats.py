"""Dates, times and numbers as people write them, per language: the one place that turns them
into text, and reads a number a person typed.

Formats come from CLDR through Babel, not from hand-written patterns: Dutch as written in the
Netherlands, English as written in Britain (day before month, a 24-hour clock, a decimal point).
A moment is shown in the municipality's time zone, which is implied and never named. What
machines read (form values, the audit, exports) keeps ISO 8601 and is not made here.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel import Locale, dates, numbers

from cards.catalogue import Language

LOCALES: dict[Language, Locale] = {"nl": Locale.parse("nl_NL"), "en": Locale.parse("en_GB")}
# CLDR skeletons: weekday, day, month and year abbreviated ("wo 2 dec 2026"); hours and minutes
DATE_SKELETON = "yMMMEd"
TIME_SKELETON = "Hm"
# CLDR glues a Dutch date and time with a bare space ("wo 2 dec 2026 09:00"), which reads as a
# run of numbers; a comma, as English has it, keeps the two apart in both languages
DATETIME_PATTERN = "{date}, {time}"
# what a typed number may hold: a sign, digits and the separators ("1e3" or "12 a" is no number)
TYPED_NUMBER = re.compile(r"[+-]?[0-9.,]*[0-9][0-9.,]*")


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    """The moment on the municipality's clock (a moment without a zone is UTC, as stored)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone)


def format_date(value: date | datetime, language: Language, zone: ZoneInfo) -> str:
    """'wo 2 dec 2026' / 'Wed, 2 Dec 2026'. A moment counts on the day it is in ``zone``; a
    calendar date is that day wherever it is read."""
    day = _local(value, zone).date() if isinstance(value, datetime) else value
    locale = LOCALES[language]
    written = dates.format_skeleton(DATE_SKELETON, day, locale=locale)
    # CLDR abbreviates Dutch months with a full stop ("dec."); people write "2 dec 2026"
    month = locale.months["format"]["abbreviated"][day.month]
    if month.endswith("."):
        written = written.replace(month, month[:-1], 1)
    return written


def format_time(moment: datetime, language: Language, zone: ZoneInfo) -> str:
    """'09:00': the hour and minute on the municipality's clock."""
    return dates.format_skeleton(
        TIME_SKELETON, _local(moment, zone), tzinfo=zone, locale=LOCALES[language]
    )


def format_datetime(moment: datetime, language: Language, zone: ZoneInfo) -> str:
    """'wo 2 dec 2026, 09:00' / 'Wed, 2 Dec 2026, 09:00'."""
    return DATETIME_PATTERN.format(
        date=format_date(moment, language, zone), time=format_time(moment, language, zone)
    )


def num(value: float | None, language: Language) -> str:
    """A measurement as the language writes it ('6,8' / '6.8'), '?' when there is none."""
    return "?" if value is None else format_number(value, language)


def format_number(value: float, language: Language) -> str:
    """'6,8' / '6.8'; a whole number without decimals (12 rather than 12.0), thousands grouped
    ('1.250' / '1,250'), at most three decimals."""
    return numbers.format_decimal(value, locale=LOCALES[language])


def _other(language: Language) -> Language:
    return "en" if language == "nl" else "nl"


def parse_number(raw: object, language: Language) -> float | None:
    """The number a person typed, or None when nothing was typed.

    Read as written in the person's language first ('6,8' and '1.250' are 6.8 and 1250 in
    Dutch), else as written in the other ('6.8' from someone used to English, '1,250.5'), so a
    decimal point and a decimal comma both work in either language. Raises ValueError for
    anything that is not one finite number in either way of writing ('1.2.3', '6,8,1', '12 a',
    '1e3', 'NaN'): the form then says so and nothing changes.
    """
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise ValueError("a toggle is not a number")
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        typed = str(raw).strip().replace("\u2212", "-")  # a typographic minus
        if not typed:
            return None
        value = _read(typed, language)
    if not math.isfinite(value):  # "NaN", "Infinity": not a measurement
        raise ValueError("not a finite number")
    return value


def _read(typed: str, language: Language) -> float:
    if not TYPED_NUMBER.fullmatch(typed):
        raise ValueError(f"not a number: {typed!r}")
    for way in (language, _other(language)):
        try:
            # strict: a grouping separator must stand where that language groups thousands,
            # so "6.8" is not 68 in Dutch, nor "6,8" 68 in English
            return float(numbers.parse_decimal(typed, locale=LOCALES[way], strict=True))
        except numbers.NumberFormatError:
            continue
    raise ValueError(f"not a number: {typed!r}")


def in_sentence(name: str) -> str:
    """A role's name inside a sentence, in lower case ("de proceseigenaar", "als specialist
    IV"); a name that begins with an abbreviation ("CISO") keeps its capitals."""
    first = name.split(" ", 1)[0]
    if len(first) > 1 and first[:2].isupper():
        return name
    return name[:1].lower() + name[1:]
