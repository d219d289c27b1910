"""The foreign-labour permit's documents (000 §3, §6) in Kazakh and Russian, with the verification number:
the receipt, the letter, the Commission protocol, the permit, the refusal, the journal extract."""

import io

import pytest
from pypdf import PdfReader

from casework.models.issued import DocumentKind, IssuedDocument
from permits.foreign_labour import services as flp
from permits.foreign_labour.models import CommissionMeeting, ForeignLabourPermit, ServiceJournalEntry

from .test_foreign_support import *  # noqa: F403  fixtures: region, members, job
from .test_foreign_support import application_input, at, issued_permit

pytestmark = pytest.mark.django_db


def text_of(document: IssuedDocument) -> str:
    with document.file.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def test_every_document_of_an_issue_is_rendered_in_kk_and_ru_with_its_number(
    region, members, job, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        permit = issued_permit(region, members)
    app = permit.application
    meeting = CommissionMeeting.objects.get()
    entry = ServiceJournalEntry.objects.get()
    expected = {
        (app.number, DocumentKind.RECEIPT),
        (app.number, DocumentKind.NOTICE),
        (meeting.number, DocumentKind.COMMISSION_PROTOCOL),
        (permit.number, DocumentKind.PERMIT),
        (entry.number, DocumentKind.NOTICE),
    }
    for case_number, kind in expected:
        copies = IssuedDocument.objects.filter(case_number=case_number, kind=kind)
        assert sorted(copies.values_list("language", flat=True)) == ["kk", "ru"], (case_number, kind)
        assert len(set(copies.values_list("number", flat=True))) == 1
    ru = IssuedDocument.objects.get(case_number=permit.number, kind=DocumentKind.PERMIT, language="ru")
    kk = IssuedDocument.objects.get(case_number=permit.number, kind=DocumentKind.PERMIT, language="kk")
    assert "РАЗРЕШЕНИЕ работодателю" in text_of(ru) and ru.number in text_of(ru)
    assert "РҰҚСАТ" in text_of(kk)
    assert (ru.valid_from, ru.valid_to) == (permit.valid_from, permit.valid_to)


def test_refusal_prints_its_reasons_in_both_languages(region, job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        app, _code = flp.submit_foreign_labour_application(
            application_input(region, received=at(2026, 3, 2)), actor=job
        )
        flp.refuse_application(app.pk, reason="The workers list is not signed.", actor=job)
    ru = IssuedDocument.objects.get(case_number=app.number, kind=DocumentKind.REFUSAL, language="ru")
    kk = IssuedDocument.objects.get(case_number=app.number, kind=DocumentKind.REFUSAL, language="kk")
    assert "Мотивированный отказ" in text_of(ru) and "The workers list is not signed." in text_of(ru)
    assert "бас тарту" in text_of(kk)  # "...бас тарту туралы уәжді жауап" (000 §3)


def test_the_verify_page_shows_an_extended_permit_and_the_superseded_one(
    client, region, members, job, django_capture_on_commit_callbacks
):
    from permits.foreign_labour import rules
    from tests.permits.test_foreign_support import issue_through

    with django_capture_on_commit_callbacks(execute=True):
        permit = issued_permit(region, members)
    first = IssuedDocument.objects.get(case_number=permit.number, kind=DocumentKind.PERMIT, language="ru")
    with django_capture_on_commit_callbacks(execute=True):
        app, _code = flp.submit_foreign_labour_application(
            application_input(
                region, kind=rules.EXTEND, permit_number=permit.number, term_months=6, received=at(2026, 3, 2)
            ),
            actor=job,
        )
        flp.complete_check(app.pk, actor=job, at=at(2026, 3, 3))
        flp.send_letter(app.pk, actor=job, on=at(2026, 3, 4).date())
        from .test_foreign_support import pay_fee

        pay_fee(app, at(2026, 3, 5))
        issue_through(app, at(2026, 3, 6))
    latest = (
        IssuedDocument.objects.filter(case_number=permit.number, kind=DocumentKind.PERMIT, language="ru")
        .order_by("-case_version")
        .first()
    )
    assert latest.valid_to == ForeignLabourPermit.objects.get(pk=permit.pk).valid_to
    assert IssuedDocument.objects.get(pk=first.pk).status == "superseded"
    assert "ПРОДЛЁННОЕ" in text_of(latest)
    assert client.get(f"/verify/{latest.number}").status_code == 200


def test_a_revoked_permit_s_documents_say_so_in_the_revocation_s_own_transaction(
    region, members, job, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        permit = issued_permit(region, members)
    copies = IssuedDocument.objects.filter(case_number=permit.number, kind=DocumentKind.PERMIT)
    assert set(copies.values_list("status", flat=True)) == {"valid"}
    with django_capture_on_commit_callbacks(execute=False):  # nothing after the commit runs
        flp.revoke_permit(permit.pk, reason="The employer's licence was withdrawn.", actor=job)
    assert set(copies.values_list("status", flat=True)) == {"revoked"}
