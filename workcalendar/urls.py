from django.urls import path

from . import views

app_name = "workcalendar"

urlpatterns = [
    path("days-off.ics", views.days_off_ics, name="days-off-ics"),
]
