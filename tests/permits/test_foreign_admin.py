"""Clerk screens of foreign-labour permits (000 §7): the queue and its buttons through the services, the
Commission meeting's agenda and protocol, the fee at the office and its confirmation, the journal and its
print view; what is done elsewhere has no button; unit scoping."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from permits.foreign_labour import services as flp
from permits.foreign_labour.models import CommissionMeeting, FeePayment, FLPStatus, ServiceJournalEntry
from tests.factories import ClerkFactory, RegionFactory
from tests.samples import PDF

from .test_foreign_support import *  # noqa: F403  fixtures: region, members, job
from .test_foreign_support import application_input, at, get_app

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_client(client, region):
    user = ClerkFactory(unit=region, roles=["registrar", "officer", "commission_secretary", "head"])
    client.force_login(user)
    return client


def app_url(app, name=None):
    if name:
        return reverse("admin:permits_foreignlabourpermitapplication_transition", args=[app.pk, name])
    return reverse("admin:permits_foreignlabourpermitapplication_change", args=[app.pk])


def test_an_ordinary_issue_through_the_clerk_screens(clerk_client, region, members, job):
    app, _code = flp.submit_foreign_labour_application(application_input(region, received=at(2026, 3, 2)), actor=job)
    assert clerk_client.get(reverse("admin:permits_foreignlabourpermitapplication_changelist")).status_code == 200
    page = clerk_client.get(app_url(app)).content.decode()
    assert 'data-transition="refer_to_commission"' in page and 'data-transition="lapse"' not in page
    assert clerk_client.post(app_url(app, "refer_to_commission"), {"version": app.version}).status_code == 302
    assert get_app(app.pk).status == FLPStatus.REFERRED
    assert clerk_client.post(app_url(app, "commission_approves"), {"version": 2}).status_code == 403

    assert clerk_client.get(reverse("admin:permits_commissionmeeting_add")).status_code == 200
    add = clerk_client.post(
        reverse("admin:permits_commissionmeeting_add"), {"unit": region.pk, "held_on": "2026-03-05", "place": "Aktau"}
    )
    assert add.status_code == 302
    meeting = CommissionMeeting.objects.get()
    assert meeting.number.startswith("FLPC-2026-")
    agenda = reverse("admin:permits_commissionmeeting_agenda", args=[meeting.pk])
    assert clerk_client.post(agenda, {"applications": [app.pk]}).status_code == 302
    protocol = reverse("admin:permits_commissionmeeting_protocol", args=[meeting.pk])
    assert clerk_client.get(protocol).status_code == 200
    data = {
        "members_present": [m.pk for m in members],
        f"item{app.pk}-decision": "approve",
        f"item{app.pk}-reasons": "ok",
    }
    assert clerk_client.post(protocol, data).status_code == 302
    app = get_app(app.pk)
    assert app.status == FLPStatus.APPROVED

    assert clerk_client.post(app_url(app, "send_letter"), {"version": app.version}).status_code == 302
    app = get_app(app.pk)
    fee = reverse("admin:permits_foreignlabourpermitapplication_fee", args=[app.pk])
    upload = {"document": SimpleUploadedFile("payment.pdf", PDF), "amount": "13800", "payment_reference": "K-1"}
    assert clerk_client.post(fee, upload).status_code == 302
    payment = FeePayment.objects.get()
    changelist = reverse("admin:permits_feepayment_changelist")
    clerk_client.post(changelist, {"action": "confirm", "_selected_action": [payment.pk]})
    app = get_app(app.pk)
    assert app.status == FLPStatus.AWAITING_SIGNATURE

    assert clerk_client.post(app_url(app, "sign"), {"version": app.version}).status_code == 302
    app = get_app(app.pk)
    issue = {"version": app.version, "collected_by": "Aliyev Marat", "collector_document": "ID 1", "signed": "on"}
    assert clerk_client.post(app_url(app, "issue"), issue).status_code == 302
    assert get_app(app.pk).status == FLPStatus.ISSUED
    entry = ServiceJournalEntry.objects.get()
    printed = clerk_client.get(reverse("admin:permits_servicejournalentry_print") + "?from=2000-01-01").content.decode()
    assert entry.number in printed and "Aliyev Marat" in printed


def test_refusal_in_the_admin_needs_reasons(clerk_client, region, job):
    app, _code = flp.submit_foreign_labour_application(application_input(region, received=at(2026, 3, 2)), actor=job)
    assert clerk_client.post(app_url(app, "refuse"), {"version": app.version, "reason": ""}).status_code == 200
    assert clerk_client.post(app_url(app, "refuse"), {"version": app.version, "reason": "forged"}).status_code == 302
    assert get_app(app.pk).refusal_reason == "forged"


def test_a_clerk_of_another_region_sees_nothing(client, region, job):
    app, _code = flp.submit_foreign_labour_application(application_input(region, received=at(2026, 3, 2)), actor=job)
    client.force_login(ClerkFactory(unit=RegionFactory(), roles=["registrar", "officer"]))
    assert client.get(app_url(app)).status_code == 302  # not found in the clerk's queue → back to the list
    listing = client.get(reverse("admin:permits_foreignlabourpermitapplication_changelist")).content.decode()
    assert app.number not in listing
