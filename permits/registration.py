"""Makes labour-immigrant permit applications findable by number through casework.registry
(``GET /api/v1/applications/{number}``): the common part comes from the registry, the ``result`` from here."""

from django.urls import NoReverseMatch, reverse

from casework.registry import register_service

from .models import ApplicationStatus, LabourImmigrantPermitApplication


def _pdf_link(document, request) -> str | None:
    if document is None:
        return None
    try:
        path = reverse("api:document-pdf", args=[document.number])
    except NoReverseMatch:  # the documents endpoint is not routed in this deployment
        return None
    return request.build_absolute_uri(path) if request is not None else path


def represent_application(app: LabourImmigrantPermitApplication, request=None) -> dict:
    """``result``: the permit (issued, extended or its duplicate), the refusal (annex 7) or the refusal to
    accept (annex 4), with the PDF link once the document is rendered."""
    from casework.models.issued import DocumentKind
    from casework.pdf import latest_document

    extra = {"police_check": app.police_check}
    if app.status == ApplicationStatus.ISSUED and app.result_permit_id:
        permit = app.result_permit
        document = latest_document(permit, DocumentKind.PERMIT)
        # The number printed on annex 5 is the permit's (as certificates report the certificate's).
        result = {"document_number": permit.number, "valid_from": permit.valid_from, "valid_to": permit.valid_to}
    elif app.status == ApplicationStatus.REFUSED:
        document = latest_document(app, DocumentKind.REFUSAL)
        result = {
            "document_number": document.number if document else None,
            "valid_from": None,
            "valid_to": None,
            "ground": app.refusal_ground,
        }
    elif app.status == ApplicationStatus.REFUSED_TO_ACCEPT:
        document = latest_document(app, DocumentKind.REFUSAL_TO_ACCEPT)
        result = {
            "document_number": document.number if document else None,
            "valid_from": None,
            "valid_to": None,
            "reasons": app.not_accepted_reasons,
        }
    else:
        return {**extra, "result": None}
    result["pdf"] = _pdf_link(document, request)
    return {**extra, "result": result}


register_service(LabourImmigrantPermitApplication, represent_application)
