from django.urls import path

from . import views

urlpatterns = [
    path("calendar/deadline", views.CalendarDeadlineView.as_view(), name="calendar-deadline"),
    path("calendar/days", views.CalendarDaysView.as_view(), name="calendar-days"),
]
