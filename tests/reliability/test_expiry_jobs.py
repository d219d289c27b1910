"""The set-based expiry jobs (bench/jobs_scale.py made them set-based) keep the per-row semantics:
status, end date, version, one history row each by the job with the same reason, documents marked
expired, webhooks through the outbox, quota units released once, nothing on a second run."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from casework.models import Channel, OutboxMessage, TransitionLog, WebhookSubscription
from casework.models.issued import DocumentKind, DocumentStatus, IssuedDocument
from tests.certificates.conftest import clock, memory_notifications  # noqa: F401 - fixtures
from tests.factories import OrganisationFactory, PersonFactory, RegionFactory

pytestmark = pytest.mark.django_db
JOB_DAY = dt.date(2026, 6, 1)


def make_permits(count: int, valid_to: dt.date, start: int = 1):
    from permits.models import LabourImmigrantPermit, LabourImmigrantPermitApplication, Quota

    unit = RegionFactory()
    quota = Quota.objects.create(
        unit=unit, period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31), total=100
    )
    Quota.objects.filter(pk=quota.pk).update(issued=count)
    employer = OrganisationFactory()
    permits = []
    for n in range(count):
        person = PersonFactory()
        application = LabourImmigrantPermitApplication.objects.create(
            number=f"LIP-2026-{n + start:06d}",
            kind="issue",
            channel=Channel.OFFICE,
            regulation_version="test",
            unit=unit,
            received_at=timezone.now(),
            applicant=person,
            employer=employer,
        )
        permits.append(
            LabourImmigrantPermit.objects.create(
                number=f"LIPM-2026-{n + start:06d}",
                unit=unit,
                holder=person,
                employer=employer,
                application=application,
                months=3,
                chain_months=3,
                valid_from=valid_to - dt.timedelta(days=90),
                valid_to=valid_to,
                issued_on=valid_to - dt.timedelta(days=90),
                quota=quota,
                holds_quota_unit=True,
            )
        )
    return permits, quota


def fake_document(case, kind, number):
    return IssuedDocument.objects.create(
        number=number,
        kind=kind,
        case_type=ContentType.objects.get_for_model(case),
        case_id=case.pk,
        case_number=case.number,
        case_version=1,
        language="ru",
        file="x.pdf",
        sha256="0" * 64,
        size=1,
        title="t",
        issued_on=JOB_DAY,
        status=DocumentStatus.VALID,
    )


def test_permit_expiry_ends_each_permit_with_history_webhook_document_and_unit_004():
    from casework.models import ApiClient
    from permits import services
    from permits.models import LabourImmigrantPermit, Quota

    client, _ = ApiClient.issue("portal-hooks", ["applications:read"])
    WebhookSubscription.objects.create(client=client, url="http://127.0.0.1:9/hook", events=["*"])
    permits, quota = make_permits(5, valid_to=JOB_DAY - dt.timedelta(days=1))
    (later,), _ = make_permits(1, valid_to=JOB_DAY, start=100)  # last valid day is today: stays
    document = fake_document(permits[0], DocumentKind.PERMIT, "LIPM-2026-000001")

    assert services.expire_permits(today=JOB_DAY, batch=2) == 5
    for permit in permits:
        fresh = LabourImmigrantPermit.objects.get(pk=permit.pk)
        assert (fresh.status, fresh.ended_on, fresh.version, fresh.holds_quota_unit) == (
            "expired",
            permit.valid_to,
            2,
            False,
        )
        (row,) = TransitionLog.objects.filter(case_number=permit.number)
        assert (row.transition, row.from_state, row.to_state) == ("expire", "active", "expired")
        assert row.actor_id is None and "expire_permits" in row.actor_label
        assert "31.05.2026" in row.reason
    assert Quota.objects.get(pk=quota.pk).issued == 0
    assert LabourImmigrantPermit.objects.get(pk=later.pk).status == "active"
    assert IssuedDocument.objects.get(pk=document.pk).status == DocumentStatus.EXPIRED
    events = OutboxMessage.objects.filter(event="application.status_changed")
    assert sorted(m.payload["number"] for m in events) == sorted(p.number for p in permits)
    assert {m.payload["status"] for m in events} == {"expired"}
    # idempotent: a second run finds nothing, writes nothing
    assert services.expire_permits(today=JOB_DAY) == 0
    assert TransitionLog.objects.filter(transition="expire").count() == 5


@pytest.mark.usefixtures("clock")
def test_certificate_expiry_ends_each_certificate_with_history_and_documents_003_s23():
    from certificates import services
    from certificates.models import Certificate
    from tests.certificates.factories import issued_certificate

    unit = RegionFactory()
    certificates = [issued_certificate(unit)[1] for _ in range(3)]
    Certificate.objects.filter(pk__in=[c.pk for c in certificates]).update(valid_to=JOB_DAY - dt.timedelta(days=1))
    document = fake_document(certificates[0], DocumentKind.CERTIFICATE, "QCC-DOC-1")
    assert services.expire_due_certificates(today=JOB_DAY, batch=2) == 2
    assert services.expire_due_certificates(today=JOB_DAY, batch=2) == 1
    assert services.expire_due_certificates(today=JOB_DAY, batch=2) == 0
    for certificate in certificates:
        fresh = Certificate.objects.get(pk=certificate.pk)
        assert fresh.status == "expired" and fresh.ended_on == JOB_DAY - dt.timedelta(days=1)
        assert fresh.version == certificate.version + 1 and fresh.end_reason
        (row,) = TransitionLog.objects.filter(case_number=certificate.number, transition="expire")
        assert (row.from_state, row.to_state, row.actor_id) == ("active", "expired", None)
        assert "31.05.2026" in row.reason
    assert IssuedDocument.objects.get(pk=document.pk).status == DocumentStatus.EXPIRED
