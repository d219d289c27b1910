"""Health endpoints for the load balancer, the orchestrator and the on-call clerk of the IT department.

* ``GET /health/live``  — the process answers (no I/O): restart the process when this fails.
* ``GET /health/ready`` — the process can serve: the database answers a query, every migration is applied,
  and, when a broker is configured (``CELERY_BROKER_URL``), Redis answers PING and the beat heartbeat is
  recent (beat schedules ``record_beat_heartbeat``, a worker runs it, so a recent heartbeat shows that
  both beat and at least one worker are alive). 200 when every check passes, otherwise 503; the body
  lists every check either way.

The heartbeat is a timestamp kept in Redis (the broker) so that every web process reads the same one.
Its schedule is registered in casework.schedules; the worker imports this module through
``CELERY_IMPORTS``.
"""

from __future__ import annotations

import logging
import time

from celery import shared_task
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from casework.metrics import broker_redis, metrics_view

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "permit_office:beat_heartbeat"
HEARTBEAT_EVERY_SECONDS = 30


def heartbeat_max_age() -> int:
    return int(getattr(settings, "HEALTH_BEAT_MAX_AGE_SECONDS", 120))


@shared_task(ignore_result=True)
def record_beat_heartbeat() -> float:
    """Scheduled by beat every 30 s; run by a worker. Idempotent: it only overwrites one key."""
    now = time.time()
    client = broker_redis()
    if client is None:
        return now
    try:
        client.set(HEARTBEAT_KEY, repr(now), ex=max(heartbeat_max_age() * 10, 3600))
    finally:
        client.close()
    return now


# --- checks: each returns (ok, detail) --------------------------------------------------------------


def check_database() -> tuple[bool, str]:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return True, connections[DEFAULT_DB_ALIAS].vendor


def check_migrations() -> tuple[bool, str]:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        pending = [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]
        return False, f"{len(pending)} pending: {', '.join(pending[:5])}"
    return True, "all applied"


def check_redis() -> tuple[bool, str]:
    client = broker_redis()
    if client is None:
        return False, "CELERY_BROKER_URL is not a Redis URL"
    try:
        client.ping()
    finally:
        client.close()
    return True, "PONG"


def check_beat_heartbeat() -> tuple[bool, str]:
    client = broker_redis()
    if client is None:
        return False, "CELERY_BROKER_URL is not a Redis URL"
    try:
        raw = client.get(HEARTBEAT_KEY)
    finally:
        client.close()
    if raw is None:
        return False, "no heartbeat yet: is celery beat running, and a worker?"
    age = time.time() - float(raw)
    if age > heartbeat_max_age():
        return False, f"last heartbeat {age:.0f} s ago (limit {heartbeat_max_age()} s)"
    return True, f"{age:.0f} s ago"


def readiness_checks() -> dict[str, object]:
    checks = {"database": check_database, "migrations": check_migrations}
    if getattr(settings, "CELERY_BROKER_URL", ""):
        checks["redis"] = check_redis
        checks["beat"] = check_beat_heartbeat
    return checks


def run_checks() -> dict[str, dict]:
    results = {}
    for name, check in readiness_checks().items():
        started = time.perf_counter()
        try:
            ok, detail = check()
        except Exception as exc:  # a failing dependency is the answer, not a 500
            ok, detail = False, f"{type(exc).__name__}: {str(exc)[:200]}"
            if name != "migrations":
                # after a failed query the connection may be unusable: the next probe opens a new one
                connections[DEFAULT_DB_ALIAS].close_if_unusable_or_obsolete()
        results[name] = {"ok": ok, "detail": detail, "ms": round((time.perf_counter() - started) * 1000, 1)}
    return results


# --- views ------------------------------------------------------------------------------------------


@never_cache
@require_GET
def live(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request):
    checks = run_checks()
    ok = all(result["ok"] for result in checks.values())
    if not ok:
        logger.warning("not ready: %s", ", ".join(name for name, result in checks.items() if not result["ok"]))
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503)


# Included from config/urls.py at the root.
urlpatterns = [
    path("health/live", live, name="health-live"),
    path("health/ready", ready, name="health-ready"),
    path("metrics", metrics_view, name="metrics"),
]
