from django.apps import AppConfig


class WorkcalendarConfig(AppConfig):
    name = "workcalendar"
