"""``GET /api/v1/applications/{number}`` renders through ``application_data`` (fast, no per-request serializer
copies); it must give exactly what ``ApplicationSerializer`` — the schema's declaration — gives."""

import datetime as dt

from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from casework.api.applications import ApplicationSerializer, application_data
from casework.registry import _aware

text = st.text(max_size=30)
dates = st.none() | st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))
aware = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(dt.UTC))
results = st.none() | st.fixed_dictionaries(
    {
        "document_number": st.none() | text,
        "valid_from": dates,
        "valid_to": dates,
        "pdf": st.none() | st.just("http://testserver/api/v1/documents/QCC-2026-000001.pdf"),
    },
    # Service extras (a refusal's ground, a complaint's outcome) are not in the contract.
    optional={"ground": text, "outcome": text, "reasons": st.lists(text, max_size=2)},
)
represented = st.fixed_dictionaries(
    {
        "number": st.just("QC-2026-000001"),
        "kind": st.sampled_from(["issue", "extend", "reissue", "duplicate"]),
        "status": st.sampled_from(["received", "registered", "issued", "refused"]),
        "registered_on": dates,
        "due": dates,
        "history": st.lists(st.fixed_dictionaries({"status": text, "at": aware, "reason": text}), max_size=4),
        "result": results,
    },
    optional={"police_check": st.booleans(), "challenged": text},
)


@override_settings(TIME_ZONE="Asia/Almaty")
@settings(max_examples=200, deadline=None)
@given(represented)
def test_application_data_is_exactly_what_the_declared_serializer_renders(data):
    assert application_data(data) == ApplicationSerializer(data).data


def test_history_timestamps_from_any_backend_become_aware_utc():
    moment = dt.datetime(2026, 3, 19, 5, 0, 0, 123456)
    expected = moment.replace(tzinfo=dt.UTC)
    assert _aware(moment) == expected  # SQLite: naive UTC
    assert _aware("2026-03-19 05:00:00.123456") == expected  # SQLite text
    assert _aware(expected) == expected  # PostgreSQL: already aware
    assert _aware(None) is None
