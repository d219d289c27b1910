"""The scale paths of issue 9 (bench/jobs_scale.py, bench/admin_queue.py) keep the per-row semantics: the
set-based expiry writes the very history row the per-row transition writes, the partial indexes match the
states the code queries, the admin queue's scope by unit ids is the scope by unit path, quota units are
released per quota in one UPDATE, and two certificate expiry jobs at once end each certificate once."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils.translation import gettext

from casework.actors import Actor
from casework.models import TransitionLog
from tests.certificates.conftest import clock, memory_notifications  # noqa: F401 - fixtures
from tests.factories import DistrictFactory, RegionFactory

pytestmark = pytest.mark.django_db
JOB_DAY = dt.date(2026, 6, 1)
AUDIT = ("transition", "from_state", "to_state", "actor_id", "actor_label", "reason", "deadline", "deadline_breached")


def _index(model, name):
    (index,) = [i for i in model._meta.indexes if i.name == name]
    return index


def test_partial_indexes_cover_exactly_the_states_the_queue_and_the_expiry_jobs_query():
    from certificates.models import Certificate, CertificateApplication
    from permits.models import LabourImmigrantPermit, PermitStatus

    (lookup, states) = _index(CertificateApplication, "qc_app_open_queue").condition.children[0]
    assert lookup == "status__in" and sorted(states) == sorted(CertificateApplication.OPEN_STATES)
    assert _index(Certificate, "qc_cert_active_valid_to").condition.children == [("status", Certificate.Status.ACTIVE)]
    assert _index(LabourImmigrantPermit, "lip_active_valid_to").condition.children == [("status", PermitStatus.ACTIVE)]


@pytest.mark.usefixtures("clock")
def test_bulk_certificate_expiry_writes_the_history_row_the_per_row_expiry_writes_003_s23():
    from certificates import services
    from certificates.models import Certificate
    from tests.certificates.factories import issued_certificate

    unit = RegionFactory()
    one, other = (issued_certificate(unit)[1] for _ in range(2))
    Certificate.objects.filter(pk__in=[one.pk, other.pk]).update(valid_to=JOB_DAY - dt.timedelta(days=1))
    assert services.expire_certificate(one, today=JOB_DAY)  # per row: run through the FSM + record_history
    assert services.expire_due_certificates(today=JOB_DAY) == 1  # set-based: the other one
    per_row = TransitionLog.objects.get(case_number=one.number, transition="expire")
    bulk = TransitionLog.objects.get(case_number=other.number, transition="expire")
    assert [getattr(bulk, f) for f in AUDIT] == [getattr(per_row, f) for f in AUDIT]
    assert (bulk.case_type_id, bulk.case_id, bulk.details) == (per_row.case_type_id, other.pk, per_row.details)
    fresh_one, fresh_other = Certificate.objects.get(pk=one.pk), Certificate.objects.get(pk=other.pk)
    assert (fresh_other.status, fresh_other.ended_on, fresh_other.end_reason, fresh_other.version) == (
        fresh_one.status,
        fresh_one.ended_on,
        fresh_one.end_reason,
        fresh_one.version,
    )


def test_bulk_permit_expiry_writes_the_history_row_the_per_row_end_writes_004():
    from permits import services
    from permits.models import LabourImmigrantPermit, Quota
    from tests.reliability.test_expiry_jobs import make_permits

    (one, other), quota = make_permits(2, valid_to=JOB_DAY - dt.timedelta(days=1))
    reason = gettext("The term ended on %(d)s.") % {"d": "31.05.2026"}  # what the job writes, translated
    services._end_permit(one.pk, "expire", actor=Actor.job("expire_permits"), ended_on=one.valid_to, reason=reason)
    assert services.expire_permits(today=JOB_DAY) == 1
    per_row = TransitionLog.objects.get(case_number=one.number, transition="expire")
    bulk = TransitionLog.objects.get(case_number=other.number, transition="expire")
    assert [getattr(bulk, f) for f in AUDIT] == [getattr(per_row, f) for f in AUDIT]
    assert bulk.details == per_row.details
    fresh_one, fresh_other = (
        LabourImmigrantPermit.objects.get(pk=one.pk),
        LabourImmigrantPermit.objects.get(pk=other.pk),
    )
    assert (fresh_other.status, fresh_other.ended_on, fresh_other.version, fresh_other.holds_quota_unit) == (
        fresh_one.status,
        fresh_one.ended_on,
        fresh_one.version,
        fresh_one.holds_quota_unit,
    )
    assert Quota.objects.get(pk=quota.pk).issued == 0


def test_quota_units_are_released_per_quota_in_one_update_and_never_below_zero_004_s21(
    django_assert_num_queries,
):
    from permits import quota as quotas
    from permits.models import Quota

    period = {"period_start": dt.date(2026, 1, 1), "period_end": dt.date(2026, 12, 31), "total": 100}
    a, b, c = (Quota.objects.create(unit=RegionFactory(), **period) for _ in range(3))
    Quota.objects.filter(pk__in=[a.pk, b.pk]).update(issued=5)
    Quota.objects.filter(pk=c.pk).update(issued=1)
    with django_assert_num_queries(1):
        changed = quotas.release_issued_many({a.pk: 2, b.pk: 5, c.pk: 3})  # c holds fewer than 3: left alone
    assert changed == 2
    assert dict(Quota.objects.values_list("pk", "issued")) == {a.pk: 3, b.pk: 0, c.pk: 1}
    assert quotas.release_issued_many({}) == 0


def test_admin_queue_scope_by_unit_ids_is_the_scope_by_unit_path():
    from django.utils import timezone

    from casework.access import scope_to_unit
    from casework.models import Channel
    from tests.caseapp.models import DemoCase
    from tests.factories import ClerkFactory, PersonFactory

    def make_case(unit):
        return DemoCase.objects.create(
            number=f"DC-2026-{DemoCase.objects.count() + 1:06d}",
            kind="issue",
            channel=Channel.OFFICE,
            regulation_version="test",
            unit=unit,
            received_at=timezone.now(),
            applicant=PersonFactory(),
        )

    district = DistrictFactory()
    sibling = DistrictFactory(parent=district.parent)
    elsewhere = DistrictFactory()
    for unit in (district, sibling, district.parent, elsewhere):
        make_case(unit=unit)
    for clerk_unit in (district, district.parent, elsewhere):
        clerk = ClerkFactory(unit=clerk_unit)
        by_path = set(scope_to_unit(DemoCase.objects.all(), clerk).values_list("pk", flat=True))
        by_ids = set(scope_to_unit(DemoCase.objects.all(), clerk, by_unit_ids=True).values_list("pk", flat=True))
        assert by_ids == by_path and by_path
    assert len(set(scope_to_unit(DemoCase.objects.all(), ClerkFactory(unit=district.parent)).values_list("pk"))) == 3


@pytest.mark.postgres
def test_expiry_and_queue_queries_can_use_their_partial_indexes():
    """The partial indexes' conditions are implied by the queries (the planner may use them); forced here
    because a test database is too small for the planner to prefer an index on its own."""
    from certificates.models import Certificate, CertificateApplication

    queries = {
        "qc_cert_active_valid_to": Certificate.objects.filter(status="active", valid_to__lt=JOB_DAY).order_by(
            "valid_to"
        )[:10],
        "qc_app_open_queue": CertificateApplication.objects.filter(
            status__in=CertificateApplication.OPEN_STATES, unit_id__in=[1, 2]
        ).order_by("step_deadline", "received_at", "-id")[:100],
    }
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        for name, queryset in queries.items():
            sql, params = queryset.query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert name in plan, plan


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("clock")
def test_two_set_based_certificate_expiry_jobs_at_once_end_each_certificate_once_003_s23():
    from certificates import tasks
    from certificates.models import Certificate
    from tests.certificates.factories import issued_certificate
    from tests.reliability.test_races import race

    unit = RegionFactory()
    certificates = [issued_certificate(unit)[1] for _ in range(7)]
    Certificate.objects.filter(pk__in=[c.pk for c in certificates]).update(valid_to=dt.date(2026, 3, 1))
    results = race(2, lambda: tasks.expire_certificates(batch=3))  # today = the clock's 19.03.2026
    assert sum(results) == 7
    assert set(Certificate.objects.values_list("status", flat=True)) == {"expired"}
    case_type = ContentType.objects.get_for_model(Certificate)
    for certificate in certificates:
        assert (
            TransitionLog.objects.filter(case_type=case_type, case_id=certificate.pk, transition="expire").count() == 1
        )
