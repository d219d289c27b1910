from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404

from .access import can_access_case
from .models import Attachment


@staff_member_required
def attachment_download(request, pk: int):
    """A stored document, only for a clerk with the permission and access to the case's unit."""
    attachment = get_object_or_404(Attachment, pk=pk)
    case = attachment.case
    if case is None or not request.user.has_perm("casework.view_attachment") or not can_access_case(request.user, case):
        raise PermissionDenied
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=True,
        filename=attachment.original_filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
