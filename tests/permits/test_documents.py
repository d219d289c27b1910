"""Annex forms rendered through casework.pdf in Kazakh and Russian, with the verification number / QR."""

import io

import pytest
from pypdf import PdfReader

from casework.models.issued import DocumentKind, IssuedDocument
from permits import services
from permits.models import LabourImmigrantPermit

from .conftest import application_input, issue_through

pytestmark = pytest.mark.django_db


def text_of(document: IssuedDocument) -> str:
    document.file.open("rb")
    try:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(document.file.read())).pages)
    finally:
        document.file.close()


def test_permit_annex_5_and_revocation_annexes_8_and_9_are_issued_in_kk_and_ru(
    unit, quota, job, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        app, _code = services.register_application(application_input(unit), actor=job)
        app = issue_through(app, job)
    permit = LabourImmigrantPermit.objects.get(pk=app.result_permit_id)
    permits = IssuedDocument.objects.filter(kind=DocumentKind.PERMIT, case_number=permit.number)
    assert sorted(permits.values_list("language", flat=True)) == ["kk", "ru"]
    assert permit.number in text_of(permits.get(language="ru"))
    assert IssuedDocument.objects.filter(kind=DocumentKind.APPLICATION_FORM, case_number=app.number).count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        rev = services.revoke_permit(
            permit_id=permit.pk, act_number="12", act_date=permit.issued_on, act_body="Labour inspection", actor=job
        )
    kinds = set(IssuedDocument.objects.filter(case_number=rev.number).values_list("kind", "language"))
    assert kinds == {
        (DocumentKind.REVOCATION, "kk"),
        (DocumentKind.REVOCATION, "ru"),
        (DocumentKind.NOTICE, "kk"),
        (DocumentKind.NOTICE, "ru"),
    }
    assert set(permits.values_list("status", flat=True)) == {"revoked"}  # the verify page says so


def test_a_permit_ending_changes_its_documents_status_in_the_same_transaction(
    unit, quota, job, django_capture_on_commit_callbacks
):
    """No on-commit callback runs for the revocation here: the annex 5 copies say "revoked" as part of the
    revocation itself, so a crash right after its commit cannot leave the verify page saying "valid"."""
    with django_capture_on_commit_callbacks(execute=True):
        app, _code = services.register_application(application_input(unit), actor=job)
        app = issue_through(app, job)
    permit = LabourImmigrantPermit.objects.get(pk=app.result_permit_id)
    permits = IssuedDocument.objects.filter(kind=DocumentKind.PERMIT, case_number=permit.number)
    assert set(permits.values_list("status", flat=True)) == {"valid"}
    with django_capture_on_commit_callbacks(execute=False):
        services.revoke_permit(
            permit_id=permit.pk, act_number="12", act_date=permit.issued_on, act_body="Labour inspection", actor=job
        )
    assert set(permits.values_list("status", flat=True)) == {"revoked"}
