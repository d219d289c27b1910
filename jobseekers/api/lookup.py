"""How ``GET /api/v1/applications/{number}`` shows a job-seeker or unemployed registration (casework.registry)."""

from ..documents import result_document
from ..models import JobSeekerRegistration, PersonRegistration, UnemployedRegistration


def represent_registration(case: PersonRegistration, request=None) -> dict:
    """``result``: the notice (registration or refusal) once rendered, with its PDF link; plus the
    registration's own facts (from when the person is registered, why it ended)."""
    document = result_document(case, "ru") or result_document(case, "kk")
    result = None
    if document is not None:
        result = {
            "document_number": document.number,
            "kind": document.kind,
            "valid_from": case.registered_from,
            "valid_to": case.ended_on,
            "pdf": f"/api/v1/documents/{document.number}.pdf",
        }
    return {
        "result": result,
        "decision": case.decision or None,
        "refusal_ground": case.refusal_ground or None,
        "registered_from": case.registered_from,
        "end_reason": case.end_reason or None,
        "ended_on": case.ended_on,
    }


def register_with_casework(registry) -> None:
    for model in (JobSeekerRegistration, UnemployedRegistration):
        registry.register_service(model, represent_registration)
