"""Kazakhstan's working-day calendar: the only source of deadlines in the project (DOMAIN.md §2).

Sources, in order of precedence: ``CalendarOverride`` rows (government decrees a clerk records in the
admin) over python-holidays' Kazakhstan calendar (Labour Code holidays, weekend → next working day
except Orthodox Christmas and Kurban Ait, decree transfers and working weekends) over Monday–Friday.

Speed: every scalar call is a couple of list lookups in the precomputed snapshot of ``snapshot.py``.
Freshness: a process compares its snapshot's version with ``CalendarVersion`` at most every
``WORKCALENDAR_RECHECK_SECONDS`` (default 2 s); the process that changes an override sees its
change at once, and inside its own open transaction works on a private snapshot, so an
uncommitted (or rolled-back) decree never leaks to other threads.
"""

import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import rules
from .library import LibraryHoliday
from .snapshot import BASE, EPOCH_OFFSET, SIZE, DayNote, OverrideRecord, Snapshot, build

__all__ = [
    "CalendarRangeError",
    "DayInfo",
    "Deadline",
    "add_working_days",
    "add_working_days_many",
    "deadline",
    "deadline_after",
    "deadline_from",
    "describe_day",
    "describe_days",
    "invalidate",
    "is_working_day",
    "next_working_day",
    "registration_date",
    "roll_forward",
    "window_dates",
    "working_days_between",
]

LANGUAGES = ("kk", "ru", "en")


class CalendarRangeError(ValueError):
    """A date (or a result) outside 2000-01-01..2100-12-31, the range the calendar answers for."""


def _out_of_range(day) -> CalendarRangeError:
    return CalendarRangeError(
        f"{day} is outside the working-day calendar ({rules.FIRST_DAY.isoformat()}..{rules.LAST_DAY.isoformat()})"
    )


def _result_out_of_range(day, n: int) -> CalendarRangeError:
    if not 0 <= day.toordinal() - BASE < SIZE:
        return _out_of_range(day)
    return CalendarRangeError(
        f"{n} working days from {day} fall outside the working-day calendar "
        f"({rules.FIRST_DAY.isoformat()}..{rules.LAST_DAY.isoformat()})"
    )


# --------------------------------------------------------------------------------------------------
# The current snapshot: shared by all threads, rebuilt when CalendarVersion changes.
# --------------------------------------------------------------------------------------------------


def _unbuilt() -> Snapshot:
    empty = np.zeros(0, dtype=np.int32)
    return Snapshot(-1, [], [], [], [], empty, empty, empty.astype("datetime64[D]"), [], {}, {})


_snapshot: Snapshot = _unbuilt()
_lock = threading.Lock()
_local = threading.local()  # .pending: this thread changed overrides in a still-open transaction
_pending_threads = 0  # how many threads have .pending set; the hot path only looks at this int
_monotonic = time.monotonic


def _recheck_seconds() -> float:
    return float(getattr(settings, "WORKCALENDAR_RECHECK_SECONDS", 2.0))


def _read_version(using: str = DEFAULT_DB_ALIAS) -> int:
    from .models import CalendarVersion

    number = CalendarVersion.objects.using(using).filter(pk=1).values_list("number", flat=True).first()
    return number or 0


def _read_overrides(using: str = DEFAULT_DB_ALIAS) -> list[OverrideRecord]:
    from .models import CalendarOverride

    rows = CalendarOverride.objects.using(using).values_list(
        "date", "is_working", "reason_kk", "reason_ru", "reason_en", "decree_number", "decree_date"
    )
    return [
        OverrideRecord(
            day,
            working,
            tuple((code, text) for code, text in (("kk", kk), ("ru", ru), ("en", en)) if text),
            number,
            decree_date,
        )
        for day, working, kk, ru, en, number, decree_date in rows
    ]


def _build_current(using: str = DEFAULT_DB_ALIAS) -> Snapshot:
    # The version is read before the overrides: a change committed in between makes the next check
    # rebuild again, never keeps a snapshot older than its label.
    version = _read_version(using)
    return build(version, _read_overrides(using))


def _current() -> Snapshot:
    """The snapshot to answer from (the slow path of every public function)."""
    global _snapshot
    if _pending_threads and getattr(_local, "pending", False):
        if connections[_local.using].in_atomic_block:
            version = _read_version(_local.using)
            private = getattr(_local, "snapshot", None)
            if private is None or private.version != version:
                private = _local.snapshot = _build_current(_local.using)
            return private
        # The transaction ended without committing (a commit clears the flag): forget it.
        _clear_pending()
    with _lock:
        snap = _snapshot
        if _monotonic() < snap.recheck_at:
            return snap
        version = _read_version()
        if version != snap.version:
            snap = _snapshot = _build_current()
        snap.recheck_at = _monotonic() + _recheck_seconds()
        return snap


def _clear_pending() -> None:
    global _pending_threads
    with _lock:
        if getattr(_local, "pending", False):
            _local.pending = False
            _local.snapshot = None
            _pending_threads -= 1
        _snapshot.recheck_at = float("-inf")


def note_local_change(using: str = DEFAULT_DB_ALIAS) -> None:
    """An override was just written through ``using``; this thread must see it from now on."""
    global _pending_threads
    with _lock:
        if connections[using].in_atomic_block:
            if not getattr(_local, "pending", False):
                _pending_threads += 1
            _local.pending = True
            _local.using = using
            _local.snapshot = None
        _snapshot.recheck_at = float("-inf")


def committed_local_change() -> None:
    """The transaction that changed overrides committed: back to the shared snapshot, rebuilt."""
    _clear_pending()


def invalidate() -> None:
    """Forget every precomputed snapshot of this process (tests call it between cases)."""
    global _snapshot, _pending_threads
    with _lock:
        _snapshot = _unbuilt()
        _local.pending = False
        _local.snapshot = None
        _pending_threads = 0


def current_version() -> int:
    return _current().version


def _as_date(value) -> date:
    """A datetime is refused: its calendar date depends on its time zone; use registration_date()."""
    if isinstance(value, datetime):
        raise TypeError("a date is required, not a datetime (use registration_date() for moments of receipt)")
    if isinstance(value, date):
        return value
    raise TypeError(f"a date is required, not {type(value).__name__}")


# --------------------------------------------------------------------------------------------------
# Scalar API: each call is a monotonic-clock check and two list lookups.
# --------------------------------------------------------------------------------------------------


def is_working_day(d: date) -> bool:
    s = _snapshot
    if _pending_threads or _monotonic() >= s.recheck_at:
        s = _current()
    if d.__class__ is not date:
        d = _as_date(d)
    i = d.toordinal() - BASE
    if i < 0:
        raise _out_of_range(d)
    try:
        return s.working[i]
    except IndexError:
        raise _out_of_range(d) from None


def next_working_day(d: date) -> date:
    """The first working day strictly after ``d``."""
    s = _snapshot
    if _pending_threads or _monotonic() >= s.recheck_at:
        s = _current()
    if d.__class__ is not date:
        d = _as_date(d)
    i = d.toordinal() - BASE
    if i < 0:
        raise _out_of_range(d)
    try:
        return s.workdays[s.rank_le[i]]
    except IndexError:
        raise _result_out_of_range(d, 1) from None


def roll_forward(d: date) -> date:
    """``d`` when it is a working day, else the next working day."""
    s = _snapshot
    if _pending_threads or _monotonic() >= s.recheck_at:
        s = _current()
    if d.__class__ is not date:
        d = _as_date(d)
    i = d.toordinal() - BASE
    if i < 0:
        raise _out_of_range(d)
    try:
        return s.workdays[s.rank_lt[i]]
    except IndexError:
        raise _result_out_of_range(d, 0) from None


def add_working_days(d: date, n: int) -> date:
    """The n-th working day after ``d`` (day ``d`` is day 0 and need not be a working day).

    n < 0: the |n|-th working day before ``d``; n == 0: ``roll_forward(d)``.
    """
    s = _snapshot
    if _pending_threads or _monotonic() >= s.recheck_at:
        s = _current()
    if d.__class__ is not date:
        d = _as_date(d)
    i = d.toordinal() - BASE
    if i < 0:
        raise _out_of_range(d)
    try:
        if n > 0:
            return s.workdays[s.rank_le[i] + n - 1]
        k = s.rank_lt[i] + n
        if k < 0:
            raise IndexError
        return s.workdays[k]
    except IndexError:
        raise _result_out_of_range(d, n) from None


def working_days_between(a: date, b: date) -> int:
    """How many working days fall in (a, b]; negative (minus those in (b, a]) when b < a."""
    s = _snapshot
    if _pending_threads or _monotonic() >= s.recheck_at:
        s = _current()
    if a.__class__ is not date or b.__class__ is not date:
        a, b = _as_date(a), _as_date(b)
    i = a.toordinal() - BASE
    j = b.toordinal() - BASE
    if i < 0 or j < 0:
        raise _out_of_range(a if i < 0 else b)
    try:
        return s.rank_le[j] - s.rank_le[i]
    except IndexError:
        raise _out_of_range(a if i >= SIZE else b) from None


def window_dates(expiry: date, earliest: int, latest: int) -> tuple[date, date]:
    """ "Not earlier than ``earliest`` and not later than ``latest`` calendar days before ``expiry``"
    (e.g. 004 §24: 30 and 5): the first and the last allowed day, plain calendar dates, never moved.
    """
    if not 0 <= latest <= earliest:
        raise ValueError(f"window needs 0 <= latest ({latest}) <= earliest ({earliest})")
    return date.fromordinal(expiry.toordinal() - earliest), date.fromordinal(expiry.toordinal() - latest)


# --------------------------------------------------------------------------------------------------
# Vectorised path: a whole register at once.
# --------------------------------------------------------------------------------------------------


def add_working_days_many(dates: np.ndarray, ns: np.ndarray) -> np.ndarray:
    """``add_working_days`` for many (date, n) pairs at once: datetime64[D] and integer arrays in
    (broadcast against each other), datetime64[D] out. Raises CalendarRangeError for any date or
    result outside 2000–2100 (and for NaT)."""
    s = _snapshot
    if _pending_threads or _monotonic() >= s.recheck_at:
        s = _current()
    days = np.asarray(dates)
    if days.dtype != "datetime64[D]":
        days = days.astype("datetime64[D]")
    index = days.view(np.int64) - EPOCH_OFFSET
    steps = np.asarray(ns, dtype=np.int64)
    bad = (index < 0) | (index >= SIZE)  # NaT is the most negative int64: caught here too
    if bad.any():
        raise _out_of_range(np.broadcast_to(days, bad.shape)[bad].flat[0] if bad.ndim else days)
    k = np.where(steps > 0, s.np_rank_le[index] + (steps - 1), s.np_rank_lt[index] + steps)
    bad = (k < 0) | (k >= len(s.np_workdays))
    if bad.any():
        first = np.argwhere(bad)[0]
        day = np.broadcast_to(days, bad.shape)[tuple(first)]
        n = int(np.broadcast_to(steps, bad.shape)[tuple(first)])
        raise _result_out_of_range(day.astype(object), n)
    return s.np_workdays[k]


# --------------------------------------------------------------------------------------------------
# Registration and deadlines, with their explanations.
# --------------------------------------------------------------------------------------------------


@cache
def office_zone(name: str | None = None) -> ZoneInfo:
    return ZoneInfo(name or settings.TIME_ZONE)


def _local_time(received_at: datetime) -> datetime:
    if not isinstance(received_at, datetime):
        raise TypeError("received_at must be a datetime")
    if received_at.tzinfo is None or received_at.utcoffset() is None:
        raise ValueError("received_at must be timezone-aware (with a UTC offset)")
    return received_at.astimezone(office_zone(settings.TIME_ZONE))


# How a moment relates to office hours (003 annex 2 row 7, 004 §14).
IN_HOURS, LUNCH, BEFORE_HOURS, AFTER_HOURS, DAY_OFF = "in_hours", "lunch", "before_hours", "after_hours", "day_off"


def _arrival(local: datetime) -> str:
    if not is_working_day(local.date()):
        return DAY_OFF
    moment = local.time()
    if moment >= rules.OFFICE_CLOSES:
        return AFTER_HOURS
    if moment < rules.OFFICE_OPENS:
        return BEFORE_HOURS
    if rules.LUNCH_STARTS <= moment < rules.LUNCH_ENDS:
        return LUNCH
    return IN_HOURS


def registration_date(received_at: datetime) -> date:
    """The day an application received at ``received_at`` is registered: that day when it arrived
    on a working day before 18:30 office time (before 09:00 and in the lunch break included), else
    the next working day (003 annex 2 row 7, 004 §14)."""
    local = _local_time(received_at)
    if _arrival(local) in (AFTER_HOURS, DAY_OFF):
        return next_working_day(local.date())
    return local.date()


def _fmt(day: date) -> str:
    return f"{day:%d.%m.%Y}"


def _fmt_span(first: date, last: date) -> str:
    if first == last:
        return f"{first:%d.%m}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first:%d}–{last:%d.%m}"
    return f"{first:%d.%m}–{last:%d.%m}"


def decree_reference(number: str, issued: date | None) -> str:
    if number and issued:
        return _("decree No. %(number)s of %(date)s") % {"number": number, "date": _fmt(issued)}
    if number:
        return _("decree No. %(number)s") % {"number": number}
    if issued:
        return _("decree of %(date)s") % {"date": _fmt(issued)}
    return ""


def _holiday_label(entry: LibraryHoliday, year: int, lang: str, *, detailed: bool) -> str:
    if entry.transferred_from:
        return _("day off transferred from %(date)s by government decree") % {"date": _fmt(entry.transferred_from)}
    name = entry.name(lang, year)
    if detailed and entry.observed:
        name = _("%(name)s (observed: moved from the weekend)") % {"name": name}
    if detailed and entry.estimated:
        name = _("%(name)s (estimated date)") % {"name": name}
    return name


def _override_label(record: OverrideRecord, lang: str) -> str:
    reason = record.reason(lang) or (_("working day by decree") if record.is_working else _("day off by decree"))
    reference = decree_reference(record.decree_number, record.decree_date)
    return f"{reason} ({reference})" if reference else reason


def _note_label(note: DayNote, *, detailed: bool = False) -> str:
    """Why the day is what it is, in the active language."""
    lang = _active_language()
    if note.override is not None:
        return _override_label(note.override, lang)
    if note.weekend_workday:
        if note.moved_to:
            return _("working day by government decree (its day off moved to %(date)s)") % {"date": _fmt(note.moved_to)}
        return _("working day by government decree")
    return ", ".join(_holiday_label(entry, note.date.year, lang, detailed=detailed) for entry in note.holidays)


def _is_mentioned(note: DayNote) -> bool:
    """Days an explanation names: every day off other than an ordinary weekend, and every working
    day that would have been off without a decree (a working Saturday/Sunday, a holiday made working)."""
    if not note.working:
        return True
    return note.weekend_workday or (
        note.override is not None and (note.date.weekday() in rules.WEEKEND or bool(note.holidays))
    )


def _group_key(note: DayNote) -> tuple:
    if note.override is not None:
        return ("override", note.override.is_working, note.override.reasons, note.override.decree_number)
    if note.weekend_workday:
        return ("workday", note.moved_to)
    return ("holiday",) + tuple((e.key, e.transferred_from) for e in note.holidays)


def _note_groups(snap: Snapshot, first: date, last: date) -> tuple[tuple[DayNote, ...], ...]:
    """The notable days in [first, last], consecutive ones with the same reason grouped together.
    Two days of the same holiday stay one group across the ordinary weekend between them."""
    groups: list[list[DayNote]] = []
    for note in snap.notes_between(first, last):
        if not _is_mentioned(note):
            continue
        if groups:
            previous = groups[-1][-1]
            gap = range(previous.date.toordinal() + 1 - BASE, note.date.toordinal() - BASE)
            if (
                _group_key(previous) == _group_key(note)
                and previous.working == note.working
                and not any(snap.working[i] for i in gap)
            ):
                groups[-1].append(note)
                continue
        groups.append([note])
    return tuple(tuple(group) for group in groups)


def _render_groups(groups) -> list[str]:
    return [f"{_fmt_span(group[0].date, group[-1].date)} {_note_label(group[0])}" for group in groups]


def _active_language() -> str:
    code = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return code if code in LANGUAGES else "en"


@dataclass(frozen=True)
class _WorkingTerm:
    """What a working-day deadline's explanation says, in no particular language."""

    n: int
    start: date
    groups: tuple
    received_at: datetime | None = None  # office-local
    arrival: str = ""
    event: object = ""  # str or lazy translation

    def render(self) -> str:
        head = ngettext("%(n)d working day from %(start)s", "%(n)d working days from %(start)s", self.n) % {
            "n": self.n,
            "start": _fmt(self.start),
        }
        parts = []
        if self.event:
            parts.append(str(self.event))
        if self.received_at is not None:
            at = {"at": f"{self.received_at:%d.%m.%Y %H:%M}"}
            parts.append(
                {
                    IN_HOURS: _("received %(at)s"),
                    LUNCH: _("received %(at)s, in the lunch break"),
                    BEFORE_HOURS: _("received %(at)s, before office hours"),
                    AFTER_HOURS: _("received %(at)s, after office hours"),
                    DAY_OFF: _("received %(at)s, on a day off"),
                }[self.arrival]
                % at
            )
        parts.extend(_render_groups(self.groups))
        return f"{head} ({'; '.join(parts)})" if parts else head


@dataclass(frozen=True)
class _CalendarTerm:
    n: int
    start: date
    end: date
    moved: bool  # the end day was a day off
    groups: tuple

    def render(self) -> str:
        head = ngettext("%(n)d calendar day from %(start)s", "%(n)d calendar days from %(start)s", self.n) % {
            "n": self.n,
            "start": _fmt(self.start),
        }
        parts = []
        if self.moved:
            parts.append(
                _("the term ends on %(end)s, a day off, and moves to the next working day") % {"end": _fmt(self.end)}
            )
        parts.extend(_render_groups(self.groups))
        return f"{head} ({'; '.join(parts)})" if parts else head


@dataclass(frozen=True)
class Deadline:
    """A due date and how it was counted, for the clerk and the applicant.

    ``explanation`` is in the language active when the deadline was computed; ``explain(lang)``
    gives the same explanation in "kk", "ru" or "en".
    """

    due: date
    explanation: str
    registered_on: date | None = None
    _recipe: object = field(default=None, compare=False, repr=False)

    def explain(self, lang: str) -> str:
        lang = lang[:2]
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
        if self._recipe is None:
            return self.explanation
        with translation.override(lang):
            return self._recipe.render()

    def __str__(self) -> str:
        return self.explanation


def _check_term(n: int, what: str) -> None:
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise TypeError(f"{what} must be an integer")
    if n < 0:
        raise ValueError(f"{what} must not be negative")


def deadline(received_at: datetime, *, working_days: int) -> Deadline:
    """Registration date of something received at ``received_at`` and the ``working_days``-th working
    day after it (DOMAIN.md §2 ruling), with the explanation."""
    _check_term(working_days, "working_days")
    local = _local_time(received_at)
    arrival = _arrival(local)
    registered_on = next_working_day(local.date()) if arrival in (AFTER_HOURS, DAY_OFF) else local.date()
    due = add_working_days(registered_on, working_days)
    groups = _note_groups(_current_snapshot(), local.date(), due)
    recipe = _WorkingTerm(working_days, registered_on, groups, received_at=local, arrival=arrival)
    return Deadline(due=due, explanation=recipe.render(), registered_on=registered_on, _recipe=recipe)


def deadline_after(start: date, *, working_days: int, event: str = "") -> Deadline:
    """The ``working_days``-th working day after ``start`` (a step counted from a date, e.g. "within
    2 working days of registration"); ``event`` names the start in the explanation."""
    _check_term(working_days, "working_days")
    due = add_working_days(start, working_days)
    first = date.fromordinal(start.toordinal() + 1) if working_days else start
    groups = _note_groups(_current_snapshot(), first, due) if due >= first else ()
    recipe = _WorkingTerm(working_days, start, groups, event=event)
    return Deadline(due=due, explanation=recipe.render(), _recipe=recipe)


def deadline_from(start: date, *, calendar_days: int) -> Deadline:
    """``start`` + ``calendar_days`` calendar days; when that day is not a working day, the next
    working day (DOMAIN.md §2 ruling)."""
    _check_term(calendar_days, "calendar_days")
    end = date.fromordinal(start.toordinal() + calendar_days)
    due = roll_forward(end)
    groups = _note_groups(_current_snapshot(), end, due) if due != end else ()
    recipe = _CalendarTerm(calendar_days, start, end, due != end, groups)
    return Deadline(due=due, explanation=recipe.render(), _recipe=recipe)


def _current_snapshot() -> Snapshot:
    s = _snapshot
    if _pending_threads or _monotonic() >= s.recheck_at:
        s = _current()
    return s


# --------------------------------------------------------------------------------------------------
# Days described: the REST "days" resource, the CLI "year" listing, the iCalendar feed, the admin.
# --------------------------------------------------------------------------------------------------

WORKING_DAY = "working_day"
WEEKEND = "weekend"
HOLIDAY = "holiday"
OBSERVED_HOLIDAY = "observed_holiday"
TRANSFERRED_DAY_OFF = "transferred_day_off"
DECREE_WORKING_DAY = "decree_working_day"
DECREE_DAY_OFF = "decree_day_off"


@dataclass(frozen=True)
class DayInfo:
    date: date
    working: bool
    kind: str
    reason: str  # in the active language; "" for an ordinary working day
    holidays: tuple[str, ...] = ()  # the library's holiday names for the day, in the active language
    override: bool = False  # a clerk-recorded decree decides the day
    decree_number: str = ""
    decree_date: date | None = None


def _describe(snap: Snapshot, day: date) -> DayInfo:
    i = day.toordinal() - BASE
    if not 0 <= i < SIZE:
        raise _out_of_range(day)
    working = snap.working[i]
    note = snap.notes.get(day.toordinal())
    if note is None:
        if working:
            return DayInfo(day, True, WORKING_DAY, "")
        return DayInfo(day, False, WEEKEND, _("weekend"))
    lang = _active_language()
    names = tuple(_holiday_label(e, day.year, lang, detailed=True) for e in note.holidays if not e.transferred_from)
    if note.override is not None:
        record = note.override
        kind = DECREE_WORKING_DAY if record.is_working else DECREE_DAY_OFF
        return DayInfo(day, working, kind, _note_label(note), names, True, record.decree_number, record.decree_date)
    if note.weekend_workday:
        kind = DECREE_WORKING_DAY
    elif any(e.transferred_from for e in note.holidays):
        kind = TRANSFERRED_DAY_OFF
    elif note.holidays and all(e.observed for e in note.holidays):
        kind = OBSERVED_HOLIDAY
    else:
        kind = HOLIDAY
    return DayInfo(day, working, kind, _note_label(note, detailed=True), names)


def describe_day(day: date) -> DayInfo:
    return _describe(_current_snapshot(), day)


def describe_days(first: date, last: date) -> list[DayInfo]:
    snap = _current_snapshot()
    return [_describe(snap, date.fromordinal(o)) for o in range(first.toordinal(), last.toordinal() + 1)]


def days_off(first: date, last: date, *, include_weekends: bool = True) -> list[DayInfo]:
    """The non-working days in [first, last] (ordinary weekends only when ``include_weekends``)."""
    return [
        info for info in describe_days(first, last) if not info.working and (include_weekends or info.kind != WEEKEND)
    ]


def decree_working_days(first: date, last: date) -> list[DayInfo]:
    """Saturdays, Sundays and holidays that a decree made working days, in [first, last]."""
    snap = _current_snapshot()
    return [
        _describe(snap, note.date) for note in snap.notes_between(first, last) if note.working and _is_mentioned(note)
    ]
