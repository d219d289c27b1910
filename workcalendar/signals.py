"""``calendar_changed`` is sent after a transaction that created, changed or deleted a CalendarOverride
commits, with ``dates=[date, ...]``: the days whose status may have changed. casework connects a receiver
that recomputes the deadlines of the open cases touching those days and writes each case's history.
"""

from django.dispatch import Signal

calendar_changed = Signal()  # keyword arguments: dates (sorted list of datetime.date)
