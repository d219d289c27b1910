"""Decrees recorded as CalendarOverride always win, change results at once (cache invalidation),
announce the changed dates after commit, and move open cases' deadlines (via casework's receiver)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import translation

from workcalendar import services
from workcalendar.models import CalendarOverride, CalendarVersion
from workcalendar.signals import calendar_changed

pytestmark = pytest.mark.django_db


@pytest.fixture
def announcements(monkeypatch):
    """What calendar_changed delivers; other apps' receivers (casework's recompute) are left out here."""
    monkeypatch.setattr(calendar_changed, "receivers", [])
    received = []

    def receiver(sender, dates, **kwargs):
        received.append(list(dates))

    calendar_changed.connect(receiver, dispatch_uid="test-workcalendar-announcements")
    yield received
    calendar_changed.disconnect(dispatch_uid="test-workcalendar-announcements")


def decree_day_off(day: date, **kwargs) -> CalendarOverride:
    defaults = {"reason_en": "Day off by decree", "reason_ru": "Выходной по постановлению", "decree_number": "123"}
    return CalendarOverride.objects.create(date=day, is_working=False, **{**defaults, **kwargs})


def test_an_override_day_off_moves_the_deadline_and_explains_it():
    assert services.add_working_days(date(2025, 6, 9), 5) == date(2025, 6, 16)
    decree_day_off(date(2025, 6, 11), decree_date=date(2025, 5, 20))
    assert not services.is_working_day(date(2025, 6, 11))
    assert services.add_working_days(date(2025, 6, 9), 5) == date(2025, 6, 17)
    with translation.override("en"):
        result = services.deadline_after(date(2025, 6, 9), working_days=5)
    assert result.explanation == (
        "5 working days from 09.06.2025 (11.06 Day off by decree (decree No. 123 of 20.05.2025))"
    )
    assert "Выходной по постановлению" in result.explain("ru")


def test_an_override_working_saturday_is_named_in_the_explanation():
    CalendarOverride.objects.create(date=date(2025, 6, 14), is_working=True, reason_en="Working Saturday")
    assert services.is_working_day(date(2025, 6, 14))
    with translation.override("en"):
        result = services.deadline_after(date(2025, 6, 12), working_days=2)
    assert result.due == date(2025, 6, 14)
    assert result.explanation == "2 working days from 12.06.2025 (14.06 Working Saturday)"


def test_an_override_beats_the_library_both_ways():
    CalendarOverride.objects.create(date=date(2025, 1, 5), is_working=False, reason_en="decree revoked")
    CalendarOverride.objects.create(date=date(2025, 6, 6), is_working=True, reason_en="Kurban Ait moved")
    assert not services.is_working_day(date(2025, 1, 5))
    assert services.is_working_day(date(2025, 6, 6))
    assert services.describe_day(date(2025, 6, 6)).kind == services.DECREE_WORKING_DAY


def test_changing_and_deleting_an_override_takes_effect_at_once():
    override = decree_day_off(date(2025, 6, 11))
    assert not services.is_working_day(date(2025, 6, 11))
    override.date = date(2025, 6, 12)
    override.save()
    assert services.is_working_day(date(2025, 6, 11))
    assert not services.is_working_day(date(2025, 6, 12))
    override.delete()
    assert services.is_working_day(date(2025, 6, 12))


def test_every_change_bumps_the_calendar_version():
    start = CalendarVersion.objects.get(pk=1).number
    override = decree_day_off(date(2025, 6, 11))
    override.is_working = True
    override.save()
    override.delete()
    assert CalendarVersion.objects.get(pk=1).number == start + 3


def test_calendar_changed_is_sent_after_commit_with_the_dates(announcements, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        override = decree_day_off(date(2025, 6, 11))
    assert announcements == []  # nothing before the transaction commits
    for callback in callbacks:
        callback()
    assert announcements == [[date(2025, 6, 11)]]

    with django_capture_on_commit_callbacks(execute=True):
        override.date = date(2025, 6, 13)
        override.save()
    assert announcements[-1] == [date(2025, 6, 11), date(2025, 6, 13)]

    with django_capture_on_commit_callbacks(execute=True):
        CalendarOverride.objects.get(pk=override.pk).delete()
    assert announcements[-1] == [date(2025, 6, 13)]


def test_no_announcement_and_no_trace_when_the_transaction_rolls_back(
    announcements, django_capture_on_commit_callbacks
):
    assert services.is_working_day(date(2025, 6, 11))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            decree_day_off(date(2025, 6, 11))
            assert not services.is_working_day(date(2025, 6, 11))  # the writer sees its own change
            raise RuntimeError("rolled back")
    assert callbacks == []
    assert announcements == []
    assert services.is_working_day(date(2025, 6, 11))


def test_an_uncommitted_override_stays_out_of_the_shared_snapshot():
    services.is_working_day(date(2025, 6, 11))
    shared_version = services._snapshot.version
    with transaction.atomic():
        decree_day_off(date(2025, 6, 11))
        assert not services.is_working_day(date(2025, 6, 11))
        # Other threads answer from the shared snapshot, which was not rebuilt from uncommitted data.
        assert services._snapshot.version == shared_version
        assert services._snapshot.working[date(2025, 6, 11).toordinal() - date(2000, 1, 1).toordinal()]


def test_another_process_change_is_seen_after_the_recheck_interval(monkeypatch, settings):
    settings.WORKCALENDAR_RECHECK_SECONDS = 2.0
    clock = [1000.0]
    monkeypatch.setattr(services, "_monotonic", lambda: clock[0])
    assert services.is_working_day(date(2025, 6, 11))
    # Another process records a decree: its row and version bump arrive without our signals.
    CalendarOverride.objects.bulk_create(
        [CalendarOverride(date=date(2025, 6, 11), is_working=False, reason_en="other process")]
    )
    CalendarVersion.objects.filter(pk=1).update(number=999)
    clock[0] += 1.0
    assert services.is_working_day(date(2025, 6, 11))  # still within the recheck interval
    clock[0] += 1.5
    assert not services.is_working_day(date(2025, 6, 11))
    assert services.current_version() == 999


def test_an_override_moves_an_open_case_deadline_and_writes_its_history(
    monkeypatch, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from casework import deadlines
    from casework.deadlines import set_due, set_step
    from casework.models import Channel, TransitionLog
    from tests.caseapp.models import DemoCase
    from tests.factories import DistrictFactory

    # Only the demo case model: the services' own case models are other apps' business.
    monkeypatch.setattr(deadlines, "case_models", lambda: [DemoCase])
    case = DemoCase.objects.create(
        number="DC-2025-000001",
        kind="issue",
        channel=Channel.OFFICE,
        regulation_version="test",
        unit=DistrictFactory(),
        received_at=timezone.now(),
        status="registered",
    )
    set_step(case, "review", date(2025, 6, 9), 5)
    set_due(case, date(2025, 6, 9), 5)
    case.save()
    assert (case.step_deadline, case.due_date) == (date(2025, 6, 16), date(2025, 6, 16))

    with django_capture_on_commit_callbacks(execute=True):
        decree_day_off(date(2025, 6, 11))

    case = DemoCase.objects.get(pk=case.pk)
    assert (case.step_deadline, case.due_date) == (date(2025, 6, 17), date(2025, 6, 17))
    entry = TransitionLog.objects.filter(case_id=case.pk, transition="calendar_recomputed").get()
    assert entry.details["step_deadline"] == ["2025-06-16", "2025-06-17"]


def test_registration_respects_an_override():
    decree_day_off(date(2025, 6, 9))
    received = datetime(2025, 6, 5, 19, 10, tzinfo=ZoneInfo("Asia/Almaty"))
    assert services.registration_date(received) == date(2025, 6, 10)


def test_override_validation_needs_a_reason_and_a_date_in_range():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        CalendarOverride(date=date(2025, 6, 11), is_working=False).full_clean()
    with pytest.raises(ValidationError):
        CalendarOverride(date=date(1999, 6, 11), is_working=False, reason_ru="x").full_clean()
    CalendarOverride(date=date(2025, 6, 11), is_working=False, reason_kk="қаулы").full_clean()
