"""Admin: decree overrides guarded by workcalendar.change_calendar; the year view; the two-click add."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from workcalendar import services
from workcalendar.models import CalendarOverride

pytestmark = pytest.mark.django_db
YEAR = "/admin/workcalendar/calendaroverride/year/2025/"
ADD = "/admin/workcalendar/calendaroverride/add/"


def clerk(*perms, name="clerk") -> Client:
    user = get_user_model().objects.create_user(name, password="a-long-password-1", is_staff=True)
    for dotted in perms:
        app_label, codename = dotted.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    client = Client()
    client.force_login(user)
    return client


def test_the_year_view_shows_twelve_months_with_holidays_and_decrees():
    CalendarOverride.objects.create(date=date(2025, 6, 11), is_working=False, reason_en="Decree day", reason_ru="Указ")
    response = clerk("workcalendar.change_calendar").get(YEAR, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<div class="wc-month">') == 12
    assert "Kurban Ait" in html or "Курбан айт" in html
    assert "override" in html
    # a day links to the prefilled add form (click 1) ...
    assert f"{ADD}?date=2025-06-12&amp;is_working=0" in html
    assert "?date=2025-05-03&amp;is_working=1" in html  # a Saturday: propose a working day


def test_two_clicks_record_a_decree():
    client = clerk("workcalendar.change_calendar")
    form = client.get(ADD, {"date": "2025-06-12", "is_working": "0"})
    assert form.status_code == 200
    initial = form.context["adminform"].form.initial
    assert initial["date"] == "2025-06-12"
    assert initial["is_working"] is False
    assert initial["reason_ru"] and initial["reason_kk"] and initial["reason_en"]
    # ... and Save (click 2) posts the prefilled form as it is.
    data = {key: ("" if value is None else value) for key, value in initial.items()}
    data["is_working"] = ""
    response = client.post(ADD, {**data, "decree_number": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    override = CalendarOverride.objects.get(date=date(2025, 6, 12))
    assert override.is_working is False
    assert override.created_by.username == "clerk"
    assert not services.is_working_day(date(2025, 6, 12))


def test_viewing_needs_the_view_permission_and_recording_needs_change_calendar():
    viewer = clerk("workcalendar.view_calendaroverride", name="viewer")
    assert viewer.get(YEAR).status_code == 200
    assert "?date=" not in viewer.get(YEAR).content.decode()  # no add links without the permission
    assert viewer.get(ADD).status_code == 403
    nobody = clerk(name="nobody")
    assert nobody.get(YEAR).status_code == 403
    assert nobody.get("/admin/workcalendar/calendaroverride/").status_code == 403


def test_the_changelist_links_to_the_year_view():
    response = clerk("workcalendar.change_calendar").get("/admin/workcalendar/calendaroverride/")
    assert response.status_code == 200
    assert "/admin/workcalendar/calendaroverride/year/" in response.content.decode()
