"""Behind nginx, a stored document is sent by nginx (X-Accel-Redirect) after Django checked the permission."""

import pytest
from django.http import FileResponse
from django.test import RequestFactory
from django.utils.functional import empty

from casework.models import private_storage
from casework.observability.accel import PrivateMediaAccelMiddleware


@pytest.fixture
def stored(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    private_storage._wrapped = empty
    private_storage.save("attachments/2026/03/passport.pdf", __import__("io").BytesIO(b"%PDF-1.4 test"))
    yield private_storage
    private_storage._wrapped = empty


def download(storage):
    def view(request):
        response = FileResponse(
            storage.open("attachments/2026/03/passport.pdf", "rb"),
            as_attachment=True,
            filename="passport.pdf",
            content_type="application/pdf",
        )
        response["Cache-Control"] = "private, no-store"
        return response

    return PrivateMediaAccelMiddleware(view)


def test_without_the_setting_django_streams_the_file(stored, settings):
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = ""
    response = download(stored)(RequestFactory().get("/"))
    assert isinstance(response, FileResponse) and b"".join(response.streaming_content) == b"%PDF-1.4 test"


def test_with_the_setting_nginx_gets_the_internal_path_and_the_headers(stored, settings):
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/_protected/"
    response = download(stored)(RequestFactory().get("/"))
    assert response["X-Accel-Redirect"] == "/_protected/attachments/2026/03/passport.pdf"
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="passport.pdf"'
    assert response["Cache-Control"] == "private, no-store"
