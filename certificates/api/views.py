"""Portal endpoints of the qualification certificate service (API.md):

- ``POST /api/v1/certificate-applications/`` (applications:submit) — file an application;
- ``GET /api/v1/catalogue/professions/`` (applications:read) — the list of in-demand professions.

The application itself is then followed through ``GET /api/v1/applications/{number}`` (casework.api.applications),
whose ``result`` this module supplies (``represent_application``).
"""

from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.response import Response

from casework.actors import Actor
from casework.api.views import PortalAPIView, PortalGenericAPIView, etag_for, validated
from casework.models import ApiClient, Channel

from .. import services
from ..models import CertificateApplication, Profession
from .serializers import CertificateApplicationCreatedSerializer, CertificateApplicationSerializer, ProfessionSerializer

EXAMPLE_BODY = {
    "kind": "issue",
    "applicant": {
        "surname": "Karimov",
        "given_name": "Aziz",
        "patronymic": None,
        "birth_date": "1990-04-02",
        "citizenship": "UZB",
        "passport_number": "FA1234567",
        "passport_issued_on": "2020-01-10",
        "passport_issuer": "MVD RUz",
        "iin": None,
        "address": "Aktau, 5 mkr 12",
        "phone": "+77011234567",
        "residence_country_address": "Tashkent, Chilanzar 4",
        "email": "aziz@example.org",
    },
    "profession": "1.1.1.4",
    "education": [{"kind": "higher", "specialty": "physics", "document_number": "DIP-123"}],
    "experience_years": 5,
    "documents": [{"type": "identity_document", "filename": "passport.pdf", "content_base64": "JVBERi0xLjQK..."}],
}


def channel_of(client) -> str:
    if isinstance(client, ApiClient) and client.kind == ApiClient.Kind.STATE_CORPORATION:
        return Channel.STATE_CORPORATION
    return Channel.PORTAL


class CertificateApplicationCreateView(PortalAPIView):
    """File an application for a qualification certificate (003 §3, annex 1): issue, extend, reissue, duplicate.

    201 with the number, the registration date and the expected result date (003 §5). Missing documents do not
    stop the filing (the office then refuses to accept it, 003 annex 2 row 9); a late extension / re-issue /
    duplicate is accepted and flagged to the clerk. Every bad input is a 4xx problem with a code; nothing is created.
    """

    required_scopes = ["applications:submit"]

    @extend_schema(
        operation_id="certificate_applications_create",
        summary="File a qualification certificate application",
        request=CertificateApplicationSerializer,
        responses={201: CertificateApplicationCreatedSerializer},
        examples=[OpenApiExample("Issue", value=EXAMPLE_BODY, request_only=True)],
    )
    def post(self, request):
        data = validated(CertificateApplicationSerializer, request)
        application, _access_code = services.submit_application(
            kind=data["kind"],
            applicant=data["applicant"],
            profession=data["profession"],
            education=data.get("education") or [],
            experience_years=data.get("experience_years"),
            employer=data.get("employer"),
            certificate_number=data.get("certificate_number") or "",
            reissue_reason=data.get("reissue_reason") or "",
            event_date=data.get("event_date"),
            labour_contract=data.get("labour_contract"),
            documents=[
                services.DocumentUpload(d["type"], d["filename"], d["content_base64"])
                for d in data.get("documents", [])
            ],
            channel=channel_of(request.auth),
            actor=Actor.client(request.auth),
        )
        url = request.build_absolute_uri(reverse("api:application-detail", args=[application.number]))
        body = {
            "number": application.number,
            "kind": application.kind,
            "status": application.status,
            "registered_on": application.registered_on,
            "due": application.due_date,
            "url": url,
        }
        return Response(
            CertificateApplicationCreatedSerializer(body).data,
            status=201,
            headers={"Location": url, "ETag": etag_for(application)},
        )


class ProfessionListView(PortalGenericAPIView):
    """The list of priority sectors, kinds of economic activity and in-demand professions (order No 236, annex 2),
    in Kazakh and Russian. ``?sector=1`` filters by sector number."""

    required_scopes = ["applications:read"]
    serializer_class = ProfessionSerializer

    def get_queryset(self):
        queryset = Profession.objects.filter(active=True).order_by("position", "code")
        sector = self.request.query_params.get("sector")
        return queryset.filter(sector_code=sector) if sector else queryset

    @extend_schema(
        operation_id="catalogue_professions_list",
        summary="In-demand professions (003 annex 2)",
        # A list (the schema showed one Profession for the paginated page; found by tests/reliability fuzzing).
        responses=ProfessionSerializer(many=True),
        parameters=[OpenApiParameter("sector", str, OpenApiParameter.QUERY, required=False)],
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


def represent_application(application: CertificateApplication, request=None) -> dict:
    """``result`` of ``GET /api/v1/applications/{number}``: the certificate (issued, extended, re-issued,
    duplicated), the motivated refusal or the refusal-to-accept receipt, with the PDF once rendered."""
    from casework.models.issued import DocumentKind
    from casework.pdf import latest_document

    status = CertificateApplication.Status
    if application.status == status.ISSUED and application.result_certificate_id:
        certificate = application.result_certificate
        result = {
            "document_number": certificate.number,
            "valid_from": certificate.valid_from,
            "valid_to": certificate.valid_to,
        }
        kinds = (DocumentKind.CERTIFICATE,)
    elif application.status == status.REFUSED:
        result = {"document_number": application.refusal_number, "valid_from": None, "valid_to": None}
        kinds = (DocumentKind.REFUSAL,)
    elif application.status == status.REFUSED_TO_ACCEPT:
        result = {"document_number": None, "valid_from": None, "valid_to": None}
        kinds = (DocumentKind.REFUSAL_TO_ACCEPT,)
    else:
        return {"result": None}
    document = None
    for kind in kinds:
        document = latest_document(application, kind)
        if document is None and application.result_certificate_id:
            document = latest_document(application.result_certificate, kind)
        if document is not None:
            break
    pdf = None
    if document is not None:
        result["document_number"] = result["document_number"] or document.number
        try:
            path = reverse("api:document-pdf", args=[document.number])
        except NoReverseMatch:  # the documents endpoint is not routed in this deployment
            path = None
        if path:
            pdf = request.build_absolute_uri(path) if request is not None else path
    result["pdf"] = pdf
    return {"result": result}
