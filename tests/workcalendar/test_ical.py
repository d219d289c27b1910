"""/calendar/days-off.ics: public RFC 5545 feed of days off (and of the weekend days a decree made working)."""

from datetime import date

import pytest
from django.test import Client

from workcalendar import ical
from workcalendar.models import CalendarOverride

pytestmark = pytest.mark.django_db


def unfold(body: str) -> list[str]:
    assert "\n" not in body.replace("\r\n", ""), "every line ends with CRLF"
    return body.replace("\r\n ", "").split("\r\n")


def events(lines: list[str]) -> list[dict]:
    found, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name] = value
    return found


def test_the_feed_is_public_valid_icalendar():
    response = Client().get("/calendar/days-off.ics", {"year": "2025", "lang": "en"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode("utf-8")
    assert body.endswith("\r\n")
    for raw_line in body.split("\r\n"):
        assert len(raw_line.encode("utf-8")) <= 75
    lines = unfold(body)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    found = events(lines)
    by_start = {e["DTSTART;VALUE=DATE"]: e for e in found}
    assert by_start["20250101"]["SUMMARY"] == "New Year"
    assert by_start["20250101"]["DTEND;VALUE=DATE"] == "20250102"
    assert by_start["20250606"]["SUMMARY"] == "Kurban Ait"
    assert by_start["20250105"]["CATEGORIES"] == "WORKING-DAY"
    assert "20250104" not in by_start  # ordinary weekends are not listed
    uids = [e["UID"] for e in found]
    assert len(uids) == len(set(uids))
    for event in found:
        assert event["DTSTAMP"].endswith("Z") and len(event["DTSTAMP"]) == 16


def test_the_feed_shows_a_recorded_decree_and_escapes_text():
    CalendarOverride.objects.create(date=date(2025, 6, 11), is_working=False, reason_ru="Выходной; по указу, №5")
    body = Client().get("/calendar/days-off.ics", {"year": "2025", "lang": "ru"}).content.decode()
    summaries = [e["SUMMARY"] for e in events(unfold(body)) if e["DTSTART;VALUE=DATE"] == "20250611"]
    assert summaries == ["Выходной\\; по указу\\, №5"]


def test_bad_parameters_are_400():
    assert Client().get("/calendar/days-off.ics", {"year": "1999"}).status_code == 400
    assert Client().get("/calendar/days-off.ics", {"year": "x"}).status_code == 400
    assert Client().get("/calendar/days-off.ics", {"lang": "de"}).status_code == 400


def test_folding_never_splits_a_utf8_character():
    line = "SUMMARY:" + "Қазақстан Республикасының Конституциясы күні " * 3
    folded = ical.fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode("utf-8")) <= 75 for part in parts)
    assert folded.replace("\r\n ", "") == line
