"""Property tests of the calendar against a naive day-by-day reference built directly from
python-holidays (tests/workcalendar/conftest.py), over the whole range 2000–2100."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workcalendar import services
from workcalendar.rules import FIRST_DAY, LAST_DAY, OFFICE_CLOSES

from .conftest import library_working_days, ref_add, ref_between, ref_is_working

pytestmark = pytest.mark.django_db

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
days = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)
steps = st.integers(min_value=-60, max_value=60)


def test_every_day_of_2000_to_2100_matches_the_library():
    wanted = library_working_days()
    ours = {date.fromordinal(o) for o in range(FIRST_DAY.toordinal(), LAST_DAY.toordinal() + 1)}
    assert {d for d in ours if services.is_working_day(d)} == wanted


@PROPERTY
@given(days, steps)
def test_add_working_days_matches_the_day_by_day_reference(day, n):
    expected = ref_add(day, n)
    if expected is None:
        with pytest.raises(services.CalendarRangeError):
            services.add_working_days(day, n)
    else:
        assert services.add_working_days(day, n) == expected


@PROPERTY
@given(days, st.integers(min_value=1, max_value=60))
def test_adding_then_subtracting_returns_to_a_working_day(day, n):
    if ref_add(day, n) is None or ref_add(day, -1) is None:
        return
    there = services.add_working_days(day, n)
    back = services.add_working_days(there, -n)
    if ref_is_working(day):
        assert back == day
    else:  # a day off returns to the last working day before it
        assert back == services.add_working_days(day, -1)
    assert services.is_working_day(there)


@PROPERTY
@given(days, days, st.integers(min_value=0, max_value=40))
def test_add_working_days_is_monotonic_in_the_date(a, b, n):
    a, b = min(a, b), max(a, b)
    if ref_add(b, n) is None:
        return
    assert services.add_working_days(a, n) <= services.add_working_days(b, n)


@PROPERTY
@given(days, st.integers(min_value=-40, max_value=40), st.integers(min_value=-40, max_value=40))
def test_add_working_days_is_strictly_monotonic_in_n(day, m, n):
    if m == n or ref_add(day, min(m, n)) is None or ref_add(day, max(m, n)) is None:
        return
    low, high = sorted((m, n))
    if low == 0 and high == 1 and not ref_is_working(day):
        # roll_forward(day) and the 1st working day after a day off are the same day.
        assert services.add_working_days(day, 0) == services.add_working_days(day, 1)
        return
    assert services.add_working_days(day, low) < services.add_working_days(day, high)


@PROPERTY
@given(days, days)
def test_working_days_between_counts_like_the_reference(a, b):
    if abs(a.toordinal() - b.toordinal()) > 800:
        b = date.fromordinal(a.toordinal() + (b.toordinal() - a.toordinal()) % 800)
        b = min(b, LAST_DAY)
    assert services.working_days_between(a, b) == ref_between(a, b)
    assert services.working_days_between(b, a) == -services.working_days_between(a, b)


@PROPERTY
@given(days, st.integers(min_value=1, max_value=60))
def test_the_n_th_working_day_is_n_working_days_away(day, n):
    if ref_add(day, n) is None:
        return
    assert services.working_days_between(day, services.add_working_days(day, n)) == n


@PROPERTY
@given(days, st.times())
def test_registration_is_on_a_working_day_not_before_receipt(day, moment):
    if day >= date(2100, 12, 20):
        return
    received = datetime.combine(day, moment, tzinfo=ZoneInfo("Asia/Almaty"))
    registered = services.registration_date(received)
    assert registered >= day
    assert ref_is_working(registered)
    same_day = ref_is_working(day) and moment < OFFICE_CLOSES
    assert (registered == day) is same_day


@PROPERTY
@given(days, st.integers(min_value=0, max_value=400))
def test_calendar_day_terms_end_on_the_first_working_day_on_or_after_day_n(day, n):
    end = date.fromordinal(day.toordinal() + n) if day.toordinal() + n <= LAST_DAY.toordinal() - 30 else None
    if end is None:
        return
    due = services.deadline_from(day, calendar_days=n).due
    assert due == ref_add(end, 0)


def test_vectorised_path_equals_the_scalar_path():
    rng = np.random.default_rng(2025)
    first = np.datetime64(FIRST_DAY.isoformat()).astype(np.int64) + 400
    last = np.datetime64(LAST_DAY.isoformat()).astype(np.int64) - 400
    dates = rng.integers(first, last, size=20_000).astype("datetime64[D]")
    ns = rng.integers(-60, 61, size=20_000)
    result = services.add_working_days_many(dates, ns)
    assert result.dtype == np.dtype("datetime64[D]")
    for d, n, r in zip(dates[:3000].tolist(), ns[:3000].tolist(), result[:3000].tolist(), strict=True):
        assert services.add_working_days(d, n) == r
    # and the whole array against the reference on a sample
    for d, n, r in zip(dates[::97].tolist(), ns[::97].tolist(), result[::97].tolist(), strict=True):
        assert ref_add(d, n) == r


def test_vectorised_path_broadcasts_and_refuses_dates_outside_the_range():
    result = services.add_working_days_many(np.array(["2025-06-05", "2025-01-01"], dtype="datetime64[D]"), 5)
    assert result.tolist() == [date(2025, 6, 13), date(2025, 1, 10)]
    with pytest.raises(services.CalendarRangeError):
        services.add_working_days_many(np.array(["1999-12-31"], dtype="datetime64[D]"), np.array([1]))
    with pytest.raises(services.CalendarRangeError):
        services.add_working_days_many(np.array(["2100-12-30"], dtype="datetime64[D]"), np.array([10]))
    with pytest.raises(services.CalendarRangeError):
        services.add_working_days_many(np.array(["NaT"], dtype="datetime64[D]"), np.array([1]))
    midnight = np.array(["2025-06-05T23:00"], dtype="datetime64[m]")  # other units are truncated to the day
    assert services.add_working_days_many(midnight, np.array([1])).tolist() == [date(2025, 6, 9)]


def test_office_hours_constants_are_the_act_s():
    from workcalendar import rules

    assert (rules.OFFICE_OPENS, rules.OFFICE_CLOSES) == (time(9, 0), time(18, 30))
    assert (rules.LUNCH_STARTS, rules.LUNCH_ENDS) == (time(13, 0), time(14, 30))
