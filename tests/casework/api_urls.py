"""Test-only endpoints built on casework.api, used with @pytest.mark.urls("tests.casework.api_urls")."""

import time

from django.contrib import admin
from django.db import OperationalError, transaction
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from casework import outbox
from casework.api.views import PortalAPIView, PortalGenericAPIView, check_if_match, etag_for, validated
from casework.exceptions import RuleViolation
from casework.identifiers import validate_iin
from casework.models import Person


class PersonIn(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["surname", "given_name", "birth_date", "citizenship", "passport_number", "iin"]


class PersonOut(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "surname", "given_name", "birth_date"]


class PeopleView(PortalGenericAPIView):
    """POST creates a person (the idempotency tests count them); GET lists them, paginated."""

    required_scopes = {"GET": ["applications:read"], "POST": ["applications:submit"]}
    queryset = Person.objects.order_by("pk")
    serializer_class = PersonOut

    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(PersonOut(page, many=True).data)

    @extend_schema(request=PersonIn, responses={201: PersonOut})
    def post(self, request):
        data = validated(PersonIn, request)
        with transaction.atomic():
            person = Person.objects.create(**data)
            delay = float(request.query_params.get("slow", 0))
            if delay:
                time.sleep(delay)  # widens the race window in the concurrency test
            outbox.publish_status_changed(f"P-{person.pk}", "registered")
        return Response(PersonOut(person).data, status=201, headers={"Location": f"/people/{person.pk}"})


class DocumentIn(serializers.Serializer):
    type = serializers.ChoiceField(choices=["identity_document", "education_document"])
    filename = serializers.CharField()
    content_base64 = serializers.CharField()

    def validate_content_base64(self, value):
        if not value.startswith("JVBER"):
            raise serializers.ValidationError("not a PDF", code="unsupported_file_type")
        return value


class ApplicantIn(serializers.Serializer):
    surname = serializers.CharField()
    iin = serializers.CharField(validators=[validate_iin])


class ApplicationIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["issue", "extend"])
    applicant = ApplicantIn()
    documents = DocumentIn(many=True)


class ApplicationView(PortalAPIView):
    """Validation only: exercises nested invalid_params names."""

    required_scopes = ["applications:submit"]

    @extend_schema(request=ApplicationIn, responses={201: None})
    def post(self, request):
        validated(ApplicationIn, request)
        return Response({"ok": True}, status=201)


class Thing:
    version = 3


class ThingView(PortalAPIView):
    """PATCH honours If-Match against a fixed version 3."""

    required_scopes = ["applications:submit"]
    if_match_methods = ("PATCH",)

    @extend_schema(request=None, responses={200: None})
    def patch(self, request, pk):
        thing = Thing()
        check_if_match(request, thing)
        return Response({"version": thing.version, "actor": self.actor.label}, headers={"ETag": etag_for(thing)})


RAISES = {
    "parse": lambda: exceptions.ParseError("JSON parse error"),
    "not_found": lambda: Http404("nothing here"),
    "throttled": lambda: exceptions.Throttled(wait=12),
    "rule": lambda: RuleViolation(
        "The quota for 2026 is used up.",
        code="quota_exhausted",
        invalid_params=[{"name": "profession", "code": "quota_exhausted", "reason": "no places left"}],
    ),
    "database_down": lambda: OperationalError("server closed the connection unexpectedly (secret SQL params)"),
}


class RaiseView(PortalAPIView):
    required_scopes = ["applications:read"]

    @extend_schema(responses={200: None})
    def get(self, request, what):
        raise RAISES[what]()


class ConnectionDropView(PortalAPIView):
    """Creates a person, then loses the database connection before finishing (PostgreSQL only)."""

    required_scopes = ["applications:submit"]

    @extend_schema(request=None, responses={201: None})
    def post(self, request):
        from django.db import connection

        with transaction.atomic():
            Person.objects.create(
                surname="Half", given_name="Done", birth_date="1990-01-01", citizenship="UZB", passport_number="X1"
            )
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        return Response(status=201)


urlpatterns = [
    path("api/v1/drop-connection/", ConnectionDropView.as_view(), name="drop-connection"),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("api/v1/people/", PeopleView.as_view(), name="people"),
    path("api/v1/applications/", ApplicationView.as_view(), name="applications"),
    path("api/v1/things/<int:pk>", ThingView.as_view(), name="thing"),
    path("api/v1/raise/<str:what>", RaiseView.as_view(), name="raise"),
    path("admin/", admin.site.urls),
]


def portal_client(scopes=("applications:submit", "applications:read"), name="portal", kind="portal"):
    """(ApiClient row, DRF test client sending its key) for the API tests."""
    from rest_framework.test import APIClient

    from casework.models import ApiClient

    api_client, raw_key = ApiClient.issue(name, list(scopes), kind)
    http = APIClient()
    http.credentials(HTTP_AUTHORIZATION=f"Token {raw_key}")
    return api_client, http
