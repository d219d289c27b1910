"""Stored documents handed to nginx after Django checked the permission (X-Accel-Redirect).

The download views (casework.views, casework.api.documents) check who asks and answer with a FileResponse.
With ``PRIVATE_MEDIA_ACCEL_PREFIX`` set (e.g. ``/_protected/``, an ``internal`` nginx location aliased to
PRIVATE_MEDIA_ROOT — deploy/nginx.conf), this middleware replaces the file body by an
``X-Accel-Redirect`` to that location: the permission check stays in Django, nginx sends the bytes, and
the gunicorn worker is free at once. Without the setting (``make run``, tests) nothing changes.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse


def _stored_path(response: FileResponse) -> Path | None:
    stream = getattr(response, "file_to_stream", None)
    path = getattr(stream, "path", None) or getattr(getattr(stream, "file", None), "name", None)
    path = path or getattr(stream, "name", None)
    if not isinstance(path, str):
        return None
    return Path(path)


class PrivateMediaAccelMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        prefix = getattr(settings, "PRIVATE_MEDIA_ACCEL_PREFIX", "")
        if not prefix or not isinstance(response, FileResponse) or response.status_code != 200:
            return response
        path = _stored_path(response)
        root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
        if path is None:
            return response
        try:
            relative = path.resolve().relative_to(root)
        except ValueError:
            return response  # not a stored document (e.g. a static file): Django streams it
        accel = HttpResponse(status=200)
        for header, value in response.headers.items():
            if header.lower() not in {"content-length"}:
                accel[header] = value
        accel["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(relative.as_posix())
        # Close the file only: FileResponse.close() would also send request_finished in the middle of the request.
        response.file_to_stream.close()
        return accel
