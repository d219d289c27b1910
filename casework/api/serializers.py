"""Bodies every service's portal API shares (API.md "Applicant identity fields", documents).

Shapes and types are checked here; the act's rules and identifier check digits are checked by the
services, whose errors carry the same dotted names (``applicant.iin``), so every channel gets the
same codes. A service adds its own fields by subclassing.
"""

import binascii

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from casework.api.fastjson import b64decode
from casework.documents import DOCUMENT_TYPES


class Base64Field(serializers.CharField):
    """A file as base64 text. DRF's CharField checks every character for surrogates with a Python
    generator (``ord()`` per character): for 3 documents of 100 KB that was ~50 ms of CPU per request,
    the hottest spot of a portal POST (bench/api_load.py). The base64 decoding that follows
    (``validate=True``) accepts the base64 alphabet only, which already refuses surrogates."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitSurrogateCharactersValidator)]


class ApplicantIdentitySerializer(serializers.Serializer):
    """The applicant's identity as API.md fixes it (a person; employers by BIN or IIN elsewhere)."""

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


class DocumentUploadSerializer(serializers.Serializer):
    """One attached file: ``content_base64`` becomes bytes; what the file is, is checked by content later
    (casework.documents.validate_document: PDF, JPEG or PNG, at most 10 MB)."""

    type = serializers.ChoiceField(choices=[], help_text="a document type of the service's requirement list")
    filename = serializers.CharField(max_length=255)
    content_base64 = Base64Field(help_text="The file, base64; PDF, JPEG or PNG by content, at most 10 MB")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Services register their document types when they load; read them when the serializer is made.
        self.fields["type"].choices = sorted(DOCUMENT_TYPES)

    def validate_content_base64(self, value: str) -> bytes:
        limit = settings.UPLOAD_MAX_BYTES
        if len(value) > (limit // 3 + 1) * 4 + 16:
            raise serializers.ValidationError(
                _("The file is larger than %(max)d MB.") % {"max": limit // 1048576}, code="file_too_large"
            )
        try:
            content = b64decode(value)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError(_("Not valid base64."), code="invalid_base64") from None
        if not content:
            raise serializers.ValidationError(_("The file is empty."), code="empty_file")
        return content
