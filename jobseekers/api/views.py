"""``POST /api/v1/job-seeker-registrations/`` and ``POST /api/v1/unemployed-registrations/`` (scope
applications:submit, idempotent, problem details). The status is then read through the generic
``GET /api/v1/applications/{number}``."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.response import Response

from casework.actors import Actor
from casework.api.views import PortalAPIView, etag_for, validated
from casework.models import ApiClient, Channel

from .. import services
from .serializers import JobSeekerRegistrationIn, RegistrationOut, UnemployedRegistrationIn

SUBMIT = ["applications:submit"]

APPLICANT_EXAMPLE = {
    "surname": "Сейітов",
    "given_name": "Нұрлан",
    "patronymic": None,
    "birth_date": "1990-04-02",
    "citizenship": "KAZ",
    "passport_number": "N12345678",
    "iin": "900402300013",
    "address": "Алматы қ., Абай даңғылы, 10",
    "phone": "+77015550101",
    "email": "nurlan@example.kz",
}
ERROR_EXAMPLES = [
    OpenApiExample(
        "Bad IIN (400)",
        response_only=True,
        status_codes=["400"],
        value={
            "type": "https://…/problems/invalid",
            "title": "The request is invalid",
            "status": 400,
            "detail": "applicant.iin: IIN: the check digit (12th digit) does not match",
            "code": "invalid",
            "invalid_params": [
                {
                    "name": "applicant.iin",
                    "code": "invalid_checksum",
                    "reason": "IIN: the check digit (12th digit) does not match",
                }
            ],
        },
    ),
    OpenApiExample(
        "Already registered (422)",
        response_only=True,
        status_codes=["422"],
        value={
            "type": "https://…/problems/already_registered",
            "title": "A rule of the act refuses this request",
            "status": 422,
            "detail": "This person already has an open job-seeker registration (JS-2026-000007)…",
            "code": "already_registered",
            "invalid_params": [{"name": "applicant", "code": "already_registered", "reason": "…"}],
        },
    ),
]


def channel_of(client) -> str:
    if isinstance(client, ApiClient) and client.kind == ApiClient.Kind.STATE_CORPORATION:
        return Channel.STATE_CORPORATION
    return Channel.PORTAL


def _documents(data) -> list[dict]:
    return [
        {"type": d["type"], "filename": d["filename"], "content": d["content_base64"]}
        for d in data.get("documents", [])
    ]


def _created(case) -> Response:
    body = RegistrationOut(case).data
    return Response(body, status=201, headers={"Location": body["url"], "ETag": etag_for(case)})


class JobSeekerRegistrationCreate(PortalAPIView):
    required_scopes = SUBMIT

    @extend_schema(
        operation_id="job_seeker_registration_create",
        summary="Register a job seeker (seed 002, annex 1)",
        description=(
            "The employment centre registers the person the same day (002-1 §5): `due` is the registration day. "
            "A citizen needs `applicant.iin`; a kandas or a permanent resident `residence_document_number`. "
            "A person with an open registration → 422 `already_registered`.\n\nRequired scope: `applications:submit`"
        ),
        tags=["job seekers"],
        request=JobSeekerRegistrationIn,
        responses={201: RegistrationOut},
        examples=[
            OpenApiExample(
                "Citizen at the portal",
                request_only=True,
                value={"applicant": APPLICANT_EXAMPLE, "residency": "citizen", "unit": "751710000", "documents": []},
            ),
            OpenApiExample(
                "Created",
                response_only=True,
                status_codes=["201"],
                value={
                    "number": "JS-2026-000001",
                    "kind": "job_seeker",
                    "status": "received",
                    "registered_on": "2026-06-16",
                    "due": "2026-06-16",
                    "url": "/api/v1/applications/JS-2026-000001",
                },
            ),
            *ERROR_EXAMPLES,
        ],
    )
    def post(self, request):
        data = validated(JobSeekerRegistrationIn, request)
        result = services.register_job_seeker(
            applicant=data["applicant"],
            residency=data["residency"],
            residence_document_number=data["residence_document_number"],
            unit=data["unit"],
            channel=channel_of(request.auth),
            actor=Actor.client(request.auth),
            documents=_documents(data),
        )
        return _created(result.case)


class UnemployedRegistrationCreate(PortalAPIView):
    required_scopes = SUBMIT

    @extend_schema(
        operation_id="unemployed_registration_create",
        summary="Apply for registration as unemployed (seed 002, annex 2)",
        description=(
            "Received for the employment centre, decided by the social welfare department within 2 working days "
            "of forwarding; the person is informed within 1 working day by `notify_by` (002-2 §5): `due` is 3 "
            "working days after registration. `notify_by: sms` needs `applicant.phone`, `email` needs "
            "`applicant.email`.\n\nRequired scope: `applications:submit`"
        ),
        tags=["job seekers"],
        request=UnemployedRegistrationIn,
        responses={201: RegistrationOut},
        examples=[
            OpenApiExample(
                "Citizen, informed by SMS",
                request_only=True,
                value={
                    "applicant": APPLICANT_EXAMPLE,
                    "residency": "citizen",
                    "unit": "751710000",
                    "notify_by": "sms",
                    "documents": [],
                },
            ),
            OpenApiExample(
                "Created",
                response_only=True,
                status_codes=["201"],
                value={
                    "number": "UE-2026-000001",
                    "kind": "unemployed",
                    "status": "received",
                    "registered_on": "2026-03-19",
                    "due": "2026-03-27",
                    "url": "/api/v1/applications/UE-2026-000001",
                },
            ),
            *ERROR_EXAMPLES,
        ],
    )
    def post(self, request):
        data = validated(UnemployedRegistrationIn, request)
        result = services.register_unemployed(
            applicant=data["applicant"],
            residency=data["residency"],
            notify_by=data["notify_by"],
            residence_document_number=data["residence_document_number"],
            unit=data["unit"],
            channel=channel_of(request.auth),
            actor=Actor.client(request.auth),
            documents=_documents(data),
        )
        return _created(result.case)
