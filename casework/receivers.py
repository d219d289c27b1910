"""casework's reactions to other apps' signals."""

from django.dispatch import receiver

from workcalendar.signals import calendar_changed

from .deadlines import recompute_open_cases


@receiver(calendar_changed, dispatch_uid="casework.recompute_deadlines_on_calendar_change")
def recompute_deadlines_on_calendar_change(sender, dates, **kwargs) -> None:
    # A new decree (or a corrected one) moves the deadlines of the open cases that it touches.
    recompute_open_cases(list(dates))
