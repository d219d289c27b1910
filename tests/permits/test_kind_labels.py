"""Application kinds are shown by their kk/ru labels, never the raw value ("issue"), on the public pages and in
the clerks' admin (004 §5, §24, §27; 000 §1)."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from permits import services
from permits.foreign_labour.models import FLPKind, ForeignLabourPermitApplication
from permits.models import ApplicationKind, LabourImmigrantPermitApplication
from tests.factories import ClerkFactory

from .conftest import application_input

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "language, issue, extend, duplicate",
    [("ru", "выдача", "продление", "дубликат"), ("kk", "беру", "ұзарту", "телнұсқа")],
)
def test_labour_immigrant_permit_kinds_have_kazakh_and_russian_labels_004_s5(language, issue, extend, duplicate):
    with translation.override(language):
        labels = dict(LabourImmigrantPermitApplication._meta.get_field("kind").flatchoices)
        assert str(labels[ApplicationKind.ISSUE]) == issue
        assert str(labels[ApplicationKind.EXTEND]) == extend
        assert str(labels[ApplicationKind.DUPLICATE]).startswith(duplicate)


@pytest.mark.parametrize("language, reissue", [("ru", "переоформление"), ("kk", "қайта ресімдеу")])
def test_foreign_labour_permit_kinds_have_kazakh_and_russian_labels_000_s1(language, reissue):
    with translation.override(language):
        labels = dict(ForeignLabourPermitApplication._meta.get_field("kind").flatchoices)
        assert str(labels[FLPKind.REISSUE]) == reissue


@pytest.mark.parametrize("language, label", [("ru", "выдача"), ("kk", "беру")])
def test_the_public_status_page_shows_the_kind_label_not_the_raw_value(unit, quota, job, language, label):
    app, code = services.register_application(application_input(unit), actor=job)
    browser = Client(HTTP_ACCEPT_LANGUAGE=language)
    followed = browser.post(reverse("casework:public:track"), {"number": app.number, "access_code": code})
    assert followed.status_code == 302
    html = browser.get(followed["Location"]).content.decode()
    assert f"— {label}" in html and "— issue" not in html


def test_the_admin_queue_shows_the_kind_label(client, unit, quota, job):
    services.register_application(application_input(unit), actor=job)
    client.force_login(ClerkFactory(unit=unit, roles=["registrar", "officer", "head"]))
    html = client.get(
        reverse("admin:permits_labourimmigrantpermitapplication_changelist"), HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()
    assert "выдача" in html
