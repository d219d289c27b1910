"""The public complaint form, reached from the status page of one's own application."""

from casework.public import session
from casework.public.registry import register_public_service, unregister_public_service
from complaints import rules
from complaints.models import Complaint
from tests.caseapp.models import DemoCase


def test_applicant_who_opened_their_application_files_a_complaint_from_the_public_form(client, application):
    register_public_service("demo", "Demo", "casework:public:track", "", model=DemoCase)
    try:
        code = application.issue_access_code()
        application.save()
        response = client.post("/track/", {"number": application.number, "access_code": code})
        assert response.status_code == 302, response.content
        handle = next(iter(client.session[session.SESSION_KEY]))
        page = client.get(f"/complaints/?case={handle}")
        assert page.status_code == 200 and application.number in page.text
        response = client.post(
            "/complaints/",
            {"case": handle, "subject": rules.DECISION, "addressee": rules.PROVIDER, "text": "Please reconsider."},
        )
        assert response.status_code == 200
        complaint = Complaint.objects.get()
        assert complaint.number in response.text and complaint.channel == "web_form"
        assert complaint.complainant == application.applicant
    finally:
        unregister_public_service("demo")


def test_without_an_opened_application_the_form_sends_you_to_tracking(client, db):
    response = client.get("/complaints/")
    assert response.status_code == 302 and not Complaint.objects.exists()
