"""The head of the office's dashboard: ``/admin/dashboard/`` (+ ``export.csv``, ``export.xlsx``).

Who: the head of the office, the administrator role and superusers (casework.roles: "Head of the office:
… sees the dashboard"); each sees the figures of their unit and the units under it (casework.access).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.access import sees_all_units
from casework.roles import ADMINISTRATOR, HEAD

from . import export, queries, svg

MAX_WEEKS = 106  # two years a page at most: the page stays one screen of SQL


def can_view_dashboard(user) -> bool:
    return bool(
        user
        and user.is_active
        and user.is_staff
        and (sees_all_units(user) or user.groups.filter(name__in=[HEAD, ADMINISTRATOR]).exists())
    )


def _period(request) -> queries.Period:
    today = timezone.localdate()
    default = queries.Period.last_weeks(today)
    try:
        start = dt.date.fromisoformat(request.GET.get("from", "")) if request.GET.get("from") else default.start
        end = dt.date.fromisoformat(request.GET.get("to", "")) if request.GET.get("to") else default.end
    except ValueError:
        return default
    if end < start or (end - start).days > MAX_WEEKS * 7:
        return default
    return queries.Period.covering(start, end)


def _guarded(view):
    def wrapped(request, *args, **kwargs):
        if not can_view_dashboard(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return admin.site.admin_view(wrapped)


def _charts(board: queries.Dashboard) -> dict:
    labels = {"received": _("received"), "decided": _("decided"), "overdue": _("overdue")}
    flow = [
        (
            f,
            svg.grouped_bars(
                f.service,
                f.weeks,
                [(labels[key], key, getattr(f, key)) for key in ("received", "decided", "overdue")],
            ),
        )
        for f in board.flow
    ]
    compliance = svg.stacked_bars(
        _("Step deadline compliance"),
        [
            (f"{c.service}: {c.step}", [(_("in time"), "in_time", c.in_time), (_("late"), "late", c.late)])
            for c in board.compliance
        ],
        label_width=320,
    )
    quotas = svg.stacked_bars(
        _("Quota use per unit"),
        [
            (
                f"{q.unit_code} {q.unit}",
                [
                    (_("issued"), "issued", q.issued),
                    (_("reserved"), "reserved", q.reserved),
                    (_("left"), "left", q.left),
                ],
            )
            for q in board.quotas
        ],
    )
    outcome_labels = queries.outcome_labels()
    complaints = svg.stacked_bars(
        _("Complaints per service and outcome"),
        [(c.service, [(outcome_labels[k], k, v) for k, v in c.counts.items()]) for c in board.complaints],
    )
    return {"flow_charts": flow, "compliance_chart": compliance, "quota_chart": quotas, "complaints_chart": complaints}


def dashboard(request):
    """Received / decided / overdue per service and week, step deadline compliance, quotas, complaints."""
    period = _period(request)
    board = queries.build(request.user, period)
    query = request.GET.urlencode()
    context = {
        **admin.site.each_context(request),
        "title": _("The office's dashboard"),
        "board": board,
        "period": period,
        "tables": board.tables(),
        "outcome_labels": queries.outcome_labels(),
        "csv_url": reverse("casework_dashboard:export-csv") + (f"?{query}" if query else ""),
        "xlsx_url": reverse("casework_dashboard:export-xlsx") + (f"?{query}" if query else ""),
        **_charts(board),
    }
    return TemplateResponse(request, "admin/casework/dashboard.html", context)


def _filename(period: queries.Period, extension: str) -> str:
    return f"office-dashboard-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{extension}"


def export_csv(request):
    period = _period(request)
    body = export.to_csv(queries.build(request.user, period))
    # UTF-8 with a byte-order mark: Excel opens Kazakh and Russian names correctly.
    response = HttpResponse("\ufeff" + body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(period, "csv")}"'
    return response


def export_xlsx(request):
    period = _period(request)
    response = HttpResponse(
        export.to_xlsx(queries.build(request.user, period)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(period, "xlsx")}"'
    return response


dashboard = _guarded(dashboard)
export_csv = _guarded(export_csv)
export_xlsx = _guarded(export_xlsx)
