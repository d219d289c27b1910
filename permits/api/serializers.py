"""Request and response bodies of the labour-immigrant permit API (same shape as the certificate one,
API.md "Bodies fixed by this contract"); documented in the OpenAPI schema."""

import base64
import binascii

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from casework.api.serializers import Base64Field
from casework.countries import validate_alpha3
from casework.identifiers import validate_iin

from .. import rules

DOCUMENT_TYPE_CHOICES = sorted(rules.DOCUMENT_TYPES)


class DocumentIn(serializers.Serializer):
    type = serializers.ChoiceField(choices=DOCUMENT_TYPE_CHOICES)
    filename = serializers.CharField(max_length=255)
    content_base64 = Base64Field(help_text="The file, base64; PDF, JPEG or PNG by content, ≤ 10 MB.")

    def validate_content_base64(self, value):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError(_("Not valid base64."), code="invalid_base64") from None


class ImmigrantIn(serializers.Serializer):
    surname = serializers.CharField(max_length=100)
    given_name = serializers.CharField(max_length=100)
    patronymic = serializers.CharField(max_length=100, required=False, allow_null=True, allow_blank=True)
    birth_date = serializers.DateField()
    citizenship = serializers.CharField(max_length=3, validators=[validate_alpha3], help_text="ISO 3166-1 alpha-3")
    passport_number = serializers.RegexField(r"^[A-Za-z0-9\- ]{3,30}$", max_length=30)
    passport_issued_on = serializers.DateField(required=False, allow_null=True)
    passport_issuer = serializers.CharField(max_length=200, required=False, allow_blank=True)
    iin = serializers.CharField(
        max_length=12, required=False, allow_null=True, allow_blank=True, validators=[validate_iin]
    )
    address = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text="Temporary address in Kazakhstan (annex 1 item 3)"
    )
    residence_country_address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    phone = serializers.RegexField(r"^\+?[0-9 ()-]{7,20}$", max_length=20, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    place_of_birth = serializers.CharField(max_length=200, required=False, allow_blank=True)
    family_composition = serializers.CharField(max_length=300, required=False, allow_blank=True)


class EmployerIn(serializers.Serializer):
    """The individual (household) employer (004 §2(3)): IIN required."""

    iin = serializers.CharField(max_length=12, validators=[validate_iin])
    name = serializers.CharField(max_length=300, help_text="Full name of the employer")
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    phone = serializers.RegexField(r"^\+?[0-9 ()-]{7,20}$", max_length=20, required=False, allow_blank=True)
    property_address = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="Address of the employer's own real estate (004 §23)",
    )
    property_unit = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        help_text="KATO code of the unit where that real estate lies (004 §23)",
    )


class SignatureIn(serializers.Serializer):
    signer = serializers.ChoiceField(choices=["immigrant", "employer"])
    iin = serializers.CharField(max_length=30, required=False, allow_blank=True)
    signature_base64 = serializers.CharField()


class ApplicationIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(rules.KINDS))
    unit = serializers.CharField(max_length=12, help_text="KATO code of the district / city body applied to (004 §4)")
    applicant = ImmigrantIn()
    employer = EmployerIn()
    term_months = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=1000, help_text="issue / extend: 1–12 (004 §19)"
    )
    permit_number = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="extend / duplicate: the permit concerned"
    )
    previous_permit_number = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="issue after 12 months: the current permit (004 §26)"
    )
    intention_agreement_number = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="issue: the agreement of intent (004 §11)"
    )
    medical_certificate_issued_on = serializers.DateField(required=False, allow_null=True)
    border_crossed_on = serializers.DateField(
        required=False, allow_null=True, help_text="Date of the border-crossing mark in the passport"
    )
    insurance_valid_until = serializers.DateField(required=False, allow_null=True)
    documents = DocumentIn(many=True, required=False)
    signatures = SignatureIn(
        many=True,
        required=False,
        help_text="Portal: EDS of the immigrant and of the employer over the body without `signatures` (001 §13)",
    )

    def validate(self, attrs):
        if attrs["kind"] in (rules.EXTEND, rules.DUPLICATE) and not attrs.get("permit_number"):
            raise serializers.ValidationError(
                {
                    "permit_number": [
                        serializers.ErrorDetail(_("Required for an extension or a duplicate."), code="required")
                    ]
                }
            )
        if attrs["kind"] in (rules.ISSUE, rules.EXTEND):
            missing = {}
            if attrs.get("term_months") is None:
                missing["term_months"] = [serializers.ErrorDetail(_("Required (1–12)."), code="required")]
            employer = attrs["employer"]
            for name in ("property_address", "property_unit"):
                if not employer.get(name):
                    missing[f"employer.{name}"] = [serializers.ErrorDetail(_("Required (004 §23)."), code="required")]
            if missing:
                raise serializers.ValidationError(missing)
        return attrs


class ApplicationOut(serializers.Serializer):
    number = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    registered_on = serializers.DateField()
    due = serializers.DateField(source="due_date")
    url = serializers.SerializerMethodField()
    not_accepted_reasons = serializers.ListField(child=serializers.CharField())
    permit_number = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return f"/api/v1/applications/{obj.number}"

    def get_permit_number(self, obj) -> str | None:
        return obj.result_permit.number if obj.result_permit_id else None


class PoliceCheckIn(serializers.Serializer):
    result = serializers.ChoiceField(choices=["positive", "negative"])
    reference = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="The Migration Police system's reference of the check",
    )
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class PoliceCheckOut(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    police_check = serializers.CharField()
    step_deadline = serializers.DateField(allow_null=True, help_text="The decision's deadline (004 §7)")


class TerminationEmployerIn(serializers.Serializer):
    iin = serializers.CharField(max_length=12, validators=[validate_iin])
    name = serializers.CharField(max_length=300, required=False, allow_blank=True)


class TerminationNoticeIn(serializers.Serializer):
    """A labour contract ended: give the permit (004 §28, the employer's notice) or the qualification
    certificate (003 §20, the holder's notice) it concerns — exactly one of the two numbers."""

    permit_number = serializers.CharField(max_length=40, required=False, help_text="a labour-immigrant permit")
    certificate_number = serializers.CharField(
        max_length=40, required=False, help_text="a qualification certificate for self-employment (003 §20)"
    )
    employer = TerminationEmployerIn(required=False, help_text="required with permit_number (the notifying employer)")
    contract_ended_on = serializers.DateField(help_text="The day the labour contract was terminated")

    def validate(self, attrs):
        if bool(attrs.get("permit_number")) == bool(attrs.get("certificate_number")):
            raise serializers.ValidationError(
                {"permit_number": [_("Give exactly one of permit_number and certificate_number.")]},
                code="one_of_required",
            )
        if attrs.get("permit_number") and not attrs.get("employer"):
            raise serializers.ValidationError(
                {"employer": [_("The employer who notifies is required for a permit (004 §28).")]}, code="required"
            )
        return attrs


class TerminationNoticeOut(serializers.Serializer):
    number = serializers.CharField(required=False, help_text="the notice's number (permits)")
    permit_number = serializers.CharField(required=False)
    certificate_number = serializers.CharField(required=False)
    contract_ended_on = serializers.DateField()
    due_on = serializers.DateField(help_text="2 WD after the contract's end for a permit (004 §28), 5 WD (003 §20)")
    is_late = serializers.BooleanField()
    received_at = serializers.DateTimeField()

    @staticmethod
    def of_permit_notice(notice) -> dict:
        return {
            "number": notice.number,
            "permit_number": notice.permit.number,
            "contract_ended_on": notice.contract_ended_on,
            "due_on": notice.due_on,
            "is_late": notice.is_late,
            "received_at": notice.received_at,
        }

    @staticmethod
    def of_certificate_notice(notice) -> dict:
        return {
            "certificate_number": notice.certificate.number,
            "contract_ended_on": notice.event_date,
            "due_on": notice.due_on,
            "is_late": notice.late,
            "received_at": notice.received_at,
        }


class AgreementIn(serializers.Serializer):
    unit = serializers.CharField(max_length=12)
    employer = TerminationEmployerIn()
    immigrant = ImmigrantIn()
    signed_on = serializers.DateField()
    vacancy_published_on = serializers.DateField(help_text="Publication of the vacancy on enbek.kz (004 §10)")
    occupation = serializers.CharField(max_length=200, required=False, allow_blank=True)
    wage = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=0)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)


class AgreementOut(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    signed_on = serializers.DateField()
    reserved_until = serializers.DateField(help_text="The quota unit is reserved until this day (004 §12)")


class RevocationActOut(serializers.Serializer):
    number = serializers.CharField()
    date = serializers.DateField()
    body = serializers.CharField()


class RevocationOut(serializers.Serializer):
    """Annex 9 as data."""

    number = serializers.CharField()
    recorded_at = serializers.DateTimeField()
    revoked_on = serializers.DateField()
    leave_by = serializers.DateField(help_text="The shortened stay ends (004 §40, annex 8)")
    ground = serializers.CharField()
    act = serializers.DictField()
    provider = serializers.DictField()
    police_body = serializers.CharField()
    immigrant = serializers.DictField()
    permit = serializers.DictField()
