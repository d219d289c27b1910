"""The portal's contract for qualification certificates (API.md "Bodies fixed by this contract").

Types and shapes are checked here (DRF's codes: required, null, invalid, invalid_choice, max_length...);
the act's rules and identifiers (IIN/BIN check digits, country codes, the certificate's holder) are
checked by ``certificates.services.submit_application``, whose errors carry the same dotted names.
"""

from rest_framework import serializers

from casework.api.serializers import ApplicantIdentitySerializer, DocumentUploadSerializer

from .. import rules


class CertificateEducationSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=rules.EDUCATION_KINDS)
    specialty = serializers.CharField(max_length=300, required=False, allow_blank=True, allow_null=True)
    document_number = serializers.CharField(max_length=100, required=False, allow_blank=True, allow_null=True)


class CertificateEmployerSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=300)
    bin = serializers.CharField(max_length=12, required=False, allow_blank=True, allow_null=True)
    iin = serializers.CharField(max_length=12, required=False, allow_blank=True, allow_null=True)


class CertificateLabourContractSerializer(serializers.Serializer):
    concluded_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)


class CertificateApplicationSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=rules.KINDS)
    applicant = ApplicantIdentitySerializer()
    profession = serializers.CharField(max_length=20, help_text="Catalogue code, GET /api/v1/catalogue/professions/")
    education = CertificateEducationSerializer(many=True, required=False)
    experience_years = serializers.IntegerField(
        min_value=0,
        max_value=80,
        required=False,
        allow_null=True,
        help_text="Whole completed years in the specialty (issue)",
    )
    employer = CertificateEmployerSerializer(
        required=False, allow_null=True, help_text="extend; reissue for a new employer"
    )
    certificate_number = serializers.CharField(
        max_length=40, required=False, allow_blank=True, allow_null=True, help_text="extend, reissue, duplicate"
    )
    # Beyond API.md's fixed body (optional; documented here): what the act's windows and terms need.
    reissue_reason = serializers.ChoiceField(
        choices=rules.REISSUE_REASONS,
        required=False,
        allow_blank=True,
        help_text="reissue: identity_change or employer_change (default: employer_change when employer is given)",
    )
    event_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="reissue: the date of the change (003 §22); duplicate: of the loss or damage (§22-1). Starts the "
        "5-working-day window; a late filing is accepted and flagged.",
    )
    labour_contract = CertificateLabourContractSerializer(
        required=False,
        allow_null=True,
        help_text="extend: concluded_on starts the 5-working-day window (003 §17); ends_on bounds the extension (§16)",
    )
    documents = DocumentUploadSerializer(many=True, required=False, max_length=20)


class CertificateApplicationCreatedSerializer(serializers.Serializer):
    number = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    registered_on = serializers.DateField()
    due = serializers.DateField(help_text="The expected result date (003 §5)")
    url = serializers.URLField(help_text="GET it to follow the application")


class ProfessionNamesSerializer(serializers.Serializer):
    kk = serializers.CharField()
    ru = serializers.CharField()


class ProfessionSectorSerializer(ProfessionNamesSerializer):
    code = serializers.CharField()


class ProfessionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = ProfessionNamesSerializer()
    group = ProfessionNamesSerializer(allow_null=True)
    sector = ProfessionSectorSerializer()
    activity = ProfessionNamesSerializer()

    def to_representation(self, instance):
        return {
            "code": instance.code,
            "name": {"kk": instance.name_kk, "ru": instance.name_ru},
            "group": {"kk": instance.group_kk, "ru": instance.group_ru} if instance.group_kk else None,
            "sector": {"code": instance.sector_code, "kk": instance.sector_kk, "ru": instance.sector_ru},
            "activity": {"kk": instance.activity_kk, "ru": instance.activity_ru},
        }
