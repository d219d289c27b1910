"""The python-holidays layer of the calendar: Kazakhstan's public holidays, observed-day moves and
decree transfers (including working Saturdays and Sundays), read once per process for 2000–2100.

python-holidays speaks Kazakh and English but not Russian, so the names are kept here in all three
languages, keyed by the library's English name: Kazakh as the library has it (a test checks that),
Russian as the Labour Code's Russian text has it, English as the office writes it ("Nauryz",
"Kurban Ait", not the library's "Nowruz Holiday", "Eid al-Adha").
"""

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from .rules import FIRST_DAY, LAST_DAY, WEEKEND

# The library's English base name -> our name in each language.
HOLIDAY_NAMES: dict[str, dict[str, str]] = {
    "New Year's Day": {"kk": "Жаңа жыл", "ru": "Новый год", "en": "New Year"},
    "Orthodox Christmas": {
        "kk": "Православиелік Рождество",
        "ru": "Православное Рождество",
        "en": "Orthodox Christmas",
    },
    "International Women's Day": {
        "kk": "Халықаралық әйелдер күні",
        "ru": "Международный женский день",
        "en": "International Women's Day",
    },
    "Nowruz Holiday": {"kk": "Наурыз мейрамы", "ru": "Наурыз мейрамы", "en": "Nauryz"},
    "Kazakhstan's People Solidarity Holiday": {
        "kk": "Қазақстан халқының бірлігі мерекесі",
        "ru": "Праздник единства народа Казахстана",
        "en": "Unity Day of the People of Kazakhstan",
    },
    "Defender of the Fatherland Day": {
        "kk": "Отан Қорғаушы күні",
        "ru": "День защитника Отечества",
        "en": "Defender of the Fatherland Day",
    },
    "Victory Day": {"kk": "Жеңіс күні", "ru": "День Победы", "en": "Victory Day"},
    "Capital Day": {"kk": "Астана күні", "ru": "День Столицы", "en": "Capital Day"},
    "Constitution Day": {
        "kk": "Қазақстан Республикасының Конституциясы күні",
        "ru": "День Конституции Республики Казахстан",
        "en": "Constitution Day",
    },
    "Republic Day": {"kk": "Республика күні", "ru": "День Республики", "en": "Republic Day"},
    "First President Day": {
        "kk": "Қазақстан Республикасының Тұңғыш Президенті күні",
        "ru": "День Первого Президента Республики Казахстан",
        "en": "First President Day",
    },
    "Independence Day": {"kk": "Тәуелсіздік күні", "ru": "День Независимости", "en": "Independence Day"},
    "Eid al-Adha": {"kk": "Құрбан айт", "ru": "Курбан айт", "en": "Kurban Ait"},
}
# Names the library gives differently in some years (Law "On holidays" as amended in 2025).
HOLIDAY_NAMES_SINCE: dict[tuple[str, int], dict[str, str]] = {
    ("Republic Day", 2026): {"kk": "Қазақстан Республикасы күні", "ru": "День Республики", "en": "Republic Day"},
}

_OBSERVED = re.compile(r"^(?P<name>.+?) \((?P<labels>observed|estimated|observed, estimated)\)$")
_SUBSTITUTED = re.compile(r"^Day off \(substituted from (?P<m>\d\d)/(?P<d>\d\d)/(?P<y>\d{4})\)$")


@dataclass(frozen=True, slots=True)
class LibraryHoliday:
    """One entry the library gives for a day."""

    key: str  # the library's English base name ("" for a decree transfer)
    observed: bool = False  # a holiday that fell on a weekend, moved to this working day
    estimated: bool = False  # an Islamic date computed ahead of the official announcement
    transferred_from: date | None = None  # a day off moved here by decree from this (weekend) day

    def name(self, lang: str, year: int) -> str:
        names = HOLIDAY_NAMES.get(self.key, {})
        for (key, since), later in HOLIDAY_NAMES_SINCE.items():
            if key == self.key and year >= since:
                names = later
        return names.get(lang) or names.get("en") or self.key


@dataclass(frozen=True, slots=True)
class LibraryCalendar:
    working: bytes  # one byte per day from FIRST_DAY: 1 working, 0 day off
    holidays: dict[date, tuple[LibraryHoliday, ...]]
    weekend_workdays: dict[date, date | None]  # working weekend day -> the day off it was moved to


def parse_entry(english: str) -> LibraryHoliday:
    """Structure one of the library's English names ("Nowruz Holiday (observed)", "Day off (substituted …)")."""
    match = _SUBSTITUTED.match(english)
    if match:
        return LibraryHoliday(key="", transferred_from=date(int(match["y"]), int(match["m"]), int(match["d"])))
    match = _OBSERVED.match(english)
    if match:
        labels = match["labels"]
        return LibraryHoliday(key=match["name"], observed="observed" in labels, estimated="estimated" in labels)
    return LibraryHoliday(key=english)


def kazakhstan_holidays(language: str = "en_US"):
    import holidays

    return holidays.country_holidays("KZ", years=range(FIRST_DAY.year, LAST_DAY.year + 1), language=language)


@cache
def library_calendar() -> LibraryCalendar:
    """Built once per process (about 0.15 s): the library never changes while the process runs."""
    source = kazakhstan_holidays("en_US")
    base = FIRST_DAY.toordinal()
    size = LAST_DAY.toordinal() - base + 1
    working = bytearray(size)
    for i in range(size):
        working[i] = (i + FIRST_DAY.weekday()) % 7 not in WEEKEND
    holidays_by_day: dict[date, tuple[LibraryHoliday, ...]] = {}
    moved_to: dict[date, date] = {}
    for day in sorted(source.keys()):
        if not FIRST_DAY <= day <= LAST_DAY:
            continue
        entries = tuple(parse_entry(name) for name in source.get_list(day))
        holidays_by_day[day] = entries
        working[day.toordinal() - base] = 0
        for entry in entries:
            if entry.transferred_from:
                moved_to[entry.transferred_from] = day
    weekend_workdays = {}
    for day in sorted(source.weekend_workdays):
        if FIRST_DAY <= day <= LAST_DAY:
            weekend_workdays[day] = moved_to.get(day)
            working[day.toordinal() - base] = 1
    return LibraryCalendar(bytes(working), holidays_by_day, weekend_workdays)
