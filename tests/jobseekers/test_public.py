"""The public web form of both services (casework.public): file, receipt, refusals next to their fields."""

import pytest
from django.core.cache import cache
from django.test import Client

from jobseekers.models import JobSeekerRegistration, UnemployedRegistration

from .conftest import citizen

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.jobseekers.urls")]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def form_data(unit, **overrides):
    data = {
        **citizen(),
        "residency": "citizen",
        "residence_document_number": "",
        "unit": unit.pk,
        "consent": "on",
        "passport_issued_on": "2020-01-10",
        "passport_issuer": "МВД РК",
    }
    data["birth_date"] = data["birth_date"].isoformat()
    data["surname"] = "Сейітова"  # letters only on the public form
    data.update(overrides)
    return data


def browser():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def test_start_page_lists_both_services(unit):
    page = browser().get("/").content.decode()
    assert "/job-seekers/apply/" in page and "/job-seekers/unemployed/apply/" in page


def test_job_seeker_files_through_the_web_form_and_gets_a_receipt(unit):
    http = browser()
    response = http.post("/job-seekers/apply/", form_data(unit))
    assert response.status_code == 302, response.context["form"].errors
    case = JobSeekerRegistration.objects.get()
    assert case.channel == "web_form" and case.access_code_hash
    receipt = http.get(response["Location"]).content.decode()
    assert case.number in receipt


def test_bad_iin_on_the_web_form_is_shown_next_to_the_field(unit):
    data = form_data(unit)
    data["iin"] = data["iin"][:11] + str((int(data["iin"][11]) + 1) % 10)
    response = browser().post("/job-seekers/apply/", data)
    assert response.status_code == 200 and "iin" in response.context["form"].errors
    assert not JobSeekerRegistration.objects.exists()


def test_unemployed_chooses_email_and_must_give_it(unit):
    response = browser().post("/job-seekers/unemployed/apply/", form_data(unit, notify_by="email", email=""))
    assert "email" in response.context["form"].errors
    response = browser().post("/job-seekers/unemployed/apply/", form_data(unit, notify_by="email"))
    assert response.status_code == 302
    assert UnemployedRegistration.objects.get().notify_by == "email"


def test_duplicate_on_the_web_form_does_not_reveal_the_other_number(unit):
    data = form_data(unit)
    assert browser().post("/job-seekers/apply/", data).status_code == 302
    first = JobSeekerRegistration.objects.get()
    response = browser().post("/job-seekers/apply/", data)
    page = response.content.decode()
    assert response.status_code == 200 and "open registration" in page and first.number not in page
