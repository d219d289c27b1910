"""The precomputed calendar: one immutable snapshot per calendar version.

For every day of 2000-01-01..2100-12-31 (36,890 days) a snapshot holds

- ``working[i]``: whether day ``i`` (days since 2000-01-01) is a working day;
- ``rank_le[i]`` / ``rank_lt[i]``: how many working days fall on or before / strictly before day ``i``;
- ``workdays[k]``: the k-th working day (0-based) as a ``date``;

so that ``add_working_days(d, n)`` is ``workdays[rank_le[i] + n - 1]`` — two list lookups — and
``working_days_between(a, b)`` is ``rank_le[b] - rank_le[a]``. The same arrays as numpy arrays
serve the vectorised path. ``notable`` lists, sorted, the days an explanation mentions (holidays,
decree transfers, overrides, working weekends), so an explanation bisects instead of walking days.
"""

import bisect
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from .library import LibraryCalendar, LibraryHoliday, library_calendar
from .rules import FIRST_DAY, LAST_DAY, WEEKEND

BASE = FIRST_DAY.toordinal()
SIZE = LAST_DAY.toordinal() - BASE + 1
EPOCH_OFFSET = BASE - date(1970, 1, 1).toordinal()  # day index -> numpy datetime64[D] integer


@dataclass(frozen=True, slots=True)
class OverrideRecord:
    """A CalendarOverride as the snapshot keeps it (plain data, safe to share between threads)."""

    date: date
    is_working: bool
    reasons: tuple[tuple[str, str], ...]  # (("kk", ...), ("ru", ...), ("en", ...)), empty ones left out
    decree_number: str = ""
    decree_date: date | None = None

    def reason(self, lang: str) -> str:
        texts = dict(self.reasons)
        for code in (lang, "ru", "kk", "en"):
            if texts.get(code):
                return texts[code]
        return ""


@dataclass(frozen=True, slots=True)
class DayNote:
    """Why a day is not what an ordinary Monday–Friday week would make it."""

    date: date
    working: bool
    holidays: tuple[LibraryHoliday, ...] = ()
    override: OverrideRecord | None = None
    weekend_workday: bool = False  # a working Saturday/Sunday by decree in the library
    moved_to: date | None = None  # for a library working weekend day: where its day off went


@dataclass(slots=True)
class Snapshot:
    version: int
    working: list[bool]
    rank_le: list[int]
    rank_lt: list[int]
    workdays: list[date]
    np_rank_le: np.ndarray
    np_rank_lt: np.ndarray
    np_workdays: np.ndarray  # datetime64[D]
    notable: list[int]  # sorted ordinals of the days with a DayNote
    notes: dict[int, DayNote]
    overrides: dict[date, OverrideRecord]
    recheck_at: float = field(default=float("-inf"))

    def notes_between(self, first: date, last: date) -> list[DayNote]:
        """The notable days in [first, last], in order."""
        lo = bisect.bisect_left(self.notable, first.toordinal())
        hi = bisect.bisect_right(self.notable, last.toordinal())
        return [self.notes[o] for o in self.notable[lo:hi]]


def build(version: int, overrides: list[OverrideRecord], library: LibraryCalendar | None = None) -> Snapshot:
    library = library or library_calendar()
    flags = bytearray(library.working)
    notes: dict[int, DayNote] = {}
    for day, entries in library.holidays.items():
        notes[day.toordinal()] = DayNote(day, False, holidays=entries)
    for day, moved_to in library.weekend_workdays.items():
        notes[day.toordinal()] = DayNote(
            day, True, holidays=library.holidays.get(day, ()), weekend_workday=True, moved_to=moved_to
        )
    by_date: dict[date, OverrideRecord] = {}
    for record in overrides:
        if not FIRST_DAY <= record.date <= LAST_DAY:
            continue
        by_date[record.date] = record
        flags[record.date.toordinal() - BASE] = record.is_working
        previous = notes.get(record.date.toordinal())
        notes[record.date.toordinal()] = DayNote(
            record.date,
            record.is_working,
            holidays=library.holidays.get(record.date, ()),
            override=record,
            weekend_workday=previous.weekend_workday if previous else False,
            moved_to=previous.moved_to if previous else None,
        )
    working = np.frombuffer(bytes(flags), dtype=np.uint8)
    rank_le = np.cumsum(working, dtype=np.int32)
    rank_lt = rank_le - working
    workday_index = np.flatnonzero(working)
    np_workdays = (workday_index + EPOCH_OFFSET).astype("datetime64[D]")
    return Snapshot(
        version=version,
        working=working.astype(bool).tolist(),
        rank_le=rank_le.tolist(),
        rank_lt=rank_lt.tolist(),
        workdays=[date.fromordinal(BASE + i) for i in workday_index.tolist()],
        np_rank_le=rank_le,
        np_rank_lt=rank_lt,
        np_workdays=np_workdays,
        notable=sorted(notes),
        notes=notes,
        overrides=by_date,
    )


def is_ordinary_weekend(day: date) -> bool:
    return day.weekday() in WEEKEND
