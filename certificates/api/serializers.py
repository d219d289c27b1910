"""The portal's contract for qualification certificates (API.md "Bodies fixed by this contract").

Types and shapes are checked here (DRF's codes: required, null, invalid, invalid_choice, max_length...);
the act's rules and identifiers (IIN/BIN check digits, country codes, the certificate's holder) are
checked by ``certificates.services.submit_application``, whose errors carry the same dotted names.
"""

import base64
import binascii

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from casework.documents import DOCUMENT_TYPES

from .. import rules


class CertificateApplicantSerializer(serializers.Serializer):
    surname = serializers.CharField(max_length=100)
    given_name = serializers.CharField(max_length=100)
    patronymic = serializers.CharField(max_length=100, required=False, allow_null=True, allow_blank=True)
    birth_date = serializers.DateField()
    citizenship = serializers.CharField(max_length=3, help_text="ISO 3166-1 alpha-3 (XXA: stateless)")
    passport_number = serializers.CharField(max_length=30)
    passport_issued_on = serializers.DateField(required=False, allow_null=True)
    passport_issuer = serializers.CharField(max_length=200, required=False, allow_null=True, allow_blank=True)
    iin = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=12,
        help_text="12 digits with the check digit; optional for foreigners",
    )
    address = serializers.CharField(max_length=300, required=False, allow_null=True, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_null=True, allow_blank=True)
    residence_country_address = serializers.CharField(max_length=300, required=False, allow_null=True, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_null=True, allow_blank=True)


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


class CertificateDocumentSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=sorted(DOCUMENT_TYPES))
    filename = serializers.CharField(max_length=255)
    content_base64 = serializers.CharField(help_text="The file, base64; PDF, JPEG or PNG by content, at most 10 MB")

    def validate_content_base64(self, value: str) -> bytes:
        limit = settings.UPLOAD_MAX_BYTES
        if len(value) > (limit // 3 + 1) * 4 + 16:
            raise serializers.ValidationError(
                _("The file is larger than %(max)d MB.") % {"max": limit // 1048576}, code="file_too_large"
            )
        try:
            content = base64.b64decode("".join(value.split()), validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError(_("Not valid base64."), code="invalid_base64") from None
        if not content:
            raise serializers.ValidationError(_("The file is empty."), code="empty_file")
        return content


class CertificateApplicationSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=rules.KINDS)
    applicant = CertificateApplicantSerializer()
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
    documents = CertificateDocumentSerializer(many=True, required=False, max_length=20)


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
