"""Makes foreign-labour permit applications findable by number through casework.registry
(``GET /api/v1/applications/{number}``): the common part comes from the registry, the ``result`` from here."""

from casework.registry import register_service

from ..registration import _pdf_link
from .models import FLPStatus, ForeignLabourPermitApplication


def represent_application(app: ForeignLabourPermitApplication, request=None) -> dict:
    """``result``: the permit (issued, re-issued or extended: its current document) or the motivated refusal."""
    from casework.models.issued import DocumentKind
    from casework.pdf import latest_document

    if app.status in (FLPStatus.SIGNED, FLPStatus.ISSUED) and app.result_permit_id:
        permit = app.result_permit
        document = latest_document(permit, DocumentKind.PERMIT)
        result = {"document_number": permit.number, "valid_from": permit.valid_from, "valid_to": permit.valid_to}
    elif app.status == FLPStatus.REFUSED:
        document = latest_document(app, DocumentKind.REFUSAL)
        result = {"document_number": document.number if document else None, "valid_from": None, "valid_to": None}
    else:
        return {"result": None}
    result["pdf"] = _pdf_link(document, request)
    return {"result": result}


register_service(ForeignLabourPermitApplication, represent_application)
