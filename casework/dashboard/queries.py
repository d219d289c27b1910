"""The dashboard's figures. Each is a GROUP BY in the database (one query per service at most); Python only
relabels the aggregated rows. Everything is scoped to the clerk's territorial unit (casework.access).

Definitions (shown on the dashboard too):

* received — cases whose ``received_at`` falls in the ISO week (office time zone);
* decided — cases that left the service's open states in that week (a decision, a refusal to accept,
  or the end of the procedure), counted once per case and week, from the append-only history;
* overdue — open cases, clock running, whose current step deadline has passed, by the week of that deadline;
* step deadline compliance — status changes made while a step deadline applied, per service and step
  (the state the step ended), and the share of them made in time (``TransitionLog.deadline_breached``);
* quota use — quotas in force on the day, per unit: total, reserved, issued, left;
* complaints — per challenged service and outcome (pending, granted in full / in part, rejected).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from casework.access import clerk_unit, sees_all_units
from casework.deadlines import case_models
from casework.models import TransitionLog

WEEKS_SHOWN = 12


@dataclass(frozen=True)
class Period:
    start: dt.date  # a Monday
    end: dt.date  # inclusive

    @classmethod
    def last_weeks(cls, today: dt.date, weeks: int = WEEKS_SHOWN) -> Period:
        monday = today - dt.timedelta(days=today.weekday())  # a report window, not a legal term
        return cls(monday - dt.timedelta(weeks=weeks - 1), today)

    @classmethod
    def covering(cls, start: dt.date, end: dt.date) -> Period:
        return cls(start - dt.timedelta(days=start.weekday()), end)

    def weeks(self) -> list[dt.date]:
        mondays, monday = [], self.start
        while monday <= self.end:
            mondays.append(monday)
            monday += dt.timedelta(weeks=1)
        return mondays


def iso_week(monday: dt.date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


class Scope:
    """casework.access's rule (the clerk's unit and the units under it; every unit for the administrator),
    resolved once per page instead of once per query."""

    def __init__(self, user):
        self.all_units = sees_all_units(user)
        active_staff = bool(user and user.is_active and user.is_staff)
        self.unit = None if self.all_units or not active_staff else clerk_unit(user)

    def __call__(self, queryset, unit_field: str = "unit"):
        if self.all_units:
            return queryset
        if self.unit is None:
            return queryset.none()
        return queryset.filter(**{f"{unit_field}__path__startswith": self.unit.path})


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def services() -> list:
    """The case models that have open states (every service of the office), in a stable order."""
    return sorted((m for m in case_models() if getattr(m, "OPEN_STATES", ())), key=lambda m: m._meta.label_lower)


def service_label(model) -> str:
    return str(model._meta.verbose_name_plural).capitalize()


def _state_label(model, state: str) -> str:
    field_name = getattr(model, "STATE_FIELD", "status")
    choices = dict(model._meta.get_field(field_name).flatchoices)
    return str(choices.get(state, state))


# --- cases received / decided / overdue per service and week ---------------------------------------


@dataclass
class WeeklyFlow:
    service: str
    key: str
    weeks: list[str]
    received: list[int]
    decided: list[int]
    overdue: list[int]
    overdue_total: int = 0  # every overdue case now, whatever the week of its deadline

    @property
    def rows(self) -> list[tuple[str, int, int, int]]:
        return list(zip(self.weeks, self.received, self.decided, self.overdue, strict=True))

    def totals(self) -> dict[str, int]:
        return {"received": sum(self.received), "decided": sum(self.decided), "overdue": self.overdue_total}


def weekly_flow(scope: Scope, period: Period, today: dt.date | None = None) -> list[WeeklyFlow]:
    today = today or timezone.localdate()
    mondays = period.weeks()
    index = {monday: i for i, monday in enumerate(mondays)}
    flows = []
    for model in services():
        state_field = getattr(model, "STATE_FIELD", "status")
        open_states = list(model.OPEN_STATES)
        cases = scope(model.objects.all())

        received = [0] * len(mondays)
        rows = (
            cases.filter(received_at__date__gte=period.start, received_at__date__lte=period.end)
            .annotate(week=TruncWeek("received_at"))
            .values("week")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            received[index[_as_date(row["week"])]] = row["n"]

        decided = [0] * len(mondays)
        rows = (
            TransitionLog.objects.filter(
                case_type=ContentType.objects.get_for_model(model),
                case_id__in=cases.values("pk"),
                from_state__in=open_states,
                at__date__gte=period.start,
                at__date__lte=period.end,
            )
            .exclude(to_state__in=open_states)
            .annotate(week=TruncWeek("at"))
            .values("week")
            .annotate(n=Count("case_id", distinct=True))
            .order_by()
        )
        for row in rows:
            decided[index[_as_date(row["week"])]] = row["n"]

        overdue_cases = cases.filter(
            **{f"{state_field}__in": open_states}, step_deadline__lt=today, suspended_since__isnull=True
        )
        overdue = [0] * len(mondays)
        rows = (
            overdue_cases.filter(step_deadline__gte=period.start, step_deadline__lte=period.end)
            .annotate(week=TruncWeek("step_deadline"))
            .values("week")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            overdue[index[_as_date(row["week"])]] = row["n"]

        flows.append(
            WeeklyFlow(
                service=service_label(model),
                key=model._meta.label_lower,
                weeks=[iso_week(m) for m in mondays],
                received=received,
                decided=decided,
                overdue=overdue,
                overdue_total=overdue_cases.count(),
            )
        )
    return flows


# --- step deadline compliance -----------------------------------------------------------------------


@dataclass
class StepCompliance:
    service: str
    step: str
    state: str
    transitions: int
    in_time: int

    @property
    def late(self) -> int:
        return self.transitions - self.in_time

    @property
    def share(self) -> float:
        return self.in_time / self.transitions if self.transitions else 1.0


def step_compliance(scope: Scope, period: Period) -> list[StepCompliance]:
    results = []
    for model in services():
        cases = scope(model.objects.all())
        rows = (
            TransitionLog.objects.filter(
                case_type=ContentType.objects.get_for_model(model),
                case_id__in=cases.values("pk"),
                deadline__isnull=False,
                at__date__gte=period.start,
                at__date__lte=period.end,
            )
            .exclude(from_state=F("to_state"))  # deadline recomputations are not steps done
            .values("from_state")
            .annotate(total=Count("pk"), late=Count("pk", filter=Q(deadline_breached=True)))
            .order_by("from_state")
        )
        for row in rows:
            results.append(
                StepCompliance(
                    service=service_label(model),
                    step=_state_label(model, row["from_state"]),
                    state=row["from_state"],
                    transitions=row["total"],
                    in_time=row["total"] - row["late"],
                )
            )
    return results


# --- quota use per unit -----------------------------------------------------------------------------


@dataclass
class QuotaUse:
    unit_code: str
    unit: str
    total: int
    reserved: int
    issued: int

    @property
    def left(self) -> int:
        return self.total - self.reserved - self.issued


def quota_use(scope: Scope, on: dt.date | None = None) -> list[QuotaUse]:
    from permits.models import Quota

    on = on or timezone.localdate()
    rows = (
        scope(Quota.objects.all())
        .filter(period_start__lte=on, period_end__gte=on)
        .values("unit__code", "unit__name_ru", "unit__path")
        .annotate(total=Sum("total"), reserved=Sum("reserved"), issued=Sum("issued"))
        .order_by("unit__path")
    )
    return [
        QuotaUse(r["unit__code"], r["unit__name_ru"], r["total"] or 0, r["reserved"] or 0, r["issued"] or 0)
        for r in rows
    ]


# --- complaints per service and outcome ------------------------------------------------------------

PENDING, GRANTED_FULL, GRANTED_PART, REJECTED = "pending", "granted_full", "granted_part", "rejected"


def outcome_labels() -> dict[str, str]:
    return {
        # A context of their own: "pending" / "rejected" mean other things elsewhere in casework.
        PENDING: pgettext("complaint outcome", "pending"),
        GRANTED_FULL: pgettext("complaint outcome", "granted in full"),
        GRANTED_PART: pgettext("complaint outcome", "granted in part"),
        REJECTED: pgettext("complaint outcome", "rejected"),
    }


@dataclass
class ComplaintOutcomes:
    service: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def complaints(scope: Scope, period: Period) -> list[ComplaintOutcomes]:
    from complaints import rules
    from complaints.models import Complaint

    rows = (
        scope(Complaint.objects.all())
        .filter(received_at__date__gte=period.start, received_at__date__lte=period.end)
        .values("challenged_type", "status", "extent")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_service: dict[int, ComplaintOutcomes] = {}
    for row in rows:
        if row["status"] in Complaint.OPEN_STATES:
            outcome = PENDING
        elif row["status"] == Complaint.Status.REJECTED:
            outcome = REJECTED
        else:
            outcome = GRANTED_PART if row["extent"] == rules.PARTIAL else GRANTED_FULL
        entry = by_service.get(row["challenged_type"])
        if entry is None:
            model = ContentType.objects.get_for_id(row["challenged_type"]).model_class()
            entry = by_service[row["challenged_type"]] = ComplaintOutcomes(
                service_label(model) if model else str(row["challenged_type"]),
                {key: 0 for key in outcome_labels()},
            )
        entry.counts[outcome] += row["n"]
    return sorted(by_service.values(), key=lambda e: e.service)


# --- everything, as tables (the page and the exports read the same) ---------------------------------


@dataclass
class Dashboard:
    period: Period
    flow: list[WeeklyFlow]
    compliance: list[StepCompliance]
    quotas: list[QuotaUse]
    complaints: list[ComplaintOutcomes]

    def tables(self) -> list[tuple[str, list[str], list[list]]]:
        """(title, header, rows) for each figure, in the order the page shows them."""
        flow_rows = [
            [f.service, week, f.received[i], f.decided[i], f.overdue[i]]
            for f in self.flow
            for i, week in enumerate(f.weeks)
        ]
        labels = outcome_labels()
        return [
            (
                _("Cases per service and week"),
                [_("service"), _("ISO week"), _("received"), _("decided"), _("overdue")],
                flow_rows,
            ),
            (
                _("Overdue now"),
                [_("service"), _("overdue cases")],
                [[f.service, f.overdue_total] for f in self.flow],
            ),
            (
                _("Step deadline compliance"),
                [_("service"), _("step"), _("status changes"), _("in time"), _("late"), _("share in time, %")],
                [
                    [c.service, c.step, c.transitions, c.in_time, c.late, round(c.share * 100, 1)]
                    for c in self.compliance
                ],
            ),
            (
                _("Quota use per unit"),
                [_("KATO code"), _("unit"), _("quota"), _("reserved"), _("issued"), _("left")],
                [[q.unit_code, q.unit, q.total, q.reserved, q.issued, q.left] for q in self.quotas],
            ),
            (
                _("Complaints per service and outcome"),
                [_("service"), *labels.values(), _("total")],
                [[c.service, *(c.counts[k] for k in labels), c.total] for c in self.complaints],
            ),
        ]


def build(user, period: Period, today: dt.date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    scope = Scope(user)
    return Dashboard(
        period=period,
        flow=weekly_flow(scope, period, today),
        compliance=step_compliance(scope, period),
        quotas=quota_use(scope, today),
        complaints=complaints(scope, period),
    )
