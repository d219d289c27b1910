"""Bodies of the job-seeker endpoints. Identity fields as everywhere in the API (API.md "Applicant identity")."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from casework.api.serializers import ApplicantIdentitySerializer, DocumentUploadSerializer
from casework.countries import validate_alpha3
from casework.identifiers import identifier_error
from casework.models import TerritorialUnit
from casework.models.parties import phone_validator

from .. import rules


class IinField(serializers.CharField):
    """12 digits with the check digit (API.md "IIN/BIN"); null or "" when not given."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("trim_whitespace", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value:
            error = identifier_error(value)
            if error:
                raise serializers.ValidationError(_("IIN: %(reason)s") % {"reason": error[1]}, code=error[0])
        return value or ""

    def validate_empty_values(self, data):
        if data is None:
            return (True, "")
        return super().validate_empty_values(data)


class CitizenshipField(serializers.CharField):
    def to_internal_value(self, data):
        value = super().to_internal_value(data).upper()
        try:
            validate_alpha3(value)
        except Exception as exc:  # django ValidationError → DRF's, with its code
            raise serializers.ValidationError(
                _("Use an ISO 3166-1 alpha-3 code, e.g. KAZ."), code="invalid_country"
            ) from exc
        return value


class JobSeekerApplicantSerializer(ApplicantIdentitySerializer):
    """The shared identity, with citizenship and IIN checked here (a citizen's IIN is required, 002)."""

    citizenship = CitizenshipField(max_length=3, help_text="ISO 3166-1 alpha-3: KAZ for citizens")
    passport_number = serializers.CharField(max_length=30, help_text="identity card / passport number")
    iin = IinField(help_text="required for citizens of Kazakhstan; validated when given")
    phone = serializers.CharField(
        max_length=20, required=False, allow_null=True, allow_blank=True, validators=[phone_validator]
    )
    email = serializers.EmailField(required=False, allow_null=True, allow_blank=True)

    def validate(self, attrs):
        return {
            key: ("" if value is None and key not in ("birth_date", "passport_issued_on") else value)
            for key, value in attrs.items()
        }


class UnitField(serializers.SlugRelatedField):
    default_error_messages = {
        "does_not_exist": _("No territorial unit with KATO code {value}."),
        "invalid": _("Give the KATO code as a string."),
    }

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=TerritorialUnit.objects.all(), **kwargs)


class RegistrationIn(serializers.Serializer):
    applicant = JobSeekerApplicantSerializer()
    residency = serializers.ChoiceField(
        choices=[c for c, _label in rules.RESIDENCY_CHOICES], help_text="citizen | kandas | permanent_resident"
    )
    residence_document_number = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        default="",
        help_text="residence permit or kandas certificate number (kandas, permanent_resident)",
    )
    unit = UnitField(help_text="KATO code of the district / city whose employment centre registers the person")
    documents = DocumentUploadSerializer(many=True, required=False, default=list)


class JobSeekerRegistrationIn(RegistrationIn):
    """002-1: registration of a job seeker."""


class UnemployedRegistrationIn(RegistrationIn):
    """002-2: registration as unemployed, informed of the decision by SMS or e-mail."""

    notify_by = serializers.ChoiceField(
        choices=[c for c, _label in rules.NOTIFY_CHANNELS],
        help_text="sms (needs applicant.phone) | email (needs applicant.email)",
    )


class RegistrationOut(serializers.Serializer):
    number = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    registered_on = serializers.DateField()
    due = serializers.DateField(source="due_date", help_text="expected result date")
    url = serializers.SerializerMethodField()

    def get_url(self, case) -> str:
        return f"/api/v1/applications/{case.number}"
