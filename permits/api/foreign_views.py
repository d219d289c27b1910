"""The portal's foreign-labour permit endpoints (seed 000), on casework.api: API keys and scopes, problem
details, ``Idempotency-Key`` on every POST, ``If-Match`` where an application changes.

    POST /api/v1/foreign-labour-permit-applications/                          file (issue / reissue / extend)
    POST /api/v1/foreign-labour-permit-applications/{number}/fee-payments/    the copy of the fee payment
    GET  /api/v1/applications/{number}                                        status and result (casework.registry)
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.response import Response

from casework.api.problems import ApiProblem
from casework.api.views import PortalAPIView, etag_for, if_match_tags, validated
from casework.models import ApiClient, Channel

from ..foreign_labour import services as flp
from ..foreign_labour.models import ForeignLabourPermitApplication
from ..services import unit_by_code
from . import foreign_serializers as s

EXAMPLE_BIN = "180340021791"

ISSUE_EXAMPLE = {
    "kind": "issue",
    "intra_corporate": False,
    "unit": "470000000",
    "employer": {"bin": EXAMPLE_BIN, "name": "TOO Caspian Drilling", "email": "hr@caspian.example"},
    "term_months": 12,
    "workers": [
        {"profession": "drilling engineer", "qualification_category": "3", "count": 3, "territory": "471010000"}
    ],
    "documents": [{"type": "flp_workers_list", "filename": "workers.pdf", "content_base64": "JVBERi0xLjQK…"}],
    "signature": {"signer_id": EXAMPLE_BIN, "signature_base64": "MEUCIQ…"},
}
TRANSFER_EXAMPLE = {
    "kind": "issue",
    "intra_corporate": True,
    "unit": "470000000",
    "employer": {"bin": EXAMPLE_BIN, "name": "TOO Caspian Drilling"},
    "term_months": 24,
    "sending_company": "Caspian Drilling Ltd (UK)",
    "transferees": [
        {
            "person": {
                "surname": "Smith",
                "given_name": "John",
                "birth_date": "1980-05-06",
                "citizenship": "GBR",
                "passport_number": "P7654321",
            },
            "profession": "site manager",
            "qualification_category": "2",
        }
    ],
    "documents": [{"type": "flp_transfer_decision", "filename": "decision.pdf", "content_base64": "JVBERi0xLjQK…"}],
    "signature": {"signer_id": EXAMPLE_BIN, "signature_base64": "MEUCIQ…"},
}
EXTEND_EXAMPLE = {
    "kind": "extend",
    "intra_corporate": False,
    "unit": "470000000",
    "employer": {"bin": EXAMPLE_BIN, "name": "TOO Caspian Drilling"},
    "permit_number": "FLPM-2026-000001",
    "term_months": 6,
    "documents": [{"type": "flp_extension_grounds", "filename": "grounds.pdf", "content_base64": "JVBERi0xLjQK…"}],
    "signature": {"signer_id": EXAMPLE_BIN, "signature_base64": "MEUCIQ…"},
}


def _channel(client: ApiClient) -> str:
    # 000 §1: the office or the portal; the State Corporation does not take these applications.
    return Channel.STATE_CORPORATION if client.kind == ApiClient.Kind.STATE_CORPORATION else Channel.PORTAL


def _expected_version(request) -> int | None:
    tags = if_match_tags(request)
    if not tags or "*" in tags:
        return None
    try:
        return int(tags[0])
    except ValueError:
        return -1  # never matches: 412


class ForeignLabourApplicationCreate(PortalAPIView):
    """File an employer's application for a permit to attract foreign labour (seed 000): `kind` `issue`,
    `reissue` or `extend`; `intra_corporate` true for an intra-corporate transfer (named `transferees`),
    false for workers by profession and qualification category (`workers`).

    Portal route (000 §9): the request is certified with the employer's EDS — `signature.signer_id` is the
    IIN/BIN of the EDS certificate and must be the employer's; `signature_base64` is the signature over the
    SHA-256 of the body without `signature` (canonical JSON: sorted keys, no whitespace). The signed body and
    the signer are kept with the application.

    Refusals, nothing created: 400 `invalid` (shape, with `invalid_params`), `invalid_document`; 422
    `unit_not_a_region`, `channel_not_available` (a State Corporation client), `term_out_of_range`,
    `workers_required`, `transferees_required`, `transferees_only_for_transfer`, `territory_outside_unit`,
    `unknown_unit`, `quota_exhausted`, `permit_not_found`, `permit_not_active`, `permit_of_another_employer`,
    `permit_kind_mismatch`, `documents_incomplete`, `signature_missing`, `signature_invalid`,
    `signature_unverifiable`, `signer_not_applicant`; 409 `application_in_progress`.
    """

    required_scopes = ["applications:submit"]

    @extend_schema(
        request=s.FLPApplicationIn,
        responses={201: s.FLPApplicationOut},
        operation_id="foreign_labour_permit_applications_create",
        examples=[
            OpenApiExample("Ordinary issue", value=ISSUE_EXAMPLE, request_only=True),
            OpenApiExample("Intra-corporate transfer", value=TRANSFER_EXAMPLE, request_only=True),
            OpenApiExample("Extension", value=EXTEND_EXAMPLE, request_only=True),
            OpenApiExample(
                "Registered",
                response_only=True,
                status_codes=["201"],
                value={
                    "number": "FLP-2026-000001",
                    "kind": "issue",
                    "intra_corporate": False,
                    "status": "under_check",
                    "registered_on": "2026-03-19",
                    "due": "2026-04-20",
                    "step": "check",
                    "step_deadline": "2026-03-27",
                    "fee_due_on": None,
                    "url": "/api/v1/applications/FLP-2026-000001",
                },
            ),
        ],
    )
    def post(self, request):
        data = validated(s.FLPApplicationIn, request)
        client = request.auth
        changes = {"employer_name": data["employer_name_new"]} if data.get("employer_name_new") else {}
        # The access code is the public tracking page's; the portal follows the application in its cabinet.
        app, _access_code = flp.submit_foreign_labour_application(
            flp.ForeignLabourApplicationInput(
                kind=data["kind"],
                intra_corporate=data["intra_corporate"],
                unit=unit_by_code(data["unit"]),
                employer=data["employer"],
                channel=_channel(client),
                term_months=data.get("term_months"),
                workers=data.get("workers", []),
                transferees=data.get("transferees", []),
                sending_company=data.get("sending_company", ""),
                permit_number=data.get("permit_number", ""),
                reissue_reason=data.get("reissue_reason", ""),
                changes=changes,
                documents=[
                    {"type": d["type"], "filename": d["filename"], "content": d["content_base64"]}
                    for d in data.get("documents", [])
                ],
                signature=data.get("signature"),
                signed_body={k: v for k, v in request.data.items() if k != "signature"},
            ),
            actor=self.actor,
            api_client=client,
        )
        return Response(
            s.FLPApplicationOut(app).data,
            status=201,
            headers={"Location": f"/api/v1/applications/{app.number}", "ETag": etag_for(app)},
        )


class FeePaymentCreate(PortalAPIView):
    """The employer's copy of the document confirming payment of the fee for the permit (000 §5): within 10
    working days of the letter (`fee_due_on`). A clerk then confirms it and the permit goes to the head's
    signature; without a copy in time the application lapses (`fee_lapsed`).

    Honours `If-Match` (the application's ETag). Refusals: 404 `not_found`; 409 `not_awaiting_fee`; 412
    `version_mismatch`; 422 `fee_window_closed`; 400 `invalid` / `invalid_document`.
    """

    required_scopes = ["applications:submit"]
    if_match_methods = ("POST",)

    @extend_schema(
        request=s.FeePaymentIn,
        responses={201: s.FeePaymentOut},
        operation_id="foreign_labour_permit_fee_payments_create",
        examples=[
            OpenApiExample(
                "Copy of the payment",
                request_only=True,
                value={
                    "document": {"type": "fee_payment_proof", "filename": "payment.pdf", "content_base64": "JVBERi0…"},
                    "amount": "13800.00",
                    "paid_on": "2026-04-08",
                    "payment_reference": "KASPI-000123",
                },
            )
        ],
    )
    def post(self, request, number):
        data = validated(s.FeePaymentIn, request)
        app = ForeignLabourPermitApplication.objects.filter(number=number).first()
        if app is None:
            raise ApiProblem(404, "not_found", _("No foreign-labour permit application %(n)s.") % {"n": number})
        document = data["document"]
        payment = flp.submit_fee_proof(
            app.pk,
            filename=document["filename"],
            content=document["content_base64"],
            channel=Channel.PORTAL,
            actor=self.actor,
            amount=data.get("amount"),
            paid_on=data.get("paid_on"),
            payment_reference=data.get("payment_reference", ""),
            expected_version=_expected_version(request),
        )
        return Response(s.FeePaymentOut(payment).data, status=201, headers={"ETag": etag_for(payment.application)})
