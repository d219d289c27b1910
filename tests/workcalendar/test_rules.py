"""Known days of 2024–2026 (Labour Code holidays, observed moves, government decrees) and the
counting rules of DOMAIN.md §2."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from workcalendar import services
from workcalendar.services import (
    add_working_days,
    deadline,
    deadline_after,
    deadline_from,
    is_working_day,
    next_working_day,
    registration_date,
    roll_forward,
    window_dates,
    working_days_between,
)

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=ALMATY)


@pytest.mark.parametrize(
    ("day", "working", "why"),
    [
        (date(2024, 5, 4), True, "Saturday made a working day by decree (day off moved to 8 May)"),
        (date(2024, 5, 8), False, "day off transferred from Saturday 4 May 2024"),
        (date(2025, 1, 3), False, "day off transferred from Sunday 5 January 2025"),
        (date(2025, 1, 5), True, "Sunday made a working day by decree"),
        (date(2025, 3, 21), False, "Nauryz"),
        (date(2025, 3, 24), False, "Nauryz 22 March (Saturday) observed on Monday"),
        (date(2025, 3, 25), False, "Nauryz 23 March (Sunday) observed on Tuesday"),
        (date(2025, 3, 26), True, "after Nauryz"),
        (date(2026, 3, 23), False, "Nauryz"),
        (date(2026, 3, 24), False, "Nauryz 21 March (Saturday) observed"),
        (date(2026, 3, 25), False, "Nauryz 22 March (Sunday) observed"),
        (date(2026, 3, 26), True, "after Nauryz"),
        (date(2026, 1, 7), False, "Orthodox Christmas"),
        (date(2024, 1, 8), True, "Orthodox Christmas on Sunday 7 Jan 2024 is not moved"),
        (date(2025, 6, 6), False, "Kurban Ait"),
        (date(2024, 6, 17), True, "Kurban Ait on Sunday 16 June 2024 is not moved"),
        (date(2025, 3, 10), False, "Women's Day 8 March 2025 (Saturday) observed on Monday"),
        (date(2025, 10, 27), False, "Republic Day 25 Oct 2025 (Saturday) observed"),
        (date(2025, 12, 16), False, "Independence Day"),
        (date(2025, 6, 9), True, "an ordinary Monday"),
        (date(2025, 6, 7), False, "an ordinary Saturday"),
    ],
)
def test_known_days_of_2024_to_2026(day, working, why):
    assert is_working_day(day) is working, why


def test_working_days_are_counted_from_the_day_after_registration_ruling():
    # Registration Monday 09.06.2025 is day 0; the 5th working day after it is Monday 16.06.
    assert add_working_days(date(2025, 6, 9), 5) == date(2025, 6, 16)
    assert add_working_days(date(2025, 6, 9), 1) == date(2025, 6, 10)


def test_a_non_working_start_day_is_day_0_too():
    # Saturday 07.06.2025: the 1st working day after it is Monday 09.06.
    assert add_working_days(date(2025, 6, 7), 1) == date(2025, 6, 9)


def test_zero_working_days_rolls_forward_and_negative_counts_back():
    assert add_working_days(date(2025, 6, 7), 0) == date(2025, 6, 9)
    assert add_working_days(date(2025, 6, 9), 0) == date(2025, 6, 9)
    assert add_working_days(date(2025, 6, 9), -1) == date(2025, 6, 5)  # skips the weekend and Kurban Ait
    assert add_working_days(date(2025, 6, 7), -1) == date(2025, 6, 5)
    assert add_working_days(date(2025, 1, 6), -1) == date(2025, 1, 5)  # the working Sunday


def test_working_days_over_the_new_year_2025_decree():
    # 30.12.2024 + 5 WD: 31.12, [1-2 Jan holiday, 3 Jan transferred, 4 Sat], 5 Jan (Sun, working), 6,
    # [7 Christmas], 8, 9
    assert add_working_days(date(2024, 12, 30), 5) == date(2025, 1, 9)


def test_next_working_day_is_strictly_after_and_roll_forward_keeps_a_working_day():
    assert next_working_day(date(2025, 6, 9)) == date(2025, 6, 10)
    assert next_working_day(date(2025, 6, 5)) == date(2025, 6, 9)
    assert roll_forward(date(2025, 6, 9)) == date(2025, 6, 9)
    assert roll_forward(date(2025, 6, 6)) == date(2025, 6, 9)


def test_working_days_between_counts_the_half_open_interval():
    assert working_days_between(date(2025, 6, 5), date(2025, 6, 9)) == 1
    assert working_days_between(date(2025, 6, 9), date(2025, 6, 5)) == -1
    assert working_days_between(date(2025, 6, 9), date(2025, 6, 9)) == 0
    assert working_days_between(date(2025, 3, 20), date(2025, 3, 26)) == 1


@pytest.mark.parametrize(
    ("received", "registered", "why"),
    [
        (at(2025, 6, 4, 18, 29), date(2025, 6, 4), "18:29 is within office hours"),
        (at(2025, 6, 4, 18, 30), date(2025, 6, 5), "18:30 is the end of the working day"),
        (at(2025, 6, 4, 23, 59), date(2025, 6, 5), "late evening"),
        (at(2025, 6, 4, 8, 59), date(2025, 6, 4), "before 09:00 on a working day: that day"),
        (at(2025, 6, 4, 0, 0), date(2025, 6, 4), "midnight opens the day"),
        (at(2025, 6, 4, 13, 30), date(2025, 6, 4), "the lunch break does not move registration"),
        (at(2025, 6, 5, 18, 30), date(2025, 6, 9), "Thursday evening before Kurban Ait and a weekend"),
        (at(2025, 6, 6, 10, 0), date(2025, 6, 9), "received on Kurban Ait (a day off)"),
        (at(2025, 6, 7, 10, 0), date(2025, 6, 9), "received on a Saturday"),
        (at(2025, 1, 5, 10, 0), date(2025, 1, 5), "the working Sunday of 2025 is a working day"),
        (at(2024, 5, 4, 18, 45), date(2024, 5, 6), "after hours on the working Saturday of 2024"),
    ],
)
def test_registration_date_follows_office_hours_003_annex2_row7_004_s14(received, registered, why):
    assert registration_date(received) == registered, why


def test_registration_date_reads_the_moment_in_the_office_time_zone():
    utc = ZoneInfo("UTC")
    # Almaty is UTC+5 (since 1 March 2024): 13:29 UTC is 18:29 in the office, 13:30 UTC is 18:30.
    assert registration_date(datetime(2025, 6, 4, 13, 29, tzinfo=utc)) == date(2025, 6, 4)
    assert registration_date(datetime(2025, 6, 4, 13, 30, tzinfo=utc)) == date(2025, 6, 5)
    # A Saturday-night moment in UTC is already Sunday... still a day off: Monday.
    assert registration_date(datetime(2025, 6, 7, 20, 0, tzinfo=utc)) == date(2025, 6, 9)


def test_registration_date_refuses_a_naive_moment():
    with pytest.raises(ValueError, match="timezone-aware"):
        registration_date(datetime(2025, 6, 4, 10, 0))


def test_deadline_of_the_issue_example_with_its_explanation():
    with translation.override("en"):
        result = deadline(at(2025, 6, 5, 19, 10), working_days=5)
    assert result.registered_on == date(2025, 6, 9)
    assert result.due == date(2025, 6, 16)
    assert result.explanation == (
        "5 working days from 09.06.2025 (received 05.06.2025 19:10, after office hours; 06.06 Kurban Ait)"
    )


def test_deadline_explains_itself_in_each_language():
    with translation.override("en"):
        result = deadline(at(2025, 6, 5, 19, 10), working_days=5)
    assert result.explain("en") == result.explanation
    assert result.explain("ru") == (
        "5 рабочих дней с 09.06.2025 (поступило 05.06.2025 19:10, после окончания рабочего дня; 06.06 Курбан айт)"
    )
    assert "Құрбан айт" in result.explain("kk")
    assert "09.06.2025" in result.explain("kk")
    with translation.override("ru"):
        assert deadline(at(2025, 6, 5, 19, 10), working_days=5).explanation == result.explain("ru")
    with pytest.raises(ValueError):
        result.explain("de")


def test_russian_plural_forms_of_the_explanation():
    with translation.override("ru"):
        assert deadline_after(date(2025, 6, 9), working_days=1).explanation.startswith("1 рабочий день с")
        assert deadline_after(date(2025, 6, 9), working_days=3).explanation.startswith("3 рабочих дня с")
        assert deadline_after(date(2025, 6, 9), working_days=5).explanation.startswith("5 рабочих дней с")
        assert deadline_from(date(2025, 6, 9), calendar_days=2).explanation.startswith("2 календарных дня с")


def test_explanation_groups_nauryz_and_names_the_decree_days():
    with translation.override("en"):
        nauryz = deadline_after(date(2026, 3, 19), working_days=3, event="registration")
        new_year = deadline_after(date(2024, 12, 30), working_days=5)
    assert nauryz.due == date(2026, 3, 27)
    assert nauryz.explanation == "3 working days from 19.03.2026 (registration; 21–25.03 Nauryz)"
    assert new_year.explanation == (
        "5 working days from 30.12.2024 (01–02.01 New Year; "
        "03.01 day off transferred from 05.01.2025 by government decree; "
        "05.01 working day by government decree (its day off moved to 03.01.2025); 07.01 Orthodox Christmas)"
    )


def test_explanation_leaves_out_ordinary_weekends():
    with translation.override("en"):
        result = deadline_after(date(2025, 6, 12), working_days=3)
    assert result.due == date(2025, 6, 17)
    assert result.explanation == "3 working days from 12.06.2025"


def test_calendar_day_term_ending_on_a_holiday_moves_to_the_next_working_day():
    # 12.03.2026 + 10 calendar days = Sunday 22.03 (Nauryz; 23–25.03 off too) → Thursday 26.03.
    with translation.override("en"):
        result = deadline_from(date(2026, 3, 12), calendar_days=10)
    assert result.due == date(2026, 3, 26)
    assert result.registered_on is None
    assert result.explanation == (
        "10 calendar days from 12.03.2026 "
        "(the term ends on 22.03.2026, a day off, and moves to the next working day; 22–25.03 Nauryz)"
    )


def test_calendar_day_term_ending_on_a_saturday_moves_to_monday():
    with translation.override("en"):
        result = deadline_from(date(2025, 6, 4), calendar_days=10)
    assert result.due == date(2025, 6, 16)
    assert "14.06.2025, a day off" in result.explanation


def test_calendar_day_term_ending_on_a_working_day_stays():
    with translation.override("en"):
        result = deadline_from(date(2025, 6, 2), calendar_days=15)
    assert result.due == date(2025, 6, 17)
    assert result.explanation == "15 calendar days from 02.06.2025"


def test_calendar_day_term_ending_on_the_working_sunday_stays():
    assert deadline_from(date(2024, 12, 26), calendar_days=10).due == date(2025, 1, 5)


def test_extension_window_004_s24_is_plain_calendar_dates_never_moved():
    # "not earlier than 30 and not later than 5 calendar days before expiry"
    assert window_dates(date(2025, 12, 31), 30, 5) == (date(2025, 12, 1), date(2025, 12, 26))
    # 16.12.2025 is Independence Day: the window's last day is not moved.
    assert window_dates(date(2025, 12, 21), 30, 5)[1] == date(2025, 12, 16)
    with pytest.raises(ValueError):
        window_dates(date(2025, 12, 31), 5, 30)


def test_dates_outside_2000_to_2100_are_refused_clearly():
    with pytest.raises(ValueError, match="outside the working-day calendar"):
        is_working_day(date(1999, 12, 31))
    with pytest.raises(ValueError, match="outside the working-day calendar"):
        add_working_days(date(2101, 1, 1), 1)
    with pytest.raises(ValueError, match="outside the working-day calendar"):
        add_working_days(date(2100, 12, 30), 5)
    with pytest.raises(ValueError, match="outside the working-day calendar"):
        add_working_days(date(2000, 1, 4), -5)
    with pytest.raises(ValueError, match="outside the working-day calendar"):
        next_working_day(date(2100, 12, 31))
    with pytest.raises(services.CalendarRangeError):
        working_days_between(date(2000, 1, 1), date(2101, 1, 1))


def test_a_datetime_is_not_taken_for_a_date():
    with pytest.raises(TypeError, match="registration_date"):
        add_working_days(at(2025, 6, 4, 10, 0), 1)
    with pytest.raises(TypeError):
        is_working_day("2025-06-04")


def test_negative_terms_are_refused():
    with pytest.raises(ValueError):
        deadline_after(date(2025, 6, 9), working_days=-1)
    with pytest.raises(ValueError):
        deadline_from(date(2025, 6, 9), calendar_days=-1)
    with pytest.raises(TypeError):
        deadline(at(2025, 6, 9, 10, 0), working_days=2.5)


def test_describe_day_names_holidays_and_decrees():
    with translation.override("ru"):
        day = services.describe_day(date(2025, 3, 24))
        assert (day.working, day.kind) == (False, services.OBSERVED_HOLIDAY)
        assert day.reason.startswith("Наурыз мейрамы")
        sunday = services.describe_day(date(2025, 1, 5))
        assert (sunday.working, sunday.kind, sunday.override) == (True, services.DECREE_WORKING_DAY, False)
        assert services.describe_day(date(2025, 6, 9)).reason == ""
        assert services.describe_day(date(2025, 1, 3)).kind == services.TRANSFERRED_DAY_OFF
