"""The stack's services that run here — gunicorn, a Celery worker and beat on PostgreSQL + Redis, with the
production settings — come up and report ready: database, migrations, Redis and the beat heartbeat that beat
scheduled and the worker ran. Subprocesses on a free loopback port, bounded waits, always terminated."""

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BROKER = "redis://127.0.0.1:6379/13"  # a Redis database of this test's own, flushed before and after
TOKEN = "stack-test-metrics-token-0123456789"
READY_WITHIN_SECONDS = 45


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, headers=None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback only
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture
def redis_db():
    import redis

    client = redis.Redis.from_url(BROKER, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


def _url_of_test_database() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_gunicorn_worker_and_beat_on_postgresql_and_redis_report_ready(tmp_path, redis_db):
    from django_celery_beat.models import PeriodicTask

    from casework.schedules import sync_periodic_tasks

    sync_periodic_tasks()
    # The heartbeat is due at once (its last run "an hour ago"); the other jobs are not needed here.
    PeriodicTask.objects.exclude(task="casework.health.record_beat_heartbeat").update(enabled=False)
    PeriodicTask.objects.filter(task="casework.health.record_beat_heartbeat").update(
        enabled=True, last_run_at=timezone.now() - dt.timedelta(hours=1)
    )

    port = free_port()
    multiproc = tmp_path / "prometheus"
    multiproc.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "stack-test-" + "k" * 60,
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": _url_of_test_database(),
        "CELERY_BROKER_URL": BROKER,
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        "PROMETHEUS_MULTIPROC_DIR": str(multiproc),
        "METRICS_TOKEN": TOKEN,
        "GUNICORN_WORKERS": "1",
        "LOG_LEVEL": "INFO",
    }
    commands = {
        "web": [
            str(BIN / "gunicorn"),
            "-c",
            "deploy/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "config.wsgi:application",
        ],
        "worker": [
            str(BIN / "celery"),
            "-A",
            "config",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "1",
            "--without-gossip",
            "--without-mingle",
            "--hostname",
            f"stacktest-{port}@%h",
        ],
        "beat": [
            str(BIN / "celery"),
            "-A",
            "config",
            "beat",
            "--loglevel",
            "INFO",
            "--pidfile=",
            "--max-interval",
            "2",
        ],
    }
    processes, logs = {}, {}
    try:
        for name, command in commands.items():
            logs[name] = (tmp_path / f"{name}.log").open("w")
            processes[name] = subprocess.Popen(  # noqa: S603
                command, cwd=ROOT, env=env, stdout=logs[name], stderr=subprocess.STDOUT, start_new_session=True
            )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + READY_WITHIN_SECONDS
        status, body = 0, b""
        while time.monotonic() < deadline:
            for name, process in processes.items():
                assert process.poll() is None, f"{name} exited:\n{(tmp_path / f'{name}.log').read_text()[-3000:]}"
            try:
                status, body = get(f"{base}/health/ready")
            except OSError:
                status = 0
            if status == 200:
                break
            time.sleep(1)
        diagnostics = {n: (tmp_path / f"{n}.log").read_text()[-2000:] for n in processes}
        assert status == 200, (body, diagnostics)
        checks = json.loads(body)["checks"]
        assert set(checks) == {"database", "migrations", "redis", "beat"}
        assert all(check["ok"] for check in checks.values())

        assert get(f"{base}/health/live")[0] == 200
        assert get(f"{base}/metrics")[0] == 403
        status, metrics = get(f"{base}/metrics", {"Authorization": f"Bearer {TOKEN}"})
        assert status == 200
        # the worker's pool process wrote its sample into the shared multiprocess directory
        assert b'permit_office_celery_tasks_total{state="success",task="casework.health.record_beat_heartbeat"}' in (
            metrics
        ), diagnostics
        assert b'permit_office_celery_queue_length{queue="celery"}' in metrics
        web_log = (tmp_path / "web.log").read_text()
        assert '"request_id"' in web_log or "rid=" in web_log
    finally:
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        for log in logs.values():
            log.close()
