"""Fuzzing the portal API against its own OpenAPI schema (issue 9): schemathesis generates requests for every
operation of ``/api/v1/schema/`` — valid (positive) and invalid (negative) bodies, parameters and headers —
sent with an API key holding every scope through Django's WSGI handler; every response must be no 5xx and
conform to the schema (documented status code, content type, body shape). ``FUZZ_EXAMPLES`` sets the total
(default 2,000, spread evenly over the operations). schemathesis' own pytest plugin does not run on pytest 9,
so each operation's strategy is driven by hypothesis here; one test per operation (parametrised by path)."""

import math
import os
from functools import cache

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

TOTAL_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2000"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
METHODS = ("get", "post", "put", "patch", "delete")


@cache
def schema_document() -> dict:
    """The schema as the API serves it, built without a request (drf-spectacular's generator)."""
    import django
    from django.conf import settings as django_settings

    if not django_settings.configured:
        django.setup()
    import json

    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


def operations() -> list[tuple[str, str]]:
    return [
        (method.upper(), path)
        for path, item in schema_document()["paths"].items()
        for method in item
        if method in METHODS
    ]


def examples_per_operation() -> int:
    return max(10, math.ceil(TOTAL_EXAMPLES / max(1, len(operations()))))


@pytest.fixture
def api_key(db):
    from casework.models import API_SCOPES, ApiClient
    from certificates.catalogue import load_catalogue

    load_catalogue()
    _client, key = ApiClient.issue("fuzzer", list(API_SCOPES))
    return key


@pytest.fixture(scope="session")
def wsgi_schema():
    from django.core.handlers.wsgi import WSGIHandler

    loaded = schemathesis.openapi.from_dict(schema_document())
    loaded.app = WSGIHandler()  # what from_wsgi sets: requests go through Django in this process
    return loaded


@pytest.fixture
def keep_the_test_connection():
    """A bare WSGIHandler closes "obsolete" connections at each request's start and end; inside the test's
    transaction that would close it (Django's test client disconnects the same receivers)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize(("method", "path"), operations())
def test_every_operation_answers_without_5xx_and_as_its_schema_says(
    method, path, api_key, wsgi_schema, keep_the_test_connection
):
    operation = wsgi_schema[path][method]
    strategy = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE)

    @settings(
        max_examples=examples_per_operation(),
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(case=strategy)
    def fuzz(case):
        response = case.call(headers={"Authorization": f"Token {api_key}"})
        case.validate_response(response, checks=CHECKS)

    fuzz()


def test_the_fuzzing_budget_covers_every_operation_and_at_least_2000_cases():
    assert len(operations()) * examples_per_operation() >= min(TOTAL_EXAMPLES, 2000)
