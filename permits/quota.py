"""Quota arithmetic (004 §20–21, §12), shared by every permit kind of this app.

Every change of a counter is one conditional ``UPDATE`` (``... WHERE reserved + issued < total``), so it is
atomic without reading first: on PostgreSQL concurrent UPDATEs of the same row wait for the row lock and
re-check the WHERE clause against the committed row (READ COMMITTED), so 200 simultaneous attempts on 50
free units succeed exactly 50 times. The CHECK constraint ``quota_used_within_total`` is the backstop.
Callers run these inside the transaction that creates (or ends) the permit or agreement, so a rollback
gives the unit back.

Releases are idempotent at the caller: the holder row's flag is flipped with a conditional UPDATE first
(``holds_quota_unit=True → False``) and the counter is only decremented when that flip happened.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils.translation import gettext as _

from casework.models import TerritorialUnit

from . import rules
from .models import Quota


def quota_for(unit, day: date, purpose: str = Quota.Purpose.LABOUR_IMMIGRANT) -> Quota | None:
    return (
        Quota.objects.filter(purpose=purpose, unit=unit, period_start__lte=day, period_end__gte=day)
        .order_by("-period_start")
        .first()
    )


def _exhausted(unit, day: date, quota: Quota | None):
    if quota is None:
        detail = _("No quota is allocated to %(unit)s for %(day)s (004 §20).") % {
            "unit": unit,
            "day": f"{day:%d.%m.%Y}",
        }
    else:
        detail = _("The quota of %(unit)s for this period (%(total)s) is used up (004 §20).") % {
            "unit": unit,
            "total": quota.total,
        }
    return rules.violation(rules.QUOTA_EXHAUSTED, detail)


def has_free_unit(unit, day: date, purpose: str = Quota.Purpose.LABOUR_IMMIGRANT, units: int = 1) -> bool:
    quota = quota_for(unit, day, purpose)
    return quota is not None and quota.free >= units


def _take(unit, day: date, counter: str, purpose: str, units: int = 1) -> Quota:
    quota = quota_for(unit, day, purpose)
    if quota is None:
        raise _exhausted(unit, day, None)
    try:
        with transaction.atomic():
            taken = Quota.objects.filter(pk=quota.pk, total__gte=F("reserved") + F("issued") + units).update(
                **{counter: F(counter) + units}
            )
    except IntegrityError:  # the CHECK constraint: only if someone bypassed this module
        taken = 0
    if not taken:
        raise _exhausted(unit, day, quota)
    return quota


def reserve_unit(unit, day: date, purpose: str = Quota.Purpose.LABOUR_IMMIGRANT) -> Quota:
    """004 §12: hold one free unit for an agreement of intent; raises ``quota_exhausted``."""
    return _take(unit, day, "reserved", purpose)


def consume_free_unit(unit, day: date, purpose: str = Quota.Purpose.LABOUR_IMMIGRANT, units: int = 1) -> Quota:
    """004 §20: a permit issued without a live reservation takes a free unit (a foreign-labour permit takes one
    a worker); raises ``quota_exhausted``."""
    return _take(unit, day, "issued", purpose, units)


def consume_reservation(quota_id: int) -> bool:
    """Turn one reserved unit into an issued one (the agreement's permit is issued). False if none reserved."""
    return bool(
        Quota.objects.filter(pk=quota_id, reserved__gt=0).update(reserved=F("reserved") - 1, issued=F("issued") + 1)
    )


def release_reservation(quota_id: int) -> bool:
    return bool(Quota.objects.filter(pk=quota_id, reserved__gt=0).update(reserved=F("reserved") - 1))


def release_issued(quota_id: int, units: int = 1) -> bool:
    """A permit ended (expired, terminated, revoked): its unit(s) are free again."""
    return bool(Quota.objects.filter(pk=quota_id, issued__gte=units).update(issued=F("issued") - units))


def release_issued_many(units_by_quota: dict[int, int]) -> int:
    """``release_issued`` for several quotas in one grouped UPDATE (set-based jobs: a day's expiries);
    ``units_by_quota`` maps quota id -> units freed. A quota without that many issued units is left alone,
    as ``release_issued`` leaves it. Returns how many quotas changed."""
    if not units_by_quota:
        return 0
    freed = Case(*(When(pk=pk, then=Value(units)) for pk, units in units_by_quota.items()), output_field=IntegerField())
    condition = Q()
    for pk, units in units_by_quota.items():
        condition |= Q(pk=pk, issued__gte=units)
    return Quota.objects.filter(condition).update(issued=F("issued") - freed)


# --- import by the authorised body (CSV) ------------------------------------------------------------

CSV_COLUMNS = ("unit_code", "period_start", "period_end", "total")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[dict] = field(default_factory=list)  # {"row": n, "field": ..., "code": ..., "message": ...}

    @property
    def ok(self) -> bool:
        return not self.errors


def _parse_date(value: str) -> date | None:
    value = (value or "").strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            from datetime import datetime

            return datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


def import_quotas(rows, *, basis: str = "", purpose: str = Quota.Purpose.LABOUR_IMMIGRANT) -> ImportResult:
    """Create or update quotas from rows of dicts (``CSV_COLUMNS``). All or nothing: any row error and
    nothing is saved; every error names its row (1 = the first data row), field and code.

    An existing quota (same unit and period start) gets the new total — never below the units already
    reserved or issued (``quota_below_usage``); periods of one unit must not overlap (``period_overlap``).
    """
    result = ImportResult()
    parsed = []
    units = {u.code: u for u in TerritorialUnit.objects.all()}

    def error(row, fieldname, code, message):
        result.errors.append({"row": row, "field": fieldname, "code": code, "message": str(message)})

    for n, row in enumerate(rows, start=1):
        errors_before = len(result.errors)
        missing = [c for c in CSV_COLUMNS if c not in row]
        if missing:
            error(n, ",".join(missing), "missing_column", _("Missing column(s): %(c)s") % {"c": ", ".join(missing)})
            continue
        code = (row["unit_code"] or "").strip()
        unit = units.get(code)
        if unit is None:
            error(n, "unit_code", rules.UNKNOWN_UNIT, _("Unknown KATO code %(c)s.") % {"c": code})
        start, end = _parse_date(row["period_start"]), _parse_date(row["period_end"])
        if start is None:
            error(n, "period_start", "invalid_date", _("Use YYYY-MM-DD."))
        if end is None:
            error(n, "period_end", "invalid_date", _("Use YYYY-MM-DD."))
        if start and end and end < start:
            error(n, "period_end", "period_reversed", _("The period ends before it starts."))
        try:
            total = int(str(row["total"]).strip())
            if total < 0:
                raise ValueError
        except ValueError:
            error(n, "total", "invalid_total", _("The quota is a whole number, 0 or more."))
            total = None
        if len(result.errors) == errors_before:
            parsed.append((n, unit, start, end, total))

    # Overlaps inside the file and against other stored periods of the same unit.
    for i, (n, unit, start, end, _total) in enumerate(parsed):
        for m, other_unit, other_start, other_end, _t in parsed[:i]:
            if other_unit.pk == unit.pk and start <= other_end and other_start <= end:
                error(n, "period_start", "period_overlap", _("Overlaps row %(m)s for the same unit.") % {"m": m})
        clash = Quota.objects.filter(purpose=purpose, unit=unit, period_start__lte=end, period_end__gte=start).exclude(
            period_start=start
        )
        if clash.exists():
            error(n, "period_start", "period_overlap", _("Overlaps a stored quota period of this unit."))

    if result.errors:
        return result
    with transaction.atomic():
        for n, unit, start, end, total in parsed:
            existing = Quota.objects.select_for_update().filter(purpose=purpose, unit=unit, period_start=start).first()
            if existing is None:
                Quota.objects.create(
                    purpose=purpose, unit=unit, period_start=start, period_end=end, total=total, basis=basis
                )
                result.created += 1
                continue
            if total < existing.reserved + existing.issued:
                error(
                    n,
                    "total",
                    "quota_below_usage",
                    _("%(used)s units are already reserved or issued; the quota cannot be lower.")
                    % {"used": existing.reserved + existing.issued},
                )
                continue
            existing.total, existing.period_end = total, end
            if basis:
                existing.basis = basis
            existing.save(update_fields=["total", "period_end", "basis", "updated_at"])
            result.updated += 1
        if result.errors:
            transaction.set_rollback(True)
            result.created = result.updated = 0
    return result


def import_quotas_csv(text: str, *, basis: str = "") -> ImportResult:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    return import_quotas(list(reader), basis=basis)
