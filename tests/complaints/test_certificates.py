"""Complaints about a qualification-certificate application (seed 003): party check and reopening a refusal."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from casework.actors import Actor
from casework.exceptions import NotPermitted
from casework.models import Channel, TransitionLog
from certificates import rules as cert_rules
from certificates import services as cert_services
from complaints import reopening, rules, services
from tests.certificates import factories
from tests.factories import DistrictFactory

JOB = Actor.job("test")
APPLICANT = {"surname": "Karimov", "given_name": "Aziz", "birth_date": "1990-04-02", "passport_number": "FA1234567"}


@pytest.fixture(autouse=True)
def certificates_in_registry(monkeypatch):
    from casework import registry
    from certificates.models import CertificateApplication

    monkeypatch.setitem(registry._SERVICES, "QC", registry.ServiceEntry(prefix="QC", model=CertificateApplication))


@pytest.fixture
def refused(db):
    unit = DistrictFactory()
    application, _code = factories.submit_issue(unit)
    cert_services.register_application(application, actor=JOB)
    cert_services.refer_to_commission(application, actor=JOB)
    cert_services.record_protocol(
        application,
        actor=JOB,
        members_present=[factories.CommissionMemberFactory(unit=unit)],
        confirmed_education=application.declared_education_kinds(),
        confirmed_experience_years=application.experience_years,
        recommendation="refuse",
        recommended_ground=cert_rules.UNRELIABLE_DOCUMENTS,
        motivation="The diploma could not be verified",
    )
    return cert_services.refuse_application(
        application, actor=JOB, ground=cert_rules.UNRELIABLE_DOCUMENTS, motivation="The diploma could not be verified"
    )


def history(case) -> list[str]:
    rows = TransitionLog.objects.filter(case_type=ContentType.objects.get_for_model(case), case_id=case.pk)
    return list(rows.order_by("at", "id").values_list("transition", flat=True))


def complain(application, **overrides):
    data = {
        "application_number": application.number,
        "subject": rules.DECISION,
        "addressee": rules.PROVIDER,
        "complainant": APPLICANT,
        "text": "My diploma is genuine.",
        **overrides,
    }
    return services.file_complaint(data, channel=Channel.PORTAL, actor=JOB)


def test_complaint_about_a_refused_certificate_by_someone_else_is_refused_not_a_party(refused):
    assert refused.status == "refused"
    with pytest.raises(NotPermitted) as err:
        complain(refused, complainant={**APPLICANT, "passport_number": "ZZ0000001"})
    assert err.value.code == "not_a_party"


def test_granted_complaint_reopens_the_refused_certificate_application_with_its_history_and_new_deadlines_003_s24(
    refused,
):
    assert reopening.can_reopen(refused)
    complaint = complain(refused)
    services.forward(complaint, actor=JOB, reviewing_body="Akim's office")
    services.start_review(complaint, actor=JOB)
    before = history(refused)
    complaint = services.grant(
        complaint,
        actor=JOB,
        extent=rules.FULL,
        reopen=True,
        corrective_action="Refusal reversed; the application is decided anew",
    )
    application = type(refused).objects.get(pk=refused.pk)
    assert application.status == "registered" and application.step_name == "referral"
    assert history(application)[: len(before)] == before and history(application)[-1] == "reopen"
    assert application.step_deadline > timezone.localdate()  # 2 working days from the reopening day (003 §7)
    assert application.due_date > application.step_deadline and not application.refusal_ground
    assert complaint.corrective_number == application.number
