"""The complaint body and response fixed by API.md (documentation only: complaints.services validates,
so the same checks and codes apply to every channel)."""

from rest_framework import serializers

from casework.api.serializers import DocumentUploadSerializer

from .. import rules


class ComplainantSerializer(serializers.Serializer):
    surname = serializers.CharField(required=False)
    given_name = serializers.CharField(required=False)
    patronymic = serializers.CharField(required=False, allow_null=True)
    birth_date = serializers.DateField(required=False)
    citizenship = serializers.CharField(required=False, help_text="ISO 3166-1 alpha-3")
    passport_number = serializers.CharField(required=False)
    iin = serializers.CharField(required=False, allow_null=True)
    bin = serializers.CharField(required=False, help_text="an employer complaining: its BIN (or iin)")
    role = serializers.ChoiceField(
        choices=list(rules.COMPLAINANT_ROLES),
        required=False,
        help_text="applicant (default), representative or employer",
    )


class ComplaintIn(serializers.Serializer):
    application_number = serializers.CharField()
    subject = serializers.ChoiceField(choices=list(rules.SUBJECTS))
    addressee = serializers.ChoiceField(choices=list(rules.ADDRESSEES))
    complainant = ComplainantSerializer()
    on_behalf_of = ComplainantSerializer(
        required=False, help_text="a representative: the applicant's identity (passport_number + birth_date, or iin)"
    )
    document_number = serializers.CharField(required=False, help_text="the challenged issued document, if any")
    action_id = serializers.IntegerField(required=False, help_text="the challenged history entry, if any")
    text = serializers.CharField()
    documents = DocumentUploadSerializer(many=True, required=False)


class ComplaintOut(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    registered_on = serializers.DateField()
    due = serializers.DateField(source="due_date", help_text="5 WD after registration (provider), 15 (quality control)")
