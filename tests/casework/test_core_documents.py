import pytest
from django.conf import settings

from casework.documents import attach, sniff, validate_document
from casework.exceptions import InvalidDocument
from tests.samples import EXE, PDF, jpeg, padded_pdf, png


@pytest.mark.parametrize(("content", "mime"), [(PDF, "application/pdf"), (png(), "image/png"), (jpeg(), "image/jpeg")])
def test_pdf_jpeg_and_png_are_recognised_by_content(content, mime):
    assert validate_document("identity_document", "scan.bin", content) == mime


def test_executable_named_pdf_is_refused_by_its_content():
    with pytest.raises(InvalidDocument) as err:
        validate_document("identity_document", "passport.pdf", EXE)
    assert err.value.code == "unsupported_file_type"
    assert "passport.pdf" in str(err.value.detail)
    assert sniff(EXE) is None


def test_text_file_renamed_to_png_is_refused():
    with pytest.raises(InvalidDocument) as err:
        validate_document("identity_document", "photo.png", b"just some text pretending")
    assert err.value.code == "unsupported_file_type"


def test_empty_file_is_refused():
    with pytest.raises(InvalidDocument) as err:
        validate_document("identity_document", "a.pdf", b"")
    assert err.value.code == "empty_file"


def test_ten_megabytes_is_accepted_one_byte_more_is_refused():
    assert validate_document("identity_document", "a.pdf", padded_pdf(settings.UPLOAD_MAX_BYTES))
    with pytest.raises(InvalidDocument) as err:
        validate_document("identity_document", "a.pdf", padded_pdf(settings.UPLOAD_MAX_BYTES + 1))
    assert err.value.code == "file_too_large"


def test_unknown_document_type_is_refused():
    with pytest.raises(InvalidDocument) as err:
        validate_document("selfie", "a.pdf", PDF)
    assert err.value.invalid_params[0]["name"] == "documents.type"


def test_attached_file_is_stored_outside_the_web_root_under_a_random_name(make_case):
    case = make_case()
    attachment = attach(case, "identity_document", "../../etc/Иванов паспорт.pdf", PDF, uploaded_by="clerk")
    path = attachment.file.path
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert "Иванов" not in path and ".." not in attachment.file.name
    assert attachment.original_filename == "Иванов паспорт.pdf"
    assert attachment.content_type == "application/pdf" and attachment.size == len(PDF)
    assert str(settings.PRIVATE_MEDIA_ROOT) not in str(settings.STATIC_ROOT)
