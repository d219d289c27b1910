"""RFC 9457 problem details for every error of the portal API (API.md "Errors").

Every error response is ``application/problem+json``::

    {"type": "<PROBLEM_TYPE_BASE_URL><code>", "title": "...", "status": 400, "detail": "...",
     "code": "invalid", "invalid_params": [{"name": "applicant.iin", "code": "invalid_checksum", "reason": "..."}]}

``code`` is the stable machine code a client branches on; ``type`` is derived from it, so it is as
stable as the code. Services raise ``casework.exceptions.ServiceError`` subclasses and this handler
turns them into problems; views never build error bodies by hand.
"""

import logging
import math
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, DataError, IntegrityError, InterfaceError, OperationalError
from django.http import Http404
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework import exceptions
from rest_framework.fields import get_error_detail
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from casework.exceptions import ServiceError

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"


class ProblemJSONRenderer(JSONRenderer):
    """Lets a client send ``Accept: application/problem+json`` without getting 406."""

    media_type = PROBLEM_CONTENT_TYPE


class ApiProblem(ServiceError):  # noqa: N818
    """A one-off problem raised by an API view: ``raise ApiProblem(409, "already_filed", "...")``."""

    def __init__(self, status: int, code: str, detail=None, *, title=None, invalid_params=None):
        self.status_code = status
        self.title = title or HTTPStatus(status).phrase
        super().__init__(detail, code=code, invalid_params=invalid_params)


# Codes for DRF's own exceptions. ParseError is always ``malformed_json``: JSON is the only parser.
_DRF_CODES: dict[type, tuple[str, str]] = {
    exceptions.ParseError: ("malformed_json", _("The request body is not valid JSON")),
    exceptions.NotAuthenticated: ("not_authenticated", _("Authentication required")),
    exceptions.AuthenticationFailed: ("authentication_failed", _("Authentication failed")),
    exceptions.PermissionDenied: ("permission_denied", _("Not permitted")),
    exceptions.NotFound: ("not_found", _("Not found")),
    exceptions.MethodNotAllowed: ("method_not_allowed", _("Method not allowed")),
    exceptions.NotAcceptable: ("not_acceptable", _("Cannot produce the requested media type")),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", _("Unsupported media type")),
    exceptions.Throttled: ("throttled", _("Too many requests")),
}


def problem_type(code: str) -> str:
    base = getattr(settings, "PROBLEM_TYPE_BASE_URL", None) or f"{settings.PUBLIC_BASE_URL.rstrip('/')}/problems/"
    return f"{base}{code}"


def problem_body(status: int, code: str, title, detail=None, invalid_params=None) -> dict:
    return {
        "type": problem_type(code),
        "title": force_str(title),
        "status": status,
        "detail": force_str(detail if detail is not None else title),
        "code": code,
        "invalid_params": [
            {
                "name": str(p.get("name", "")),
                "code": str(p.get("code", "invalid")),
                "reason": force_str(p.get("reason", "")),
            }
            for p in (invalid_params or [])
        ],
    }


def problem_response(status: int, code: str, title, detail=None, invalid_params=None, headers=None) -> Response:
    return Response(
        problem_body(status, code, title, detail, invalid_params),
        status=status,
        headers=headers,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def flatten_errors(detail, prefix: str = "") -> list[dict]:
    """DRF's nested error structure as ``[{name, code, reason}]`` with dotted names.

    ``{"applicant": {"iin": [e]}}`` → ``applicant.iin``; ``{"documents": [{}, {"content_base64": [e]}]}``
    → ``documents.1.content_base64``; a ``non_field_errors`` entry is named after the object it belongs to.
    """
    params: list[dict] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            key = str(key)
            if key == api_settings.NON_FIELD_ERRORS_KEY:
                name = prefix or key
            else:
                name = f"{prefix}.{key}" if prefix else key
            params.extend(flatten_errors(value, name))
    elif isinstance(detail, list | tuple):
        for index, item in enumerate(detail):
            if isinstance(item, dict | list | tuple):
                params.extend(flatten_errors(item, f"{prefix}.{index}" if prefix else str(index)))
            else:
                params.extend(flatten_errors(item, prefix))
    elif detail is not None:
        params.append(
            {
                "name": prefix or api_settings.NON_FIELD_ERRORS_KEY,
                "code": getattr(detail, "code", None) or "invalid",
                "reason": force_str(detail),
            }
        )
    return params


def _validation_problem(detail) -> Response:
    params = flatten_errors(detail)
    if len(params) == 1:
        summary = f"{params[0]['name']}: {params[0]['reason']}"
    else:
        summary = ngettext(
            "%(count)d parameter is invalid; see invalid_params.",
            "%(count)d parameters are invalid; see invalid_params.",
            len(params),
        ) % {"count": len(params)}
    return problem_response(400, "invalid", _("The request is invalid"), summary, params)


def _api_exception_problem(exc: exceptions.APIException) -> Response:
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(math.ceil(exc.wait))
    code, title = exc.default_code, HTTPStatus(exc.status_code).phrase
    for klass in type(exc).__mro__:
        if klass in _DRF_CODES:
            code, title = _DRF_CODES[klass]
            break
    detail = exc.detail
    if isinstance(detail, list | dict):
        params = flatten_errors(detail)
        detail = params[0]["reason"] if params else title
    elif not isinstance(exc, exceptions.ParseError):
        # A specific code given when raising (e.g. insufficient_scope, invalid_token) beats the generic one.
        specific = getattr(detail, "code", None)
        if specific and specific != exc.default_code:
            code = specific
    return problem_response(exc.status_code, code, title, detail, headers=headers)


def problem_exception_handler(exc, context):
    """DRF ``EXCEPTION_HANDLER``: every exception a view can raise → a problem response (never a 500
    for bad input). Anything not listed here is a bug and is left to Django's 500 handling and logs."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)

    if isinstance(exc, exceptions.ValidationError):
        response = _validation_problem(exc.detail)
    elif isinstance(exc, DjangoValidationError):
        response = _validation_problem(get_error_detail(exc))
    elif isinstance(exc, exceptions.APIException):
        response = _api_exception_problem(exc)
    elif isinstance(exc, ServiceError):
        response = problem_response(exc.status_code, exc.code, exc.title, exc.detail, exc.invalid_params)
    elif isinstance(exc, RequestDataTooBig):
        response = problem_response(413, "payload_too_large", _("The request body is too large"))
    elif isinstance(exc, SuspiciousOperation):
        response = problem_response(400, "bad_request", _("The request cannot be processed"))
    elif isinstance(exc, DataError):
        # A value the database cannot hold (too long, out of range) is bad input that slipped past validation.
        logger.warning("API request refused by the database: %s", type(exc).__name__)
        response = problem_response(400, "invalid_value", _("A value is out of the accepted range"))
    elif isinstance(exc, IntegrityError):
        # A uniqueness race lost to a concurrent request: the caller should reload and decide again.
        logger.warning("API request lost a uniqueness race: %s", type(exc).__name__)
        response = problem_response(409, "conflict", _("The request conflicts with a concurrent change"))
    elif isinstance(exc, OperationalError | InterfaceError | DatabaseError):
        # Connection lost / database down. The exception text may carry SQL parameters: log only the class.
        logger.error("API request failed, database unavailable: %s", type(exc).__name__)
        response = problem_response(
            503,
            "service_unavailable",
            _("Service temporarily unavailable"),
            _("The database is not reachable; nothing was saved. Retry later with the same Idempotency-Key."),
            headers={"Retry-After": "30"},
        )
    else:
        return None
    try:
        set_rollback()
    except DatabaseError:  # the connection may be the thing that broke
        pass
    return response
