"""Clerk screens: the complaints queue by due date, the challenged case on the complaint's page, actions."""

import pytest
from django.contrib.auth.models import Group, Permission

from casework.roles import OFFICER, REGISTRAR
from complaints import rules
from complaints.models import Complaint
from tests.caseapp.models import DemoCase
from tests.samples import PDF

from .conftest import file, working_days_ago


@pytest.fixture
def democase_visible(db):
    for role in (OFFICER, REGISTRAR, "head"):
        Group.objects.get(name=role).permissions.add(
            *Permission.objects.filter(codename__in=["view_democase", "change_democase"])
        )


def test_the_complaints_queue_is_ordered_by_due_date_and_flags_late_forwarding(client, application, officer):
    later = file(application, addressee=rules.QUALITY_CONTROL)  # due in 15 WD
    sooner = file(application, received_at=working_days_ago(5))  # overdue
    client.force_login(officer)
    page = client.get("/admin/complaints/complaint/")
    assert page.status_code == 200
    assert page.text.index(sooner.number) < page.text.index(later.number)
    assert "overdue" in page.text


def test_a_complaints_page_shows_the_challenged_case_inline_with_its_history(
    client, application, officer, democase_visible
):
    from casework.actors import Actor
    from casework.services import run_transition

    run_transition(DemoCase, application.pk, "refuse", actor=Actor.job("t"), reason="Missing diploma")
    complaint = file(application)
    client.force_login(officer)
    page = client.get(f"/admin/complaints/complaint/{complaint.pk}/change/")
    assert page.status_code == 200
    assert 'id="challenged-case"' in page.text and application.number in page.text
    assert f"/admin/caseapp/democase/{application.pk}/change/" in page.text
    assert "Missing diploma" in page.text  # the challenged case's history, inline
    assert 'data-transition="forward"' in page.text and 'data-transition="stop_clock"' in page.text


def test_officer_forwards_a_complaint_from_its_page(client, application, officer):
    complaint = file(application)
    client.force_login(officer)
    url = f"/admin/complaints/complaint/{complaint.pk}/transition/forward/"
    assert client.post(url, {"version": complaint.version, "reviewing_body": ""}).status_code == 200  # required
    response = client.post(url, {"version": complaint.version, "reviewing_body": "Akim's office", "reason": ""})
    assert response.status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).status == "forwarded"


def test_registrar_registers_a_complaint_received_at_the_office(client, application):
    from tests.factories import ClerkFactory

    registrar = ClerkFactory(unit=application.unit, roles=[REGISTRAR])
    client.force_login(registrar)
    assert client.get("/admin/complaints/complaint/add/").status_code == 200
    person = application.applicant
    data = {
        "application_number": application.number,
        "subject": rules.INACTION,
        "addressee": rules.PROVIDER,
        "complainant_role": rules.APPLICANT,
        "surname": person.surname,
        "given_name": person.given_name,
        "birth_date": person.birth_date.isoformat(),
        "passport_number": person.passport_number,
        "text": "No answer for two weeks.",
    }
    response = client.post("/admin/complaints/complaint/add/", data)
    assert response.status_code == 302, response.content
    complaint = Complaint.objects.get()
    assert complaint.channel == "office" and complaint.subject == rules.INACTION


def test_office_intake_of_a_stranger_registers_nothing(client, application):
    from tests.factories import ClerkFactory

    client.force_login(ClerkFactory(unit=application.unit, roles=[REGISTRAR]))
    data = {
        "application_number": application.number,
        "subject": rules.DECISION,
        "addressee": rules.PROVIDER,
        "complainant_role": rules.REPRESENTATIVE,
        "surname": "Lawyer",
        "given_name": "Dana",
        "birth_date": "1985-05-05",
        "passport_number": "N1",
        "applicant_passport_number": "XX",
        "applicant_birth_date": "1990-01-01",
        "text": "x",
    }
    from django.core.files.uploadedfile import SimpleUploadedFile

    data["power_of_attorney"] = SimpleUploadedFile("poa.pdf", PDF, content_type="application/pdf")
    response = client.post("/admin/complaints/complaint/add/", data)
    assert response.status_code == 200 and not Complaint.objects.exists()
