"""Complaints in the generic application lookup (casework.registry; GET /api/v1/applications/{number})."""

from django.urls import NoReverseMatch, reverse

from .models import Complaint


def represent_complaint(complaint: Complaint, request=None) -> dict:
    """``result``: the decision letter once the complaint is decided (its PDF once rendered)."""
    from casework.pdf import latest_document

    from .documents import DECISION

    data = {"challenged": complaint.challenged_number, "result": None}
    if complaint.status not in (Complaint.Status.GRANTED, Complaint.Status.REJECTED):
        return data
    document = latest_document(complaint, DECISION)
    pdf = None
    if document is not None:
        try:
            path = reverse("api:document-pdf", args=[document.number])
        except NoReverseMatch:
            path = None
        pdf = request.build_absolute_uri(path) if (request is not None and path) else path
    data["result"] = {
        "document_number": document.number if document else None,
        "valid_from": None,
        "valid_to": None,
        "pdf": pdf,
        "outcome": complaint.status,
        "extent": complaint.extent or None,
        "reopened": complaint.corrective_number or None,
    }
    return data


def register_with_casework(registry) -> None:
    registry.register_service(Complaint, represent_complaint)
