"""Shared pieces of the reliability and security tests: PostgreSQL / Redis detection, a portal client with
every scope, a valid certificate application body, helpers to run a real Celery worker."""

import base64
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def redis_available(url: str = "redis://127.0.0.1:6379/0") -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


needs_redis = pytest.mark.skipif(not redis_available(), reason="needs Redis on 127.0.0.1:6379 (CI starts it)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def certificate_body(profession_code: str, surname: str = "Karimov") -> dict:
    from tests.samples import PDF, png

    return {
        "kind": "issue",
        "applicant": {
            "surname": surname,
            "given_name": "Aziz",
            "patronymic": None,
            "birth_date": "1990-04-02",
            "citizenship": "UZB",
            "passport_number": "FA1234567",
            "passport_issued_on": "2020-01-10",
            "passport_issuer": "MVD",
            "iin": None,
            "address": "Aktau",
            "phone": "+77011234567",
            "residence_country_address": "Tashkent",
            "email": "aziz@example.org",
        },
        "profession": profession_code,
        "education": [{"kind": "higher", "specialty": "physics", "document_number": "D-1"}],
        "experience_years": 5,
        "documents": [
            {"type": "identity_document", "filename": "passport.pdf", "content_base64": b64(PDF)},
            {"type": "education_document", "filename": "diploma.png", "content_base64": b64(png())},
            {"type": "work_experience", "filename": "work.pdf", "content_base64": b64(PDF)},
        ],
    }


@pytest.fixture
def all_scopes_client(db):
    from rest_framework.test import APIClient

    from casework.models import API_SCOPES, ApiClient

    client, key = ApiClient.issue("reliability-portal", list(API_SCOPES))
    http = APIClient()
    http.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    http.api_client = client
    http.raw_key = key
    return http


def start_worker(env_extra: dict, *, queues: str | None = None, name: str = "reliability") -> subprocess.Popen:
    """A real Celery worker (prefork, concurrency 1, acks_late from the settings) in its own process group."""
    env = {**os.environ, **env_extra}
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A",
        "config",
        "worker",
        "-c",
        "1",
        "-l",
        "warning",
        "-n",
        f"{name}-{os.getpid()}-{time.monotonic_ns()}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    if queues:
        command += ["-Q", queues]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )


def kill_tree(process: subprocess.Popen, sig) -> None:
    """Send ``sig`` to the worker and its pool children (its process group: we started it)."""
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.wait(timeout=10)


def wait_until(predicate, timeout: float, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


# The access matrix (test_access_matrix.py) keeps its table here too; tests/conftest.py prints the table file.
ACCESS_MATRIX_KEY = pytest.StashKey[str]()
