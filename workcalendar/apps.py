from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class WorkcalendarConfig(AppConfig):
    name = "workcalendar"
    verbose_name = _("Working-day calendar")

    def ready(self) -> None:
        from casework.roles import ADMINISTRATOR, ROLES, grant

        from . import receivers
        from .models import CalendarOverride

        post_save.connect(receivers.override_saved, sender=CalendarOverride, dispatch_uid="workcalendar.saved")
        post_delete.connect(receivers.override_deleted, sender=CalendarOverride, dispatch_uid="workcalendar.deleted")
        # Every clerk may look at the calendar; the administrator records decrees (DOMAIN.md §2).
        for role in ROLES:
            grant(role, "workcalendar.view_calendaroverride")
        grant(
            ADMINISTRATOR,
            "workcalendar.change_calendar",
            "workcalendar.add_calendaroverride",
            "workcalendar.change_calendaroverride",
            "workcalendar.delete_calendaroverride",
        )
