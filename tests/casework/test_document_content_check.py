"""Every stored document is opened in full in the background (casework.documents.check_pending): at filing only
the first bytes say what a file is, so a PNG header followed by garbage got through; the clerk now sees it."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from pypdf import PdfWriter

from casework import documents
from casework.documents import attach, check_pending, content_problem, describe_problem
from casework.models import Attachment
from casework.schedules import PERIODIC_TASKS
from tests.samples import PDF, jpeg, png


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_problems_are_stored_as_codes_and_shown_in_the_readers_language():
    problem = content_problem(png()[:40] + b"\x00garbage" * 50, "image/png")
    assert problem == "unreadable|PNG|UnidentifiedImageError"
    with translation.override("ru"):
        assert describe_problem(problem) == "Файл PNG не открывается (UnidentifiedImageError)."
    with translation.override("kk"):
        assert describe_problem("encrypted") == "PDF құпиясөзбен қорғалған."
    assert describe_problem("") == ""


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "mime"), [(PDF, "application/pdf"), (png(), "image/png"), (jpeg(), "image/jpeg")], ids=str
)
def test_a_whole_pdf_png_or_jpeg_opens(content, mime):
    assert content_problem(content, mime) == ""


@pytest.mark.parametrize(
    ("content", "mime", "expected"),
    [
        (png()[:40] + b"\x00garbage" * 50, "image/png", "The PNG file cannot be opened"),
        (jpeg()[:120], "image/jpeg", "The JPEG file cannot be opened"),
        (b"%PDF-1.4\n" + b"\x00garbage" * 50, "application/pdf", "The PDF file cannot be opened"),
        (encrypted_pdf(), "application/pdf", "The PDF is password-protected."),
    ],
    ids=["png-header-then-garbage", "truncated-jpeg", "pdf-header-then-garbage", "encrypted-pdf"],
)
def test_a_file_that_only_starts_right_is_flagged(content, mime, expected):
    assert describe_problem(content_problem(content, mime)).startswith(expected)


@pytest.mark.django_db
def test_the_sweep_checks_each_new_document_once_and_the_clerk_sees_the_bad_one(make_case, client):
    case = make_case()
    good = attach(case, "identity_document", "passport.pdf", PDF)
    bad = attach(case, "education_document", "diploma.png", png()[:40] + b"\x00garbage" * 50)
    assert Attachment.objects.filter(content_checked_at__isnull=True).count() == 2
    assert check_pending() == {"checked": 2, "problems": 1}
    assert check_pending() == {"checked": 0, "problems": 0}  # nothing twice
    good, bad = Attachment.objects.get(pk=good.pk), Attachment.objects.get(pk=bad.pk)
    assert good.content_problem == "" and good.content_checked_at is not None
    assert bad.content_problem.startswith("unreadable|PNG|")
    assert describe_problem(bad.content_problem).startswith("The PNG file cannot be opened")

    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw-1234567")
    client.force_login(admin)
    page = client.get(f"/admin/caseapp/democase/{case.pk}/change/").content.decode()
    assert "⚠ Файл PNG не открывается" in page and "✓" in page  # the office's default language


@pytest.mark.django_db
def test_a_check_killed_once_is_tried_again_and_passes(make_case, monkeypatch):
    attach(make_case(), "identity_document", "passport.pdf", PDF)
    monkeypatch.setattr(documents, "content_problem", killed)
    with pytest.raises(SystemExit):
        check_pending()  # e.g. a deploy restarted the worker mid-file
    monkeypatch.undo()
    assert Attachment.objects.get().content_checked_at is None
    assert check_pending() == {"checked": 1, "problems": 0}
    assert Attachment.objects.get().content_problem == ""


@pytest.mark.django_db
def test_a_check_that_never_finishes_leaves_the_file_flagged_not_retried_forever(make_case, monkeypatch):
    attach(make_case(), "identity_document", "huge.pdf", PDF)
    monkeypatch.setattr(documents, "content_problem", killed)
    for _ in range(documents.CHECK_ATTEMPTS):
        with pytest.raises(SystemExit):
            check_pending()
    monkeypatch.undo()
    assert check_pending() == {"checked": 1, "problems": 1}  # flagged, not parsed a third time
    attachment = Attachment.objects.get()
    assert attachment.content_checked_at is not None
    assert describe_problem(attachment.content_problem).startswith("The check of this file did not finish")
    assert check_pending() == {"checked": 0, "problems": 0}


def killed(*args):
    raise SystemExit("worker killed mid-parse")


@pytest.mark.django_db
def test_a_missing_stored_file_is_flagged(make_case):
    attachment = attach(make_case(), "identity_document", "passport.pdf", PDF)
    attachment.file.storage.delete(attachment.file.name)
    assert check_pending() == {"checked": 1, "problems": 1}
    assert describe_problem(Attachment.objects.get().content_problem).startswith("The stored file cannot be read")


def test_the_check_runs_every_minute():
    assert any(spec.task == "casework.tasks.check_attached_documents" for spec in PERIODIC_TASKS)
