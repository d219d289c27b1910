"""The clerk admin: the queue by step deadline, transition buttons per role, the Commission protocol form,
the refusal forms, the certificate's revocation, the catalogue (Django test client)."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from casework.roles import COMMISSION_SECRETARY, HEAD, OFFICER, REGISTRAR
from certificates import services
from certificates.catalogue import load_catalogue
from certificates.models import Certificate, CertificateApplication, Profession
from tests.certificates.factories import JOB, clerk, issued_certificate, submit_issue
from tests.samples import PDF

pytestmark = pytest.mark.django_db
QUEUE = "/admin/certificates/certificateapplication/"


@pytest.fixture
def client():
    """A browser asking for English (the office's default language is Russian; see the test at the end)."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def change_url(application):
    return reverse("admin:certificates_certificateapplication_change", args=[application.pk])


def transition_url(application, name):
    return reverse("admin:certificates_certificateapplication_transition", args=[application.pk, name])


def logged_in(client, user):
    client.force_login(user)
    return client


def reload(application):
    return CertificateApplication.objects.get(pk=application.pk)


def test_queue_is_ordered_by_step_deadline_with_overdue_and_due_soon_highlighted(clock, client, unit, registrar):
    old, _ = submit_issue(unit)  # completeness check due 20.03.2026
    clock.set(2026, 3, 26, 10)
    new, _ = submit_issue(unit)  # due 27.03.2026: due soon on 26.03
    response = logged_in(client, registrar).get(QUEUE)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(old.number) < html.index(new.number)
    assert 'class="deadline overdue"' in html and 'class="deadline due-soon"' in html
    overdue = client.get(QUEUE + "?deadline=overdue").content.decode()
    assert old.number in overdue and new.number not in overdue


def test_queue_filters_by_kind_status_and_late_filing(clock, client, unit, registrar):
    submit_issue(unit)
    for query in (
        "?kind=issue",
        "?status=open",
        "?status=received",
        "?late_filing__exact=1",
        "?deadline=due_soon",
        "?deadline=on_time",
    ):
        assert logged_in(client, registrar).get(QUEUE + query).status_code == 200


def test_a_clerk_of_another_unit_does_not_see_the_case(clock, client, unit):
    from tests.factories import RegionFactory

    application, _ = submit_issue(unit)
    stranger = clerk(RegionFactory(), REGISTRAR)
    assert application.number not in logged_in(client, stranger).get(QUEUE).content.decode()


def test_buttons_appear_only_for_the_role_that_may_act_in_this_state(clock, client, unit, registrar, head):
    application, _ = submit_issue(unit)
    html = logged_in(client, registrar).get(change_url(application)).content.decode()
    assert 'data-transition="register"' in html and 'data-transition="refuse_to_accept"' in html
    assert 'id="missing-documents"' not in html
    assert "deadline" in html and "20.03.2026" in html  # the step deadline and its explanation
    html = logged_in(client, head).get(change_url(application)).content.decode()
    assert 'data-transition="register"' not in html
    assert client.get(transition_url(application, "register")).status_code == 403


def test_registrar_registers_with_the_button(clock, client, unit, registrar):
    application, _ = submit_issue(unit)
    response = logged_in(client, registrar).post(
        transition_url(application, "register"), {"version": application.version, "reason": ""}
    )
    assert response.status_code == 302
    assert reload(application).status == "registered"


def test_stale_form_is_refused_with_a_message(clock, client, unit, registrar):
    application, _ = submit_issue(unit)
    response = logged_in(client, registrar).post(
        transition_url(application, "register"), {"version": application.version + 5}, follow=True
    )
    assert reload(application).status == "received"
    assert "changed" in response.content.decode()


def test_refusal_to_accept_form_records_the_ground(clock, client, unit, registrar):
    application, _ = submit_issue(unit, documents=[{"type": "identity_document", "filename": "p.pdf", "content": PDF}])
    page = logged_in(client, registrar).get(change_url(application)).content.decode()
    assert 'id="missing-documents"' in page
    form = client.get(transition_url(application, "refuse_to_accept")).content.decode()
    assert "Missing:" in form
    client.post(
        transition_url(application, "refuse_to_accept"),
        {"version": application.version, "ground": "incomplete_documents", "reason": ""},
    )
    assert reload(application).status == "refused_to_accept"


def test_commission_protocol_form_shows_the_proposed_score_and_records_the_correction(clock, client, unit, members):
    secretary = clerk(unit, COMMISSION_SECRETARY)
    application, _ = submit_issue(unit, education=["higher"], experience_years=3)  # proposed 5: below the mark
    services.register_application(application, actor=JOB)
    services.refer_to_commission(application, actor=JOB)
    application = reload(application)
    url = transition_url(application, "record_protocol")
    form = logged_in(client, secretary).get(url).content.decode()
    assert "Proposed from the declaration: 5 points" in form and members[0].full_name in form
    data = {
        "version": application.version,
        "held_on": "2026-03-20",
        "members_present": [m.pk for m in members],
        "profession_matches": "on",
        "confirmed_education": ["higher", "degree"],
        "confirmed_experience_years": 3,
        "recommendation": "issue",
        "recommended_ground": "",
        "motivation": "",
        "correction_reason": "",
    }
    response = client.post(url, data, follow=True)
    assert "differs from the proposed one" in response.content.decode()
    assert reload(application).status == "referred"
    data["correction_reason"] = "the PhD diploma was shown at the meeting"
    assert client.post(url, data).status_code == 302
    application = reload(application)
    assert application.status == "assessed"
    assert (application.protocol.proposed_points, application.protocol.confirmed_points) == (5, 9)
    html = client.get(change_url(application)).content.decode()
    assert application.protocol.number in html


def test_head_issues_and_refuses_with_the_forms(clock, client, unit, members):
    from tests.certificates.test_services import assessed

    head = clerk(unit, HEAD)
    first = assessed(unit, members)
    logged_in(client, head)
    assert client.post(transition_url(first, "issue"), {"version": first.version}).status_code == 302
    assert reload(first).status == "issued" and Certificate.objects.count() == 1
    second = assessed(unit, members)
    form = client.get(transition_url(second, "refuse")).content.decode()
    assert "score_below_pass_mark" in form
    client.post(
        transition_url(second, "refuse"),
        {"version": second.version, "ground": "unreliable_documents", "motivation": "diploma not in the registry"},
    )
    assert reload(second).refusal_ground == "unreliable_documents"


def test_officer_refers_and_sees_no_decision_buttons(clock, client, unit):
    officer = clerk(unit, OFFICER)
    application, _ = submit_issue(unit)
    services.register_application(application, actor=JOB)
    html = logged_in(client, officer).get(change_url(application)).content.decode()
    assert 'data-transition="refer_to_commission"' in html
    assert 'data-transition="issue"' not in html and 'data-transition="refuse"' not in html


def test_late_filing_is_shown_prominently(clock, client, unit, members, registrar):
    _app, certificate = issued_certificate(unit, members=members)
    application, _ = services.submit_application(
        kind="duplicate",
        applicant={
            "surname": "Karimov",
            "given_name": "Aziz",
            "birth_date": "1990-04-02",
            "citizenship": "UZB",
            "passport_number": "FA1234567",
        },
        profession=certificate.profession.code,
        certificate_number=certificate.number,
        event_date=dt.date(2026, 3, 2),
        actor=JOB,
    )
    html = logged_in(client, registrar).get(change_url(application)).content.decode()
    assert 'id="late-filing"' in html and "003 §22-1" in html
    assert "LATE" in client.get(QUEUE).content.decode()


def test_head_revokes_a_certificate_with_the_control_bodys_act(clock, client, unit, members):
    head = clerk(unit, HEAD)
    _app, certificate = issued_certificate(unit, members=members)
    url = reverse("admin:certificates_certificate_change", args=[certificate.pk])
    html = logged_in(client, head).get(url).content.decode()
    assert 'data-transition="revoke"' in html
    revoke = reverse("admin:certificates_certificate_lifecycle", args=[certificate.pk, "revoke"])
    response = client.post(
        revoke,
        {
            "version": certificate.version,
            "act_number": "5/2026",
            "act_date": "2026-03-18",
            "control_body": "Labour inspection",
            "details": "works as a cook",
        },
    )
    assert response.status_code == 302
    assert Certificate.objects.get(pk=certificate.pk).status == "revoked"
    registrar = clerk(unit, REGISTRAR)
    assert logged_in(client, registrar).get(revoke).status_code == 403


def test_catalogue_is_editable_in_the_admin(client, admin_user):
    load_catalogue()
    entry = Profession.objects.get(code="2.1.3")
    url = reverse("admin:certificates_profession_change", args=[entry.pk])
    client.force_login(admin_user)
    assert client.get(reverse("admin:certificates_profession_changelist")).status_code == 200
    data = {
        f: getattr(entry, f)
        for f in (
            "code",
            "position",
            "sector_code",
            "sector_kk",
            "sector_ru",
            "activity_kk",
            "activity_ru",
            "group_kk",
            "group_ru",
            "name_kk",
        )
    }
    data.update(name_ru="Врач общей практики (семейный врач)", active="on")
    assert client.post(url, data).status_code == 302
    assert Profession.objects.get(pk=entry.pk).name_ru.endswith("(семейный врач)")
    load_catalogue()  # reloading the reference data keeps the clerk's edit
    assert Profession.objects.get(pk=entry.pk).name_ru.endswith("(семейный врач)")


def test_the_clerk_screens_speak_russian_and_kazakh(clock, unit, registrar):
    application, _ = submit_issue(unit)
    for language, words in (("ru", ["Зарегистрировать", "поступило"]), ("kk", ["Тіркеу", "түсті"])):
        http = Client(HTTP_ACCEPT_LANGUAGE=language)
        http.force_login(registrar)
        html = http.get(change_url(application)).content.decode()
        assert all(word in html for word in words), language
