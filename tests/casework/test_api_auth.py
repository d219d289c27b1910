"""API keys and scopes (API.md "Authentication")."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from casework.api import auth as auth_module
from casework.api.auth import forget_authenticated_clients
from casework.models import ApiClient
from casework.models.api import hash_key
from tests.casework.api_urls import portal_client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.casework.api_urls")]

PEOPLE = "/api/v1/people/"


def assert_401(response):
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == "Token"


def test_request_without_a_key_is_401():
    response = APIClient().get(PEOPLE)
    assert_401(response)
    assert response.json()["code"] == "not_authenticated"


def test_request_with_an_unknown_key_is_401():
    portal_client()
    http = APIClient()
    http.credentials(HTTP_AUTHORIZATION="Token not-a-real-key-at-all-0123456789abcdef")
    response = http.get(PEOPLE)
    assert_401(response)
    assert response.json()["code"] == "invalid_token"


@pytest.mark.parametrize("header", ["Token", "Token a b", "Token ключ"])
def test_malformed_authorization_header_is_401(header):
    http = APIClient()
    http.credentials(HTTP_AUTHORIZATION=header)
    assert_401(http.get(PEOPLE))


def test_another_scheme_is_treated_as_no_key():
    http = APIClient()
    http.credentials(HTTP_AUTHORIZATION="Bearer abc")
    assert_401(http.get(PEOPLE))


def test_key_with_the_right_prefix_but_wrong_rest_is_401():
    client, http = portal_client()
    raw = http._credentials["HTTP_AUTHORIZATION"].split()[1]
    http.credentials(HTTP_AUTHORIZATION=f"Token {raw[:8]}{'x' * (len(raw) - 8)}")
    assert_401(http.get(PEOPLE))


def test_revoked_key_is_401():
    client, http = portal_client()
    assert http.get(PEOPLE).status_code == 200
    client.revoke()
    response = http.get(PEOPLE)
    assert_401(response)
    assert response.json()["code"] == "invalid_token"


def test_deactivated_client_is_401():
    client, http = portal_client()
    ApiClient.objects.filter(pk=client.pk).update(is_active=False)
    assert_401(http.get(PEOPLE))


def test_key_without_the_scope_is_403_insufficient_scope():
    _, http = portal_client(scopes=["calendar:read"])
    response = http.get(PEOPLE)
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "insufficient_scope"
    assert "applications:read" in body["detail"]
    assert response["Content-Type"] == "application/problem+json"


def test_scopes_are_checked_per_method():
    _, http = portal_client(scopes=["applications:read"])
    assert http.get(PEOPLE).status_code == 200
    assert http.post(PEOPLE, {}, format="json").json()["code"] == "insufficient_scope"


def test_authenticated_request_carries_the_client_not_a_user():
    client, http = portal_client()
    response = http.get(PEOPLE)
    assert response.status_code == 200
    assert response.wsgi_request.user is None
    # DRF's request object is gone after the response; the client's last use was recorded instead.
    client = ApiClient.objects.get(pk=client.pk)
    assert client.last_used_at is not None


def test_last_used_at_is_written_at_most_once_a_minute():
    client, http = portal_client()
    http.get(PEOPLE)
    first = ApiClient.objects.get(pk=client.pk).last_used_at
    http.get(PEOPLE)
    assert ApiClient.objects.get(pk=client.pk).last_used_at == first
    ApiClient.objects.filter(pk=client.pk).update(last_used_at=first - timedelta(minutes=2))
    forget_authenticated_clients()  # a minute later the process's few-seconds key cache has long expired
    http.get(PEOPLE)
    assert ApiClient.objects.get(pk=client.pk).last_used_at > first - timedelta(seconds=1)


def test_a_key_revoked_in_this_process_is_refused_at_once():
    client, http = portal_client()
    assert http.get(PEOPLE).status_code == 200
    client.revoke()
    response = http.get(PEOPLE)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_a_key_revoked_by_another_process_is_refused_once_the_few_seconds_cache_expires(monkeypatch, settings):
    settings.API_KEY_CACHE_SECONDS = 5
    now = [1000.0]
    monkeypatch.setattr(auth_module.time, "monotonic", lambda: now[0])
    client, http = portal_client()
    assert http.get(PEOPLE).status_code == 200
    # Another web process revokes it: no signal reaches this one.
    ApiClient.objects.filter(pk=client.pk).update(is_active=False)
    now[0] += 4.9
    assert http.get(PEOPLE).status_code == 200, "within API_KEY_CACHE_SECONDS the cached client is still used"
    now[0] += 0.2
    assert http.get(PEOPLE).status_code == 401


def test_with_the_cache_off_every_request_reads_the_key(settings):
    settings.API_KEY_CACHE_SECONDS = 0
    client, http = portal_client()
    http.get(PEOPLE)
    ApiClient.objects.filter(pk=client.pk).update(is_active=False)
    assert http.get(PEOPLE).status_code == 401


def test_key_is_stored_only_as_its_sha256():
    client, raw_key = ApiClient.issue("sc-almaty", ["applications:submit"], "state_corporation")
    stored = ApiClient.objects.filter(pk=client.pk).values().get()
    assert raw_key not in {str(v) for v in stored.values()}
    assert stored["key_hash"] == hash_key(raw_key)
    assert stored["key_prefix"] == raw_key[:8]
    assert len(raw_key) >= 43  # 32 random bytes, url-safe base64
    assert ApiClient.authenticate_key(raw_key) == client


def test_issue_refuses_unknown_scopes():
    with pytest.raises(ValueError, match="unknown scopes"):
        ApiClient.issue("x", ["applications:delete"], "other")


def test_has_scopes():
    client, _ = ApiClient.issue("p", ["applications:read", "calendar:read"], "portal")
    assert client.has_scopes("calendar:read")
    assert client.has_scopes(["applications:read", "calendar:read"])
    assert not client.has_scopes("applications:submit")


def test_create_api_client_prints_the_key_as_its_last_line():
    out = StringIO()
    call_command("create_api_client", "portal", "--scopes", "applications:submit,applications:read", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    client = ApiClient.objects.get(name="portal")
    assert ApiClient.authenticate_key(key) == client
    assert client.scopes == ["applications:read", "applications:submit"]
    assert client.kind == "portal"
    assert key not in client.key_hash
    http = APIClient()
    http.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert http.get(PEOPLE).status_code == 200


def test_create_api_client_with_kind():
    call_command(
        "create_api_client", "mvd", "--scopes", "revocations:read", "--kind", "police_liaison", stdout=StringIO()
    )
    assert ApiClient.objects.get(name="mvd").kind == "police_liaison"


def test_create_api_client_refuses_an_unknown_scope():
    with pytest.raises(CommandError, match="Unknown scope") as excinfo:
        call_command("create_api_client", "portal", "--scopes", "applications:submit,everything", stdout=StringIO())
    assert excinfo.value.returncode == 2
    assert not ApiClient.objects.exists()


def test_create_api_client_refuses_a_duplicate_name():
    ApiClient.issue("portal", ["calendar:read"], "portal")
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_api_client", "portal", "--scopes", "calendar:read", stdout=StringIO())


def test_revoke_api_client_stops_the_key():
    client, http = portal_client()
    out = StringIO()
    call_command("revoke_api_client", "portal", stdout=out)
    assert "revoked" in out.getvalue()
    client = ApiClient.objects.get(pk=client.pk)
    assert client.revoked_at is not None and client.revoked_at <= timezone.now()
    assert_401(http.get(PEOPLE))


def test_revoke_unknown_client_is_an_error():
    with pytest.raises(CommandError):
        call_command("revoke_api_client", "nobody", stdout=StringIO())
