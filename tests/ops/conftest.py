"""Fixtures of the operations tests: the certificate fixtures (clock, unit, portal, clerks) for the full-flow
logging test, and a logger capture at DEBUG that passes through the production handler's filters."""

import io
import logging

import pytest

from casework.observability.logs import JsonFormatter, PersonalDataFilter, RequestIdFilter
from tests.certificates.conftest import (  # noqa: F401  (fixtures)
    clock,
    head,
    members,
    memory_notifications,
    officer,
    portal,
    profession,
    registrar,
    secretary,
    unit,
)


@pytest.fixture
def json_log():
    """Everything logged anywhere, at DEBUG, written as production writes it (JSON, filters on the handler)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(PersonalDataFilter())
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
