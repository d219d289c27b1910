"""Prometheus metrics at ``/metrics`` (prometheus-client, the Prometheus project's own Python client).

What is measured:

* HTTP requests: count and duration by method, URL pattern (the route, never the concrete path with its
  case number) and status (``RequestMetricsMiddleware``);
* Celery tasks: count by outcome and duration by task, failures by exception type (Celery signals);
* queue length: ``LLEN`` of the Celery queue in Redis, read when scraped;
* overdue cases per service: open cases whose step deadline has passed and whose clock runs — one indexed
  COUNT per service, cached for ``METRICS_OVERDUE_CACHE_SECONDS`` (60 s).

Several processes (gunicorn workers, Celery pool processes): set ``PROMETHEUS_MULTIPROC_DIR`` to an empty
directory shared by the processes of one host (deploy/README.md); ``/metrics`` then adds up every process's
samples. A Celery worker in its own container serves its samples itself on ``CELERY_METRICS_PORT``.

Access: never public. A scrape is answered only from an address in ``METRICS_ALLOWED_IPS`` (addresses or
networks) or with ``Authorization: Bearer <METRICS_TOKEN>``; with neither setting, ``/metrics`` is closed. The
address is the client's as the public pages' rate limits read it (casework.client_address: X-Forwarded-For
behind ``TRUSTED_PROXY_COUNT`` proxies, else REMOTE_ADDR).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time

from celery import signals
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

from casework.client_address import client_address

logger = logging.getLogger(__name__)

HTTP_REQUESTS = Counter("permit_office_http_requests_total", "HTTP requests answered", ["method", "route", "status"])
HTTP_SECONDS = Histogram(
    "permit_office_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
TASKS = Counter("permit_office_celery_tasks_total", "Celery tasks run, by outcome", ["task", "state"])
TASK_FAILURES = Counter(
    "permit_office_celery_task_failures_total", "Celery tasks that raised, by exception", ["task", "exception"]
)
TASK_SECONDS = Histogram(
    "permit_office_celery_task_duration_seconds",
    "Run time of a Celery task",
    ["task"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)

OVERDUE_CACHE_KEY = "casework.metrics.overdue_cases"


# --- HTTP -------------------------------------------------------------------------------------------


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = (match.route or match.view_name) if match else "unmatched"
        HTTP_REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        HTTP_SECONDS.labels(request.method, route).observe(time.perf_counter() - started)
        return response


# --- Celery -----------------------------------------------------------------------------------------

_started: dict[str, float] = {}


@signals.task_prerun.connect(dispatch_uid="casework.metrics.task_prerun")
def _task_started(task_id=None, task=None, **kwargs):
    _started[task_id] = time.perf_counter()


@signals.task_postrun.connect(dispatch_uid="casework.metrics.task_postrun")
def _task_finished(task_id=None, task=None, state=None, **kwargs):
    started = _started.pop(task_id, None)
    name = getattr(task, "name", "unknown")
    TASKS.labels(name, (state or "unknown").lower()).inc()
    if started is not None:
        TASK_SECONDS.labels(name).observe(time.perf_counter() - started)


@signals.task_failure.connect(dispatch_uid="casework.metrics.task_failure")
def _task_failed(sender=None, exception=None, **kwargs):
    TASK_FAILURES.labels(getattr(sender, "name", "unknown"), type(exception).__name__).inc()


@signals.worker_ready.connect(dispatch_uid="casework.metrics.worker_ready")
def _serve_worker_metrics(**kwargs):
    """A worker in its own container (no shared multiprocess directory with the web) serves its own samples."""
    port = os.environ.get("CELERY_METRICS_PORT")
    if not port:
        return
    from prometheus_client import start_http_server

    start_http_server(int(port), addr=os.environ.get("CELERY_METRICS_ADDR", "0.0.0.0"), registry=_process_registry())  # noqa: S104


# --- what is read at scrape time --------------------------------------------------------------------


def broker_redis():
    """A Redis client on the Celery broker, or None when the broker is not Redis (or not configured)."""
    url = getattr(settings, "CELERY_BROKER_URL", "")
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return None
    import redis

    return redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)


def queue_lengths() -> dict[str, int]:
    client = broker_redis()
    if client is None:
        return {}
    queue = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")
    try:
        return {queue: int(client.llen(queue))}
    except Exception as exc:  # the broker being down shows on /health/ready; the scrape still answers
        logger.warning("metrics: queue length not read: %s", type(exc).__name__)
        return {}
    finally:
        client.close()


def overdue_cases() -> dict[str, int]:
    """Open cases past their step deadline, clock not stopped, per service: ``{app_label.model: count}``."""
    cached = cache.get(OVERDUE_CACHE_KEY)
    if cached is not None:
        return cached
    from casework.deadlines import case_models

    today = timezone.localdate()
    counts = {}
    for model in case_models():
        open_states = getattr(model, "OPEN_STATES", ())
        if not open_states:
            continue
        state_field = getattr(model, "STATE_FIELD", "status")
        counts[model._meta.label_lower] = model.objects.filter(
            **{f"{state_field}__in": open_states},
            step_deadline__lt=today,
            suspended_since__isnull=True,
        ).count()
    cache.set(OVERDUE_CACHE_KEY, counts, getattr(settings, "METRICS_OVERDUE_CACHE_SECONDS", 60))
    return counts


class OfficeCollector:
    """Gauges read when scraped (not kept per process)."""

    def collect(self):
        queues = GaugeMetricFamily("permit_office_celery_queue_length", "Tasks waiting in the queue", labels=["queue"])
        for name, length in queue_lengths().items():
            queues.add_metric([name], length)
        yield queues
        overdue = GaugeMetricFamily(
            "permit_office_overdue_cases", "Open cases past their step deadline (clock running)", labels=["service"]
        )
        for service, count in sorted(overdue_cases().items()):
            overdue.add_metric([service], count)
        yield overdue


def _process_registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


# --- the endpoint -----------------------------------------------------------------------------------


def scrape_allowed(request) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].encode(), token.encode()):
        return True
    allowed = getattr(settings, "METRICS_ALLOWED_IPS", [])
    if not allowed:
        return False
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    for entry in allowed:
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            logger.warning("METRICS_ALLOWED_IPS: %r is not an address or network", entry)
    return False


def metrics_view(request):
    if not scrape_allowed(request):
        return HttpResponse("metrics are not public\n", status=403, content_type="text/plain")
    office = CollectorRegistry(auto_describe=True)
    office.register(OfficeCollector())
    body = generate_latest(_process_registry()) + generate_latest(office)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
