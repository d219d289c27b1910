"""The portal's labour-immigrant permit endpoints (API.md), built on casework.api: API keys and scopes,
problem details, ``Idempotency-Key`` on every POST, ``If-Match`` where a case changes, pagination."""

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from casework.actors import Actor
from casework.api.problems import ApiProblem
from casework.api.views import PortalAPIView, PortalGenericAPIView, check_if_match, etag_for, validated
from casework.models import ApiClient, Channel

from .. import rules, services
from ..models import LabourImmigrantPermitApplication, Revocation
from . import serializers as s


def channel_of(client: ApiClient) -> str:
    return Channel.STATE_CORPORATION if client.kind == ApiClient.Kind.STATE_CORPORATION else Channel.PORTAL


class ApplicationCreate(PortalAPIView):
    """File an application for a labour-immigrant permit: `issue`, `extend` or `duplicate` (004 §5, §24, §27).

    A portal client's `issue` / `extend` carries the EDS of both the immigrant and the employer
    (`signatures`, 001 §13). Rules refused with 422 and a stable `code`, nothing created:
    `term_out_of_range`, `term_exceeds_12_months`, `quota_exhausted`, `property_outside_unit`,
    `extension_window_closed`, `new_permit_window_closed`, `permit_not_valid_in_unit`, `permit_not_transferable`,
    `permit_not_found`, `permit_not_active`, `agreement_*`, `signature_missing`, `signature_invalid`; on the
    portal also `documents_incomplete`, `medical_certificate_expired`, `border_crossing_too_old`,
    `insurance_does_not_cover_term`. A State Corporation client's incomplete or expired package is registered
    and refused to accept (status `refused_to_accept`, annex 4 receipt, 004 §17).
    """

    required_scopes = ["applications:submit"]

    @extend_schema(
        request=s.ApplicationIn,
        responses={201: s.ApplicationOut},
        operation_id="labour_immigrant_permit_applications_create",
    )
    def post(self, request):
        data = validated(s.ApplicationIn, request)
        employer = data["employer"]
        client = request.auth
        # The access code is the public tracking page's; the portal follows the application in its cabinet.
        app, _access_code = services.register_application(
            services.ApplicationInput(
                kind=data["kind"],
                unit=services.unit_by_code(data["unit"]),
                applicant=data["applicant"],
                employer=employer,
                channel=channel_of(client),
                term_months=data.get("term_months"),
                permit_number=data.get("permit_number") or "",
                previous_permit_number=data.get("previous_permit_number") or "",
                intention_agreement_number=data.get("intention_agreement_number") or "",
                property_address=employer.get("property_address") or "",
                property_unit_code=employer.get("property_unit") or "",
                medical_certificate_issued_on=data.get("medical_certificate_issued_on"),
                border_crossed_on=data.get("border_crossed_on"),
                insurance_valid_until=data.get("insurance_valid_until"),
                documents=[
                    {"type": d["type"], "filename": d["filename"], "content": d["content_base64"]}
                    for d in data.get("documents", [])
                ],
                signatures=data.get("signatures", []),
                signed_body=request.data,
            ),
            actor=Actor.client(client),
            api_client=client,
        )
        return Response(
            s.ApplicationOut(app).data,
            status=201,
            headers={"Location": f"/api/v1/applications/{app.number}", "ETag": etag_for(app)},
        )


class PoliceCheckResult(PortalAPIView):
    """The internal-affairs liaison returns the result of the check of 004 §16 (1 working day).

    Only a client of kind `police_liaison` may call it (else 403 `not_police_liaison`). Honours `If-Match`
    (the application's version). A positive result lets the office decide within 2 working days (004 §7);
    a negative one leads to a refusal on ground G3. A second result for the same application → 409
    `police_check_already_recorded`.
    """

    required_scopes = ["notices:submit"]
    if_match_methods = ("POST",)

    @extend_schema(
        request=s.PoliceCheckIn,
        responses={200: s.PoliceCheckOut},
        operation_id="labour_immigrant_permit_applications_police_check",
    )
    def post(self, request, number):
        client = request.auth
        if client.kind != ApiClient.Kind.POLICE_LIAISON:
            raise ApiProblem(403, rules.NOT_POLICE_LIAISON, _("Only the internal-affairs liaison returns checks."))
        data = validated(s.PoliceCheckIn, request)
        app = LabourImmigrantPermitApplication.objects.filter(number=number).first()
        if app is None:
            raise ApiProblem(404, "not_found", _("No labour-immigrant permit application %(n)s.") % {"n": number})
        check_if_match(request, app)
        app = services.record_police_check(
            app.pk,
            result=data["result"],
            reference=data.get("reference", ""),
            comment=data.get("comment", ""),
            actor=Actor.client(client),
            expected_version=app.version,
        )
        body = {
            "number": app.number,
            "status": app.status,
            "police_check": app.police_check,
            "step_deadline": app.step_deadline,
        }
        return Response(s.PoliceCheckOut(body).data, headers={"ETag": etag_for(app)})


class TerminationNoticeCreate(PortalAPIView):
    """A labour contract ended: the employer's notice for a labour-immigrant permit (004 §28, annex 6), or
    the holder's notice for a qualification certificate (003 §20, `certificate_number`; due within 5
    working days, recorded with `is_late`; the certificate stays in force).

    Due within 2 working days of the contract's end; a later notice is recorded with `is_late: true`.
    The permit ends (`terminated`) and its quota unit is freed. 404-like refusals are 422 `permit_not_found`;
    a notice from another employer → 422 `employer_mismatch`; a permit no longer in force → 409
    `permit_not_active`.
    """

    required_scopes = ["notices:submit"]

    @extend_schema(
        request=s.TerminationNoticeIn,
        responses={201: s.TerminationNoticeOut},
        operation_id="termination_notices_create",
    )
    def post(self, request):
        data = validated(s.TerminationNoticeIn, request)
        client = request.auth
        if data.get("certificate_number"):
            # 003 §20: the certificate holder's notice goes to the certificate service (recorded, due in
            # 5 WD; it does not end the certificate by itself).
            from certificates import rules as certificate_rules
            from certificates import services as certificate_services

            holder_notice = certificate_services.record_notice(
                certificate_number=data["certificate_number"],
                kind=certificate_rules.NOTICE_CONTRACT_TERMINATION,
                event_date=data["contract_ended_on"],
                channel=channel_of(client),
                actor=Actor.client(client),
            )
            body = s.TerminationNoticeOut.of_certificate_notice(holder_notice)
        else:
            notice = services.submit_termination_notice(
                permit_number=data["permit_number"],
                employer_iin=data["employer"]["iin"],
                contract_ended_on=data["contract_ended_on"],
                channel=channel_of(client),
                actor=Actor.client(client),
                api_client=client,
            )
            body = s.TerminationNoticeOut.of_permit_notice(notice)
        return Response(s.TerminationNoticeOut(body).data, status=201)


class AgreementCreate(PortalAPIView):
    """Record an agreement of intent (004 §11, annex 3) signed on migration.enbek.kz; reserves a quota unit
    for 10 calendar days (004 §12). 422 `vacancy_search_too_early` (004 §10), `quota_exhausted`."""

    required_scopes = ["applications:submit"]

    @extend_schema(
        request=s.AgreementIn,
        responses={201: s.AgreementOut},
        operation_id="labour_immigrant_intention_agreements_create",
    )
    def post(self, request):
        data = validated(s.AgreementIn, request)
        agreement = services.sign_intention_agreement(
            unit=services.unit_by_code(data["unit"]),
            employer=data["employer"],
            immigrant=data["immigrant"],
            signed_on=data["signed_on"],
            vacancy_published_on=data["vacancy_published_on"],
            occupation=data.get("occupation", ""),
            wage=data.get("wage"),
            place=data.get("place", ""),
            actor=Actor.client(request.auth),
        )
        return Response(s.AgreementOut(agreement).data, status=201)


class RevocationFeed(PortalGenericAPIView):
    """Revocation information for internal affairs (004 §39, annex 9), oldest first, paginated.

    `since`: only revocations recorded after this timestamp (ISO 8601 with offset). When the internal-affairs
    liaison (client kind `police_liaison`) reads a revocation here, its information counts as delivered.
    """

    required_scopes = ["revocations:read"]
    queryset = Revocation.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "since",
                str,
                OpenApiParameter.QUERY,
                description="ISO 8601 timestamp with offset, e.g. 2026-03-02T09:00:00+05:00",
            )
        ],
        responses={200: s.RevocationOut(many=True)},
        operation_id="revocations_list",
    )
    def get(self, request):
        queryset = Revocation.objects.select_related("permit__holder", "unit").order_by("received_at", "pk")
        since = request.query_params.get("since")
        if since:
            moment = parse_datetime(since.replace(" ", "+"))
            if moment is None or moment.tzinfo is None:
                raise ApiProblem(
                    400,
                    "invalid",
                    _("since: an ISO 8601 timestamp with offset is expected."),
                    invalid_params=[{"name": "since", "code": "invalid_datetime", "reason": _("ISO 8601 with offset")}],
                )
            queryset = queryset.filter(received_at__gt=moment)
        page = self.paginate_queryset(queryset)
        services.revocations_read_by_liaison(page, request.auth)
        items = [{**services.revocation_payload(rev), "recorded_at": rev.received_at} for rev in page]
        return self.get_paginated_response(s.RevocationOut(items, many=True).data)
