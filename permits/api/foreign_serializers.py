"""Request and response bodies of the foreign-labour permit API (seed 000), in the shape of the other services'
(API.md "Bodies fixed by this contract": employer by ``bin`` or ``iin``, ``term_months``, ``permit_number`` for
re-issue / extension, ``documents``). The shared identity and document shapes come from casework.api."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from casework.api.serializers import ApplicantIdentitySerializer, DocumentUploadSerializer
from casework.identifiers import validate_bin, validate_iin

from ..foreign_labour import rules


class FLPEmployerIn(serializers.Serializer):
    """The employer: a legal entity by ``bin`` or an individual entrepreneur by ``iin`` (one of them)."""

    bin = serializers.CharField(max_length=12, required=False, allow_blank=True, validators=[validate_bin])
    iin = serializers.CharField(max_length=12, required=False, allow_blank=True, validators=[validate_iin])
    name = serializers.CharField(max_length=300)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    phone = serializers.RegexField(r"^\+?[0-9 ()-]{7,20}$", max_length=20, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)

    def validate(self, attrs):
        if bool(attrs.get("bin")) == bool(attrs.get("iin")):
            raise serializers.ValidationError(
                {"bin": [serializers.ErrorDetail(_("Give the BIN or the IIN of the employer (one)."), code="required")]}
            )
        return attrs


class FLPWorkerIn(serializers.Serializer):
    profession = serializers.CharField(max_length=200)
    qualification_category = serializers.ChoiceField(choices=sorted(rules.CATEGORIES))
    count = serializers.IntegerField(min_value=1, max_value=10000)
    territory = serializers.CharField(
        max_length=12, required=False, allow_blank=True, help_text="KATO code of the place of work (default: unit)"
    )


class FLPTransfereeIn(serializers.Serializer):
    person = ApplicantIdentitySerializer()
    profession = serializers.CharField(max_length=200, help_text="Position in the Kazakhstan branch")
    qualification_category = serializers.ChoiceField(choices=sorted(rules.CATEGORIES))
    territory = serializers.CharField(max_length=12, required=False, allow_blank=True)


class FLPSignatureIn(serializers.Serializer):
    signer_id = serializers.CharField(max_length=12, help_text="IIN/BIN of the EDS certificate (the applicant's)")
    signature_base64 = serializers.CharField(
        help_text="The EDS over the request body without `signature` (canonical JSON, SHA-256)"
    )
    certificate_serial = serializers.CharField(max_length=100, required=False, allow_blank=True)


class FLPApplicationIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(rules.KINDS))
    intra_corporate = serializers.BooleanField(default=False)
    unit = serializers.CharField(max_length=12, help_text="KATO code of the region applied to (000 §1)")
    employer = FLPEmployerIn()
    term_months = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=1000, help_text="issue / extend (months)"
    )
    workers = FLPWorkerIn(many=True, required=False, help_text="ordinary: workers by profession and category")
    transferees = FLPTransfereeIn(many=True, required=False, help_text="intra-corporate transfer: named persons")
    sending_company = serializers.CharField(max_length=300, required=False, allow_blank=True)
    permit_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    reissue_reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
    employer_name_new = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text="re-issue: the employer's new name"
    )
    documents = DocumentUploadSerializer(many=True, required=False)
    signature = FLPSignatureIn(required=False, help_text="Portal (000 §9): the employer's EDS over the request")

    def validate(self, attrs):
        missing = {}
        if attrs["kind"] in (rules.REISSUE, rules.EXTEND) and not attrs.get("permit_number"):
            missing["permit_number"] = [
                serializers.ErrorDetail(_("Required for a re-issue or an extension."), code="required")
            ]
        if attrs["kind"] in (rules.ISSUE, rules.EXTEND) and attrs.get("term_months") is None:
            missing["term_months"] = [
                serializers.ErrorDetail(_("Required for an issue or an extension."), code="required")
            ]
        if missing:
            raise serializers.ValidationError(missing)
        return attrs


class FLPApplicationOut(serializers.Serializer):
    number = serializers.CharField()
    kind = serializers.CharField()
    intra_corporate = serializers.BooleanField()
    status = serializers.CharField()
    registered_on = serializers.DateField()
    due = serializers.DateField(source="due_date", help_text="The expected result date")
    step = serializers.CharField(source="step_name")
    step_deadline = serializers.DateField(allow_null=True)
    fee_due_on = serializers.DateField(allow_null=True, help_text="Copies of the fee payment by this day (000 §5)")
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return f"/api/v1/applications/{obj.number}"


class FeePaymentIn(serializers.Serializer):
    document = DocumentUploadSerializer(help_text="The copy of the payment document; `type`: fee_payment_proof")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True)
    paid_on = serializers.DateField(required=False, allow_null=True)
    payment_reference = serializers.CharField(max_length=100, required=False, allow_blank=True)

    def validate_document(self, value):
        if value["type"] != "fee_payment_proof":
            raise serializers.ValidationError(_("The document type is fee_payment_proof."), code="invalid_choice")
        return value


class FeePaymentOut(serializers.Serializer):
    id = serializers.IntegerField()
    application = serializers.CharField(source="application.number")
    status = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    fee_due_on = serializers.DateField(source="application.fee_due_on")
