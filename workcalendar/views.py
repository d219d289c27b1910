"""Public pages of the calendar: the iCalendar feed of days off."""

from datetime import UTC, date
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import ical, services
from .rules import FIRST_DAY, LAST_DAY


@require_GET
def days_off_ics(request):
    """Holidays, decree transfers and decree days off (not ordinary weekends), and the Saturdays and
    Sundays a decree made working days, from 1 January of last year to 31 December of next year.
    ``?year=YYYY`` gives one year; ``?lang=kk|ru|en`` the language (else the request's)."""
    lang = request.GET.get("lang") or translation.get_language()
    if lang not in services.LANGUAGES:
        return HttpResponseBadRequest("lang must be kk, ru or en\n", content_type="text/plain")
    today = timezone.localdate()
    if "year" in request.GET:
        try:
            year = int(request.GET["year"])
        except ValueError:
            return HttpResponseBadRequest("year must be a number\n", content_type="text/plain")
        if not FIRST_DAY.year <= year <= LAST_DAY.year:
            return HttpResponseBadRequest("year must be within 2000..2100\n", content_type="text/plain")
        first, last = date(year, 1, 1), date(year, 12, 31)
    else:
        first = date(max(today.year - 1, FIRST_DAY.year), 1, 1)
        last = date(min(today.year + 1, LAST_DAY.year), 12, 31)
    with translation.override(lang):
        days = services.days_off(first, last, include_weekends=False) + services.decree_working_days(first, last)
        days.sort(key=lambda info: info.date)
        body = ical.calendar_text(
            days,
            host=urlsplit(settings.PUBLIC_BASE_URL).hostname or "permit-office",
            stamp=timezone.now().astimezone(UTC),
            name=_("Days off (Kazakhstan)"),
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="days-off.ics"'
    response["Cache-Control"] = "public, max-age=3600"
    return response
