"""Clerk screens: decree overrides, and a year view where recording a decree takes two clicks
(click a day: the add form opens prefilled with the date, the opposite status and a reason; Save)."""

import calendar as month_calendar
from datetime import date

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from . import services
from .models import CalendarOverride
from .rules import FIRST_DAY, LAST_DAY

CHANGE_CALENDAR = "workcalendar.change_calendar"


def can_change_calendar(user) -> bool:
    return user.is_active and user.has_perm(CHANGE_CALENDAR)


# Prefilled reasons for the two-click flow; the clerk may edit them before saving.
PREFILLED_REASONS = {
    True: {
        "kk": "Үкімет қаулысымен жұмыс күні",
        "ru": "Рабочий день по постановлению Правительства",
        "en": "Working day by government decree",
    },
    False: {
        "kk": "Үкімет қаулысымен демалыс күні",
        "ru": "Выходной день по постановлению Правительства",
        "en": "Day off by government decree",
    },
}


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "status", "reason_display", "decree", "created_by", "updated_at")
    list_filter = ("is_working", "date")
    search_fields = ("reason_kk", "reason_ru", "reason_en", "decree_number")
    date_hierarchy = "date"
    fields = ("date", "is_working", "reason_kk", "reason_ru", "reason_en", "decree_number", "decree_date")

    # Recording decrees needs the calendar permission; every clerk may look.
    def has_add_permission(self, request):
        return can_change_calendar(request.user)

    def has_change_permission(self, request, obj=None):
        return can_change_calendar(request.user)

    def has_delete_permission(self, request, obj=None):
        return can_change_calendar(request.user)

    def has_view_permission(self, request, obj=None):
        return can_change_calendar(request.user) or request.user.has_perm("workcalendar.view_calendaroverride")

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return _weekday_name(obj.date)

    @admin.display(description=_("status"), boolean=False)
    def status(self, obj):
        return _("working day") if obj.is_working else _("day off")

    @admin.display(description=_("reason"))
    def reason_display(self, obj):
        return obj.reason()

    @admin.display(description=_("decree"))
    def decree(self, obj):
        return services.decree_reference(obj.decree_number, obj.decree_date)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        try:
            day = date.fromisoformat(request.GET.get("date", ""))
        except ValueError:
            return initial
        if "is_working" in request.GET:
            working = request.GET["is_working"] in ("1", "true", "True", "on")
        elif FIRST_DAY <= day <= LAST_DAY:
            working = not services.is_working_day(day)
        else:
            return initial
        initial["is_working"] = working
        for lang, text in PREFILLED_REASONS[working].items():
            initial.setdefault(f"reason_{lang}", text)
        return initial

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path("year/", self.admin_site.admin_view(self.year_view), name="workcalendar_calendar_year_current"),
            path("year/<int:year>/", self.admin_site.admin_view(self.year_view), name="workcalendar_calendar_year"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "year_url": reverse("admin:workcalendar_calendar_year_current")}
        return super().changelist_view(request, extra_context)

    def year_view(self, request, year: int | None = None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        year = year or timezone.localdate().year
        if not FIRST_DAY.year <= year <= LAST_DAY.year:
            raise Http404("The calendar covers 2000–2100.")
        can_change = self.has_change_permission(request)
        infos = {info.date: info for info in services.describe_days(date(year, 1, 1), date(year, 12, 31))}
        overrides = {o.date: o.pk for o in CalendarOverride.objects.filter(date__year=year).only("pk", "date")}
        add_url = reverse("admin:workcalendar_calendaroverride_add")
        months = []
        weeks_of = month_calendar.Calendar(firstweekday=0).monthdatescalendar
        for month in range(1, 13):
            weeks = []
            for week in weeks_of(year, month):
                cells = []
                for day in week:
                    if day.month != month:
                        cells.append(None)
                        continue
                    info = infos[day]
                    if day in overrides:
                        url = reverse("admin:workcalendar_calendaroverride_change", args=[overrides[day]])
                    elif can_change:
                        url = f"{add_url}?{urlencode({'date': day.isoformat(), 'is_working': int(not info.working)})}"
                    else:
                        url = ""
                    cells.append({"info": info, "url": url, "css": _css(info)})
                weeks.append(cells)
            months.append({"number": month, "name": _month_name(month), "weeks": weeks})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Working-day calendar %(year)s") % {"year": year},
            "year": year,
            "previous_year": year - 1 if year > FIRST_DAY.year else None,
            "next_year": year + 1 if year < LAST_DAY.year else None,
            "months": months,
            "weekday_names": [_weekday_short(i) for i in range(7)],
            "can_change": can_change,
            "counts": {
                "working": sum(1 for info in infos.values() if info.working),
                "off": sum(1 for info in infos.values() if not info.working),
                "overrides": len(overrides),
            },
        }
        return TemplateResponse(request, "admin/workcalendar/calendar_year.html", context)


def _css(info: services.DayInfo) -> str:
    classes = ["working" if info.working else "off", info.kind.replace("_", "-")]
    if info.override:
        classes.append("override")
    return " ".join(classes)


def _weekday_name(day: date) -> str:
    return WEEKDAYS[day.weekday()]


def _weekday_short(index: int) -> str:
    return WEEKDAYS_ABBR[index]


def _month_name(month: int) -> str:
    return MONTHS[month]
