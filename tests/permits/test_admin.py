"""Clerk screens: the application queue with transition buttons through the services, the quota with its
counters and CSV import, permits with revoke / terminate, revocations with their delivery status."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from permits import services
from permits.models import LabourImmigrantPermit, Quota, Revocation
from tests.factories import ClerkFactory

from .conftest import application_input, get_app

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_client(client, unit):
    user = ClerkFactory(unit=unit, roles=["registrar", "officer", "head"])
    client.force_login(user)
    return client


def test_application_queue_and_issue_button_go_through_the_services(clerk_client, unit, quota, job):
    app, _code = services.register_application(application_input(unit), actor=job)
    assert clerk_client.get(reverse("admin:permits_labourimmigrantpermitapplication_changelist")).status_code == 200
    change = clerk_client.get(reverse("admin:permits_labourimmigrantpermitapplication_change", args=[app.pk]))
    assert change.status_code == 200
    url = reverse("admin:permits_labourimmigrantpermitapplication_transition", args=[app.pk, "record_police_check"])
    response = clerk_client.post(url, {"version": app.version, "result": "positive", "reference": "MP-1"})
    assert response.status_code == 302
    app = get_app(app.pk)
    url = reverse("admin:permits_labourimmigrantpermitapplication_transition", args=[app.pk, "issue"])
    assert clerk_client.post(url, {"version": app.version}).status_code == 302
    app = get_app(app.pk)
    assert app.status == "issued"
    assert Quota.objects.get(pk=quota.pk).issued == 1


def test_refusal_in_the_admin_needs_a_ground_g1_to_g9(clerk_client, unit, quota, job):
    app, _code = services.register_application(application_input(unit), actor=job)
    url = reverse("admin:permits_labourimmigrantpermitapplication_transition", args=[app.pk, "refuse"])
    assert clerk_client.post(url, {"version": app.version, "ground": "G4", "reason": "citizenship"}).status_code == 302
    assert (get_app(app.pk).status, get_app(app.pk).refusal_ground) == ("refused", "G4")


def test_quota_admin_shows_total_reserved_issued_and_free(admin_client, unit, quota):
    Quota.objects.filter(pk=quota.pk).update(reserved=3, issued=7)
    page = admin_client.get(reverse("admin:permits_quota_changelist")).content.decode()
    assert ">50<" in page and ">3<" in page and ">7<" in page and ">40<" in page


def test_quota_csv_import_page_lists_row_errors_and_saves_nothing(admin_client, unit):
    csv = f"unit_code,period_start,period_end,total\n{unit.code},2026-01-01,2026-12-31,5\nnope,2026-01-01,x,1\n"
    response = admin_client.post(
        reverse("admin:permits_quota_import"), {"file": SimpleUploadedFile("q.csv", csv.encode()), "basis": "order 1"}
    )
    assert response.status_code == 200
    assert "unknown_unit" in response.content.decode()
    assert not Quota.objects.exists()
    csv = f"unit_code,period_start,period_end,total\n{unit.code},2026-01-01,2026-12-31,5\n"
    response = admin_client.post(
        reverse("admin:permits_quota_import"), {"file": SimpleUploadedFile("q.csv", csv.encode()), "basis": "order 1"}
    )
    assert response.status_code == 302
    assert Quota.objects.get().total == 5


def test_clerk_revokes_a_permit_on_the_control_bodys_act_004_s36(clerk_client, unit, quota, issued_permit):
    permit = issued_permit(6)
    url = reverse("admin:permits_permit_revoke", args=[permit.pk])
    assert clerk_client.get(url).status_code == 200
    response = clerk_client.post(
        url,
        {
            "act_number": "12",
            "act_date": "2026-03-02",
            "act_body": "State labour inspection",
            "ground": "non_household_work",
            "police_body": "DP Mangystau",
        },
    )
    assert response.status_code == 302
    rev = Revocation.objects.get()
    assert LabourImmigrantPermit.objects.get(pk=permit.pk).status == "revoked"
    page = clerk_client.get(reverse("admin:permits_revocation_changelist")).content.decode()
    assert rev.number in page and "pending" in page.lower()


def test_clerk_records_a_paper_termination_notice_004_s28(clerk_client, unit, quota, issued_permit):
    permit = issued_permit(6)
    url = reverse("admin:permits_permit_terminate", args=[permit.pk])
    response = clerk_client.post(url, {"contract_ended_on": dt.date.today().isoformat()})
    assert response.status_code == 302
    assert LabourImmigrantPermit.objects.get(pk=permit.pk).status == "terminated"


def test_clerk_of_another_unit_does_not_see_the_application(client, unit, quota, job):
    app, _code = services.register_application(application_input(unit), actor=job)
    client.force_login(ClerkFactory(roles=["officer"]))
    url = reverse("admin:permits_labourimmigrantpermitapplication_change", args=[app.pk])
    assert client.get(url).status_code in (302, 404)
