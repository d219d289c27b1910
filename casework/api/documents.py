"""``GET /api/v1/documents/{number}.pdf`` (scope ``applications:read``): an issued document as PDF (API.md).

Every document exists in Kazakh and Russian under one number; ``?language=kk|ru`` picks the copy,
else the best match of ``Accept-Language``, else the Kazakh one. Errors are problem details, so
a client asking ``Accept: application/pdf`` still gets a readable JSON problem on 401/403/404.
"""

from django.http import FileResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation.trans_real import parse_accept_lang_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.renderers import BaseRenderer

from casework.models.issued import DocumentLanguage, IssuedDocument
from casework.verify import NUMBER_SHAPE

from .problems import PROBLEM_CONTENT_TYPE, ProblemJSONRenderer
from .views import PortalAPIView

PDF_CONTENT_TYPE = "application/pdf"


class PDFRenderer(BaseRenderer):
    """Lets a client send ``Accept: application/pdf``; the view answers with a FileResponse itself."""

    media_type = PDF_CONTENT_TYPE
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


def choose_copy(copies: list[IssuedDocument], requested: str | None, accept_language: str) -> IssuedDocument:
    by_language = {copy.language: copy for copy in copies}
    if requested:
        if requested not in DocumentLanguage.values:
            raise exceptions.ValidationError({"language": [_("Use kk or ru.")]}, code="invalid_choice")
        if requested not in by_language:
            raise exceptions.NotFound(_("This document has no copy in the language asked for."))
        return by_language[requested]
    for tag, _quality in parse_accept_lang_header(accept_language or ""):
        primary = tag.split("-")[0].lower()
        if primary in by_language:
            return by_language[primary]
    return by_language.get(DocumentLanguage.KAZAKH) or copies[0]


class DocumentPDFView(PortalAPIView):
    required_scopes = ["applications:read"]

    def get_renderers(self):
        return [PDFRenderer(), *super().get_renderers()]

    def finalize_response(self, request, response, *args, **kwargs):
        # An error found after content negotiation chose PDF is still sent as problem+json.
        if getattr(response, "data", None) is not None and response.status_code >= 400:
            request.accepted_renderer = ProblemJSONRenderer()
            request.accepted_media_type = PROBLEM_CONTENT_TYPE
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(
        operation_id="documents_pdf",
        summary="An issued document as PDF",
        description=(
            "The issued document (certificate, permit, refusal, receipt, notice...) with this number. "
            "Both language copies share the number: `language=kk|ru`, else the best match of `Accept-Language`, "
            "else Kazakh. `X-Document-Status` tells whether it is valid, revoked, expired, superseded or void today."
        ),
        parameters=[
            OpenApiParameter("number", str, OpenApiParameter.PATH, description="e.g. QC-C-2026-000001"),
            OpenApiParameter("language", str, OpenApiParameter.QUERY, required=False, enum=["kk", "ru"]),
        ],
        responses={200: OpenApiResponse(OpenApiTypes.BINARY, description="application/pdf")},
    )
    def get(self, request, number: str):
        copies = []
        if NUMBER_SHAPE.fullmatch(number):
            copies = list(IssuedDocument.objects.filter(number=number.upper()))
        if not copies:
            raise exceptions.NotFound(_("No document with this number."))
        copy = choose_copy(copies, request.query_params.get("language"), request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
        response = FileResponse(
            copy.file.open("rb"), content_type=PDF_CONTENT_TYPE, as_attachment=True, filename=copy.filename
        )
        response["Content-Language"] = copy.language
        response["ETag"] = f'"{copy.sha256}"'
        response["X-Document-Status"] = copy.effective_status
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


# Included from config/urls.py's api_v1 list.
urlpatterns = [
    path("documents/<str:number>.pdf", DocumentPDFView.as_view(), name="document-pdf"),
]
