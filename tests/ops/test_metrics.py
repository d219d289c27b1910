"""/metrics: closed unless the scraper's address or token is allowed; requests, tasks, queue, overdue cases."""

import datetime as dt

import pytest
from celery import shared_task
from django.core.cache import cache

from casework import metrics
from tests.caseapp.models import DemoCase
from tests.factories import RegionFactory, aware

pytestmark = pytest.mark.django_db
TOKEN = "scrape-token-for-tests-0123456789"


@pytest.fixture(autouse=True)
def fresh_overdue_cache():
    cache.delete(metrics.OVERDUE_CACHE_KEY)
    yield
    cache.delete(metrics.OVERDUE_CACHE_KEY)


def test_metrics_are_closed_by_default(client, settings):
    settings.METRICS_ALLOWED_IPS = []
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 403


def test_metrics_answer_an_allowed_network(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8", "127.0.0.1"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.168.1.5").status_code == 403


def test_metrics_behind_one_proxy_read_the_address_the_proxy_saw(client, settings):
    # nginx (REMOTE_ADDR 172.18.0.5, itself inside the allowed network) appends the caller's address.
    settings.TRUSTED_PROXY_COUNT = 1
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8", "172.16.0.0/12"]
    via_nginx = {"REMOTE_ADDR": "172.18.0.5"}
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="10.1.2.3", **via_nginx).status_code == 200
    # a public caller through nginx is refused although nginx's own address is allowed
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9", **via_nginx).status_code == 403
    # what the caller wrote into X-Forwarded-For itself stands left of nginx's entry and is ignored
    spoofed = "10.1.2.3, 203.0.113.9"
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR=spoofed, **via_nginx).status_code == 403
    # the scraper inside the network, straight to the web process (no X-Forwarded-For): its own address
    assert client.get("/metrics", REMOTE_ADDR="10.9.9.9").status_code == 200


def test_metrics_with_no_trusted_proxy_ignore_x_forwarded_for(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    spoofed = {"HTTP_X_FORWARDED_FOR": "10.1.2.3", "REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", **spoofed).status_code == 403


def test_metrics_and_the_public_rate_limits_share_one_client_address_rule():
    from casework import client_address
    from casework.public import ratelimit

    assert metrics.client_address is client_address.client_address
    assert ratelimit.client_address is client_address.client_address


def test_metrics_answer_the_bearer_token_only(client, settings):
    settings.METRICS_ALLOWED_IPS = []
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}x").status_code == 403
    assert client.get("/metrics").status_code == 403


def test_requests_are_counted_by_route_not_by_path(client, settings):
    settings.METRICS_TOKEN = TOKEN
    client.get("/health/live")
    client.get("/no-such-page-QC-2026-000001")
    body = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert 'permit_office_http_requests_total{method="GET",route="health/live",status="200"}' in body
    assert 'route="unmatched",status="404"' in body
    assert "QC-2026-000001" not in body
    assert "permit_office_http_request_duration_seconds_bucket" in body


@shared_task(name="tests.ops.succeeds")
def succeeds():
    return 1


@shared_task(name="tests.ops.fails")
def fails():
    raise ValueError("broken on purpose")


def test_task_durations_and_failures_come_from_celery_signals(client, settings):
    settings.METRICS_TOKEN = TOKEN
    succeeds.apply()
    fails.apply(throw=False)  # eager: the failure is recorded in the result, the signals still fire
    body = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert 'permit_office_celery_tasks_total{state="success",task="tests.ops.succeeds"}' in body
    assert 'permit_office_celery_tasks_total{state="failure",task="tests.ops.fails"}' in body
    assert 'permit_office_celery_task_failures_total{exception="ValueError",task="tests.ops.fails"}' in body
    assert 'permit_office_celery_task_duration_seconds_count{task="tests.ops.succeeds"}' in body


def test_queue_length_is_read_from_redis_when_the_broker_is_redis(client, settings, monkeypatch):
    settings.METRICS_TOKEN = TOKEN
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"

    class Queue:
        def llen(self, key):
            return {"celery": 7}[key]

        def close(self):
            pass

    monkeypatch.setattr(metrics, "broker_redis", lambda: Queue())
    body = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert 'permit_office_celery_queue_length{queue="celery"} 7.0' in body


def make_case(unit, number, status, deadline, suspended=False):
    return DemoCase.objects.create(
        number=number,
        kind="demo",
        channel="office",
        regulation_version="test",
        unit=unit,
        received_at=aware(2026, 3, 2),
        status=status,
        step_deadline=deadline,
        suspended_since=dt.date(2026, 3, 3) if suspended else None,
    )


def test_overdue_cases_per_service_are_counted_and_cached(client, settings, django_assert_max_num_queries):
    settings.METRICS_TOKEN = TOKEN
    unit = RegionFactory()
    yesterday = dt.date.today() - dt.timedelta(days=1)
    make_case(unit, "DC-1", "received", yesterday)
    make_case(unit, "DC-2", "registered", yesterday)
    make_case(unit, "DC-3", "decided", yesterday)  # closed
    make_case(unit, "DC-4", "received", yesterday, suspended=True)  # clock stopped
    make_case(unit, "DC-5", "received", dt.date.today() + dt.timedelta(days=3))
    body = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert 'permit_office_overdue_cases{service="caseapp.democase"} 2.0' in body
    assert 'permit_office_overdue_cases{service="certificates.certificateapplication"} 0.0' in body
    make_case(unit, "DC-6", "received", yesterday)
    with django_assert_max_num_queries(0):  # within 60 s: the cached counts
        body = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert 'permit_office_overdue_cases{service="caseapp.democase"} 2.0' in body
