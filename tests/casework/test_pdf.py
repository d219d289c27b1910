"""The official-documents engine (casework.pdf) on the test DemoCase: rendering, numbering, idempotency,
QR code, PDF/UA tagging, status changes and the after-commit task (issue 4 "Documents", DOMAIN.md §8)."""

import datetime as dt
import io
import shutil
import subprocess
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pypdf
import pytest
import zxingcpp
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image

from casework import pdf
from casework.models import IssuedDocument
from casework.models.issued import DocumentKind, DocumentStatus
from casework.pdf import (
    DocumentError,
    DocumentSpec,
    document_builder,
    issue_document,
    render_document,
    render_pdf,
    schedule_documents,
    set_document_status,
)
from tests.caseapp.models import DemoCase

KAZAKH_LETTERS = "әғқңөұүһі"
GENERIC = "documents/generic.html"


# --- helpers shared with tests/certificates/test_documents*.py --------------------------------------------


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def qr_codes(content: bytes, dpi: int = 150) -> list[str]:
    """Every QR code on the PDF's pages, decoded from the rendered image (poppler's pdftoppm + zxing-cpp)."""
    assert shutil.which("pdftoppm"), "pdftoppm (poppler-utils, scripts/sysdeps.sh) is needed to read the QR code"
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "doc.pdf"
        source.write_bytes(content)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(source), str(Path(tmp) / "page")], check=True)
        found = []
        for image in sorted(Path(tmp).glob("page*.png")):
            found += [code.text for code in zxingcpp.read_barcodes(Image.open(image))]
    return found


def link_uris(content: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    uris = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action and "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris


def stored_bytes(document: IssuedDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def notice_context(**extra) -> dict:
    return {
        "heading": f"Хабарлама {KAZAKH_LETTERS} {KAZAKH_LETTERS.upper()}",
        "paragraphs": ["Өтініш қабылданды.", "Заявление принято."],
        "facts": [("Өтініш беруші", "Қасымов Әлібек")],
        "official": "Сейітова Ұ.",
        **extra,
    }


def issue_notice(case, language="kk", **kwargs):
    return issue_document(case, DocumentKind.NOTICE, GENERIC, notice_context(), language, **kwargs)


# --- rendering -----------------------------------------------------------------------------------------


def test_render_pdf_prints_every_kazakh_letter_with_the_shipped_font():
    content = render_pdf(GENERIC, {**notice_context(), "document": {"number": "DC-N-2026-000009"}}, "kk")
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    assert KAZAKH_LETTERS in text and KAZAKH_LETTERS.upper() in text
    assert "Қасымов Әлібек" in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in pypdf.PdfReader(io.BytesIO(content)).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all("DejaVu" in name for name in fonts)


def test_render_pdf_refuses_a_language_the_office_does_not_issue_in():
    with pytest.raises(DocumentError):
        render_pdf(GENERIC, notice_context(), "en")


def test_documents_cannot_load_anything_but_the_shipped_fonts():
    fetcher = pdf._fonts_only_fetcher()
    for url in ("http://example.invalid/tracker.png", "file:///etc/passwd", f"{pdf.FONTS_DIR.as_uri()}/../../x"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    response = fetcher.fetch(f"{pdf.FONTS_DIR.as_uri()}/DejaVuSans.ttf")
    assert response.read(4) == b"\x00\x01\x00\x00"  # a TrueType font
    response.close()


def test_issued_document_is_tagged_pdf_ua_with_language_and_title(make_case):
    document = issue_notice(make_case(), "kk")
    reader = pypdf.PdfReader(io.BytesIO(stored_bytes(document)))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "kk"
    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert document.number in reader.metadata.title
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "pdfuaid:part" in xmp and ">1<" in xmp.split("pdfuaid:part")[1] or 'pdfuaid:part="1"' in xmp


def test_issued_document_prints_its_number_and_a_qr_code_to_the_public_verify_page(make_case):
    case = make_case()
    document = issue_notice(case, "kk")
    content = stored_bytes(document)
    url = f"{settings.PUBLIC_BASE_URL.rstrip('/')}/verify/{document.number}"
    assert document.number.startswith(f"DC-N-{timezone.localdate().year}-")
    text = pdf_text(content)
    assert document.number in text
    assert qr_codes(content) == [url]
    assert url in link_uris(content)


def test_stored_pdf_matches_its_recorded_hash_and_size_and_lives_outside_the_web_root(make_case):
    import hashlib

    document = issue_notice(make_case(), "ru")
    content = stored_bytes(document)
    assert document.size == len(content)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert document.number not in document.file.name  # random file name, nothing guessable


# --- numbering and idempotency -----------------------------------------------------------------------------


def test_same_case_version_is_never_rendered_twice(make_case, monkeypatch):
    case = make_case()
    first = issue_notice(case, "kk")
    calls = []
    monkeypatch.setattr(pdf, "render_pdf", lambda *a, **k: calls.append(a) or b"%PDF-never")
    second = issue_notice(case, "kk")
    assert second.pk == first.pk and second.file.name == first.file.name
    assert calls == []
    assert IssuedDocument.objects.count() == 1


def test_kazakh_and_russian_copies_of_one_document_share_its_number(make_case):
    case = make_case()
    kk = issue_notice(case, "kk")
    ru = issue_notice(case, "ru")
    assert kk.number == ru.number and kk.pk != ru.pk
    assert kk.sha256 != ru.sha256
    assert pdf_text(stored_bytes(ru)).count(ru.number) >= 1


def test_a_new_case_version_renders_a_new_document_and_supersedes_the_old_one(make_case):
    case = make_case()
    old = issue_notice(case, "kk")
    case.version += 1
    case.save()
    new = issue_notice(case, "kk")
    assert new.pk != old.pk and new.number != old.number
    assert new.case_version == old.case_version + 1
    assert IssuedDocument.objects.get(pk=old.pk).status == DocumentStatus.SUPERSEDED
    assert IssuedDocument.objects.get(pk=new.pk).status == DocumentStatus.VALID


def test_each_kind_has_its_own_number_series(make_case):
    case = make_case()
    notice = issue_notice(case, "kk")
    certificate = issue_document(case, DocumentKind.CERTIFICATE, GENERIC, notice_context(), "kk")
    year = timezone.localdate().year
    assert notice.number == f"DC-N-{year}-000001"
    assert certificate.number == f"DC-C-{year}-000001"


def test_an_unknown_document_kind_is_refused(make_case):
    with pytest.raises(DocumentError):
        issue_document(make_case(), "selfie", GENERIC, {}, "kk")


def test_what_is_printed_is_recorded_for_the_verify_page(make_case):
    document = issue_notice(
        make_case(),
        "kk",
        holder_name="Қасымов Әлібек",
        valid_from=dt.date(2026, 3, 2),
        valid_to=dt.date(2026, 6, 1),
        printed={"profession": "Бағдарламашы", "registered_on": dt.date(2026, 3, 2)},
    )
    document = IssuedDocument.objects.get(pk=document.pk)
    assert document.holder_name == "Қасымов Әлібек"
    assert (document.valid_from, document.valid_to) == (dt.date(2026, 3, 2), dt.date(2026, 6, 1))
    assert document.printed == {"profession": "Бағдарламашы", "registered_on": "2026-03-02"}


# --- status ------------------------------------------------------------------------------------------------


def test_revoking_a_case_revokes_its_certificates_but_not_its_receipts(make_case):
    case = make_case()
    certificate_kk = issue_document(case, DocumentKind.CERTIFICATE, GENERIC, notice_context(), "kk")
    certificate_ru = issue_document(case, DocumentKind.CERTIFICATE, GENERIC, notice_context(), "ru")
    receipt = issue_document(case, DocumentKind.RECEIPT, GENERIC, notice_context(), "kk")
    assert set_document_status(case, DocumentStatus.REVOKED, reason="act of the control body") == 2
    statuses = dict(IssuedDocument.objects.values_list("pk", "status"))
    assert statuses[certificate_kk.pk] == statuses[certificate_ru.pk] == DocumentStatus.REVOKED
    assert statuses[receipt.pk] == DocumentStatus.VALID
    assert set_document_status(case, DocumentStatus.REVOKED) == 0  # idempotent


def test_one_documents_status_changes_both_language_copies(make_case):
    case = make_case()
    kk = issue_notice(case, "kk")
    issue_notice(case, "ru")
    assert set_document_status(kk, DocumentStatus.VOID, reason="issued in error") == 2
    assert set(IssuedDocument.objects.values_list("status", flat=True)) == {DocumentStatus.VOID}


def test_a_void_document_cannot_become_valid_again(make_case):
    document = issue_notice(make_case(), "kk")
    set_document_status(document, DocumentStatus.VOID)
    document = IssuedDocument.objects.get(pk=document.pk)
    with pytest.raises(DocumentError):
        set_document_status(document, DocumentStatus.VALID)


def test_a_revoked_certificate_does_not_turn_expired(make_case):
    case = make_case()
    issue_document(case, DocumentKind.CERTIFICATE, GENERIC, notice_context(), "kk", valid_to=dt.date(2020, 1, 1))
    set_document_status(case, DocumentStatus.REVOKED)
    assert set_document_status(case, DocumentStatus.EXPIRED) == 0
    assert pdf.expire_lapsed_documents() == 0
    assert IssuedDocument.objects.get().status == DocumentStatus.REVOKED


def test_status_is_changed_only_through_the_engine(make_case):
    issue_notice(make_case(), "kk")
    with pytest.raises(ValueError, match="set_document_status"):
        IssuedDocument.objects.update(status=DocumentStatus.VALID)


def test_documents_past_their_term_are_expired_by_the_job_once(make_case):
    case = make_case()
    yesterday = timezone.localdate() - dt.timedelta(days=1)  # a test date, not a legal term
    lapsed = issue_document(case, DocumentKind.CERTIFICATE, GENERIC, notice_context(), "kk", valid_to=yesterday)
    assert lapsed.effective_status == DocumentStatus.EXPIRED  # shown expired even before the job runs
    assert pdf.expire_lapsed_documents() == 1
    assert pdf.expire_lapsed_documents() == 0
    assert IssuedDocument.objects.get(pk=lapsed.pk).status == DocumentStatus.EXPIRED


# --- declared documents and the after-commit task ------------------------------------------------------------


@document_builder("caseapp.democase", "notice")
def demo_notice(case, language) -> DocumentSpec:
    return DocumentSpec(
        template=GENERIC, context=notice_context(heading=f"Notice {case.number}"), holder_name=str(case.applicant)
    )


def test_scheduled_documents_render_in_both_languages_only_after_commit(make_case, django_capture_on_commit_callbacks):
    case = make_case()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            schedule_documents(case, "notice")
            assert IssuedDocument.objects.count() == 0
    assert len(callbacks) == 1  # one task renders both languages
    copies = IssuedDocument.objects.filter(case_id=case.pk).order_by("language")
    assert [c.language for c in copies] == ["kk", "ru"]
    assert copies[0].number == copies[1].number
    assert copies[0].holder_name == case.applicant.full_name


def test_nothing_is_rendered_for_a_rolled_back_change(make_case, django_capture_on_commit_callbacks):
    case = make_case()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                schedule_documents(case, "notice")
                raise RuntimeError("the clerk's change failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not IssuedDocument.objects.exists()


def test_render_task_is_idempotent_and_thin(make_case, monkeypatch):
    case = make_case()
    number = render_document("caseapp.democase", case.pk, "notice", "kk")
    calls = []
    monkeypatch.setattr(pdf, "render_pdf", lambda *a, **k: calls.append(a) or b"%PDF-never")
    assert render_document("caseapp.democase", case.pk, "notice", "kk") == number
    assert calls == [] and IssuedDocument.objects.count() == 1


def test_render_task_for_a_deleted_case_does_nothing(make_case):
    assert render_document("caseapp.democase", 999_999, "notice", "kk") is None


def test_scheduling_an_undeclared_document_fails_in_the_service_not_later(make_case):
    with pytest.raises(DocumentError, match="no document builder"):
        schedule_documents(make_case(), "permit")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_three_workers_rendering_one_document_store_each_copy_once_under_one_number(make_case):
    """Two workers on the Kazakh copy, one on the Russian, at the same moment (a redelivered task)."""
    case = make_case()
    barrier = threading.Barrier(3)

    def render(language):
        try:
            barrier.wait()
            return issue_notice(DemoCase.objects.get(pk=case.pk), language).pk
        finally:
            connection.close()

    with ThreadPoolExecutor(3) as pool:
        pks = list(pool.map(render, ["kk", "kk", "ru"]))
    assert pks[0] == pks[1] != pks[2]
    assert IssuedDocument.objects.count() == 2
    assert IssuedDocument.objects.values("number").distinct().count() == 1
