"""Idempotency-Key on POST (API.md "Idempotency")."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from casework.models import IdempotencyRecord, Person
from casework.tasks import purge_idempotency_records
from tests.casework.api_urls import portal_client

pytestmark = pytest.mark.urls("tests.casework.api_urls")

PEOPLE = "/api/v1/people/"


def person(**changes):
    body = {
        "surname": "Karimov",
        "given_name": "Aziz",
        "birth_date": "1990-04-02",
        "citizenship": "UZB",
        "passport_number": "FA1234567",
    }
    body.update(changes)
    return body


@pytest.fixture
def http(db):
    return portal_client()[1]


def post(http, body, key="retry-1", **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return http.post(PEOPLE, body, format="json", **headers, **extra)


@pytest.mark.django_db
def test_retry_with_the_same_key_and_body_returns_the_original_response_and_creates_nothing(http):
    first = post(http, person())
    assert first.status_code == 201
    again = post(http, person())
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.content == first.content
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert Person.objects.count() == 1
    assert IdempotencyRecord.objects.get().response_status == 201


@pytest.mark.django_db
def test_the_same_body_in_another_key_order_is_the_same_request(http):
    post(http, person())
    reordered = dict(reversed(list(person().items())))
    assert post(http, reordered).status_code == 201
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_a_different_body_is_422_idempotency_key_reused(http):
    post(http, person())
    response = post(http, person(surname="Other"))
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "idempotency_key_reused"
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_on_another_path_is_a_different_request(http):
    post(http, person())
    response = http.post("/api/v1/applications/", person(), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    assert response.json()["code"] == "idempotency_key_reused"


@pytest.mark.django_db
def test_keys_belong_to_one_client(http):
    post(http, person())
    _, other = portal_client(name="state-corporation")
    assert post(other, person()).status_code == 201
    assert Person.objects.count() == 2


@pytest.mark.django_db
def test_posts_without_a_key_are_not_deduplicated(http):
    post(http, person(), key=None)
    post(http, person(), key=None)
    assert Person.objects.count() == 2
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "   ", "x" * 256, "tab\there", "ключ"])
def test_a_malformed_key_is_400_invalid_idempotency_key(http, key):
    response = post(http, person(), key=key)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_a_key_of_255_printable_characters_is_accepted(http):
    assert post(http, person(), key="k" * 254 + "~").status_code == 201


@pytest.mark.django_db
def test_a_refused_request_is_not_remembered_so_a_corrected_retry_goes_through(http):
    refused = post(http, person(citizenship="XXX"))
    assert refused.status_code == 400
    assert not IdempotencyRecord.objects.exists()
    assert post(http, person()).status_code == 201
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_malformed_json_with_a_key_is_400_and_not_remembered(http):
    response = http.post(PEOPLE, "{", content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.json()["code"] == "malformed_json"
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.django_db
def test_unauthenticated_post_with_a_key_is_401_and_not_remembered():
    response = APIClient().post(PEOPLE, person(), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 401
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.django_db
def test_keys_are_kept_for_24_hours_and_purged_after_48(http):
    post(http, person(), key="old")
    post(http, person(surname="B"), key="day-old")
    post(http, person(surname="C"), key="new")
    IdempotencyRecord.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=49))
    IdempotencyRecord.objects.filter(key="day-old").update(created_at=timezone.now() - timedelta(hours=25))
    assert purge_idempotency_records() == 1
    assert set(IdempotencyRecord.objects.values_list("key", flat=True)) == {"day-old", "new"}
    assert post(http, person(surname="B"), key="day-old")["Idempotent-Replayed"] == "true"


def free_connection_slots() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_connections')::int - (SELECT count(*) FROM pg_stat_activity"
            " WHERE backend_type = 'client backend')"
        )
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_100_concurrent_retries_with_one_key_create_exactly_one_record():
    from casework.models import ApiClient

    _, raw_key = ApiClient.issue("portal", ["applications:submit"], "portal")
    retries = 100
    # Each in-flight retry holds a PostgreSQL connection while it waits on the unique index; keep a
    # margin under max_connections (100 by default) for the test's own and other sessions.
    in_flight = max(10, min(retries, free_connection_slots() - 8))
    start = threading.Event()

    def attempt(_):
        try:
            http = APIClient()
            http.credentials(HTTP_AUTHORIZATION=f"Token {raw_key}")
            start.wait(timeout=60)
            response = http.post(f"{PEOPLE}?slow=0.3", person(), format="json", HTTP_IDEMPOTENCY_KEY="one-application")
            return response.status_code, response.content
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=in_flight) as pool:
        futures = [pool.submit(attempt, i) for i in range(retries)]
        start.set()
        results = [f.result() for f in futures]

    assert Person.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1
    assert [status for status, _ in results] == [201] * retries
    assert len({content for _, content in results}) == 1
