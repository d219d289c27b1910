"""The counting rules of DOMAIN.md §2, in one place, each with its source.

Every legal term in the acts is counted with these constants and the functions of
``workcalendar.services``; nothing else in the project adds days to a date by itself.
"""

from datetime import date, time

# The calendar answers every date in this range (DOMAIN.md §2: "any date in 2000–2100").
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)

# Office hours of the provider (004 annex 2 row 7; 003 annex 2 row 7): Monday–Friday and decree
# working days, 09:00–18:30 with a lunch break 13:00–14:30, in the office's time zone (settings.TIME_ZONE).
OFFICE_OPENS = time(9, 0)
OFFICE_CLOSES = time(18, 30)
LUNCH_STARTS = time(13, 0)
LUNCH_ENDS = time(14, 30)

# Ordinary weekend (Labour Code art. 84): Saturday and Sunday; date.weekday() numbers.
WEEKEND = frozenset({5, 6})

# Ruling (counting), DOMAIN.md §2:
# - a term of N working days runs from the day after the registration date; the deadline is the
#   N-th working day after it (the registration day is day 0), as the Civil Code starts a period
#   on the day after the event;
# - a term of N calendar days ends on the N-th calendar day after the event and, when that day is
#   not a working day, on the next working day;
# - "not earlier than X / not later than Y days before expiry" windows are plain calendar dates
#   counted back from the expiry date and are never moved (004 §24–26).
# - Something received after the end of the working day (18:30) or on a day off is registered on the
#   next working day (003 annex 2 row 7, 004 §14); received before 09:00 on a working day, or during
#   the lunch break, it is registered that day.
