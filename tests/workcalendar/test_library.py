"""The python-holidays layer: every holiday name the library gives for 2000–2100 is known to us in
kk/ru/en, and our Kazakh names are the library's own."""

import re

import pytest

from workcalendar.library import HOLIDAY_NAMES, kazakhstan_holidays, library_calendar, parse_entry
from workcalendar.rules import FIRST_DAY, LAST_DAY

KK_SUFFIX = re.compile(r" \((қайта белгіленген демалыс|бағаланған|қайта белгіленген демалыс, бағаланған)\)$")


def test_every_library_holiday_has_names_in_three_languages():
    for entries in library_calendar().holidays.values():
        for entry in entries:
            if entry.transferred_from:
                continue
            assert entry.key in HOLIDAY_NAMES, entry.key
            assert set(HOLIDAY_NAMES[entry.key]) == {"kk", "ru", "en"}


def test_our_kazakh_names_are_the_library_s():
    kazakh = kazakhstan_holidays("kk")
    english = kazakhstan_holidays("en_US")
    for day in sorted(english.keys()):
        if not FIRST_DAY <= day <= LAST_DAY:
            continue
        entries = [parse_entry(name) for name in english.get_list(day)]
        ours = sorted(e.name("kk", day.year) for e in entries if not e.transferred_from)
        theirs = sorted(KK_SUFFIX.sub("", name) for name in kazakh.get_list(day) if not name.startswith("Демалыс күні"))
        assert ours == theirs, day


@pytest.mark.parametrize(
    ("english", "key", "observed", "estimated"),
    [
        ("Nowruz Holiday (observed)", "Nowruz Holiday", True, False),
        ("Eid al-Adha (estimated)", "Eid al-Adha", False, True),
        ("Eid al-Adha (observed, estimated)", "Eid al-Adha", True, True),
        ("Victory Day", "Victory Day", False, False),
    ],
)
def test_library_names_are_parsed(english, key, observed, estimated):
    entry = parse_entry(english)
    assert (entry.key, entry.observed, entry.estimated, entry.transferred_from) == (key, observed, estimated, None)


def test_decree_transfers_are_parsed_with_their_source_day():
    from datetime import date

    entry = parse_entry("Day off (substituted from 01/05/2025)")
    assert entry.transferred_from == date(2025, 1, 5)
    assert library_calendar().weekend_workdays[date(2025, 1, 5)] == date(2025, 1, 3)
