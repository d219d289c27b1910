"""Fixtures of the calendar tests: a clean precomputed calendar for every test, and a naive
day-by-day reference built straight from python-holidays (independent of our arrays)."""

from datetime import date, timedelta
from functools import cache

import pytest

from workcalendar import services
from workcalendar.rules import FIRST_DAY, LAST_DAY


@pytest.fixture(autouse=True)
def fresh_calendar():
    # A test's overrides die with its rolled-back transaction; so must the snapshot built from them.
    services.invalidate()
    yield
    services.invalidate()


@cache
def library_working_days() -> frozenset[date]:
    """Working days by python-holidays' own is_working_day(), one day at a time."""
    import holidays

    kz = holidays.country_holidays("KZ", years=range(FIRST_DAY.year, LAST_DAY.year + 1))
    days, day = set(), FIRST_DAY
    while day <= LAST_DAY:
        if kz.is_working_day(day):
            days.add(day)
        day += timedelta(days=1)
    return frozenset(days)


def ref_is_working(day: date) -> bool:
    return day in library_working_days()


def ref_add(day: date, n: int) -> date | None:
    """The naive reference: walk day by day. None when the walk leaves 2000–2100."""
    one = timedelta(days=1)
    if n == 0:
        while not ref_is_working(day):
            day += one
            if day > LAST_DAY:
                return None
        return day
    step = one if n > 0 else -one
    count = 0
    while count < abs(n):
        day += step
        if not FIRST_DAY <= day <= LAST_DAY:
            return None
        if ref_is_working(day):
            count += 1
    return day


def ref_between(a: date, b: date) -> int:
    sign = 1
    if b < a:
        a, b, sign = b, a, -1
    count, day = 0, a + timedelta(days=1)
    while day <= b:
        count += ref_is_working(day)
        day += timedelta(days=1)
    return sign * count
