"""The base of every portal API view: API-key authentication, scopes, problem details, idempotent
POSTs, pagination, and the ETag / If-Match helpers.

A service's view::

    class CertificateApplicationCreate(PortalAPIView):
        required_scopes = ["applications:submit"]          # or {"GET": [...], "POST": [...]}

        @extend_schema(request=ApplicationIn, responses={201: ApplicationOut})
        def post(self, request):
            data = validated(ApplicationIn, request)        # ValidationError → 400 with invalid_params
            case = services.register_application(...)       # ServiceError → its status and code
            return Response(ApplicationOut(case).data, status=201, headers={"ETag": etag_for(case)})

``Idempotency-Key`` is honoured on every POST without further code (``IdempotencyMixin``).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from casework.actors import Actor
from casework.exceptions import StaleVersion

from .auth import ApiKeyAuthentication, HasScopes
from .idempotency import HEADER as IDEMPOTENCY_HEADER
from .idempotency import IdempotencyMixin
from .pagination import PortalPagination
from .problems import PROBLEM_CONTENT_TYPE, ProblemJSONRenderer, problem_exception_handler

# --- OpenAPI ------------------------------------------------------------------------------------


class InvalidParamSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Dotted path of the offending field, e.g. applicant.iin")
    code = serializers.CharField(help_text="Stable machine code, e.g. invalid_checksum")
    reason = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField(help_text="Stable machine code, e.g. quota_exhausted")
    invalid_params = InvalidParamSerializer(many=True)


_ERROR_DESCRIPTIONS = {
    "400": "Invalid request (see invalid_params), malformed JSON or a bad Idempotency-Key",
    "401": "Missing, invalid or revoked API key",
    "403": "The key lacks the required scope, or a rule forbids the caller",
    "404": "Not found (or a page past the end of a list)",
    "409": "Conflicting concurrent change or not allowed in the current status",
    "412": "If-Match does not match the resource's current version",
    "415": "Unsupported media type (send application/json)",
    "422": "A rule of the act refuses the request, or the Idempotency-Key was used for another request",
    "503": "Temporarily unavailable; retry later (with the same Idempotency-Key)",
}


class PortalAutoSchema(AutoSchema):
    """Adds what ``PortalAPIView`` does to every operation: the required scopes, the
    ``Idempotency-Key`` / ``If-Match`` headers and the problem-details error responses."""

    def get_description(self):
        description = super().get_description() or ""
        scopes = getattr(self.view, "required_scopes", None)
        if isinstance(scopes, dict):
            scopes = scopes.get(getattr(self.view, "action", None)) or scopes.get(self.method)
        if scopes:
            line = "Required scope: " + ", ".join(f"`{s}`" for s in ([scopes] if isinstance(scopes, str) else scopes))
            description = f"{description}\n\n{line}" if description else line
        return description

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method.lower() in getattr(self.view, "idempotent_methods", ()):
            parameters.append(
                OpenApiParameter(
                    IDEMPOTENCY_HEADER,
                    str,
                    OpenApiParameter.HEADER,
                    description="1–255 printable characters. A retry with the same key and body returns the "
                    "original response; the same key with another body → 422 idempotency_key_reused. "
                    "Kept at least 24 hours.",
                )
            )
        if self.method in getattr(self.view, "if_match_methods", ()):
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    str,
                    OpenApiParameter.HEADER,
                    description="The ETag (version) you last read; a stale one → 412 version_mismatch.",
                )
            )
        return parameters

    def map_renderers(self, attribute):
        # problem+json is only for errors, declared below; successes are plain JSON.
        return [m for m in super().map_renderers(attribute) if m != PROBLEM_CONTENT_TYPE]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["400", "401", "403"]
        # 404: an unknown resource, or a page past the end of a paginated list (every portal view paginates);
        # lists answered 404 undocumented before (found by tests/reliability fuzzing).
        if "{" in self.path or self.method == "GET":
            codes.append("404")
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["409", "415", "422"]
        if self.method in getattr(self.view, "if_match_methods", ()):
            codes.append("412")
        codes.append("503")
        for code in codes:
            if code not in responses:
                response = self._get_response_for_code(ProblemSerializer, code, [PROBLEM_CONTENT_TYPE], direction)
                response["description"] = _ERROR_DESCRIPTIONS[code]
                responses[code] = response
        return responses


# --- views --------------------------------------------------------------------------------------


class PortalAPIMixin(IdempotencyMixin):
    """Everything a portal API view shares. Declare ``required_scopes``; ``if_match_methods`` lists the
    methods that honour ``If-Match`` (for the schema; call ``check_if_match`` in the handler)."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasScopes]
    renderer_classes = [JSONRenderer, ProblemJSONRenderer]
    pagination_class = PortalPagination
    schema = PortalAutoSchema()
    required_scopes: list[str] | dict | None = None
    if_match_methods: tuple[str, ...] = ()

    def get_exception_handler(self):
        return problem_exception_handler

    @property
    def actor(self) -> Actor:
        """Who acts, for the services' history: the authenticated API client."""
        return Actor.client(self.request.auth)


class PortalAPIView(PortalAPIMixin, APIView):
    pass


class PortalGenericAPIView(PortalAPIMixin, GenericAPIView):
    pass


class PortalViewSet(PortalAPIMixin, GenericViewSet):
    pass


def validated(serializer_class, request, **kwargs) -> dict:
    """The request body validated by ``serializer_class``; invalid → ValidationError → 400 problem."""
    serializer = serializer_class(data=request.data, context={"request": request}, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- optimistic concurrency -------------------------------------------------------------------------


def etag_for(case) -> str:
    """A strong ETag from ``case.version``, which grows with every transition."""
    return f'"{case.version}"'


def if_match_tags(request) -> list[str] | None:
    """The entity tags of ``If-Match`` (weak prefix and quotes dropped), ``["*"]``, or None when absent."""
    header = request.META.get("HTTP_IF_MATCH")
    if header is None:
        return None
    tags = []
    for part in header.split(","):
        part = part.strip()
        if part.startswith("W/"):
            part = part[2:]
        tags.append(part.strip('"'))
    return [t for t in tags if t]


def check_if_match(request, case) -> None:
    """412 ``version_mismatch`` when ``If-Match`` names another version than ``case``'s.

    No header → no check (If-Match is optional in API.md). To be race-free, call it with the case
    row locked (``select_for_update()`` in the service's transaction), or pass the version to the service.
    """
    tags = if_match_tags(request)
    if tags is None or "*" in tags:
        return
    if str(case.version) not in tags:
        raise StaleVersion(
            _("The resource is at version %(current)s; If-Match named %(sent)s. Reload it and decide again.")
            % {"current": case.version, "sent": ", ".join(tags) or "nothing"}
        )
