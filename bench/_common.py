"""Shared plumbing of the PostgreSQL + Redis benchmarks (api_load, jobs_scale, admin_queue, documents_batch).

- ``ensure_services()``: PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379, started like ``.ci/run``
  does when absent (installs them through apt-get when missing and root).
- ``use_database(name, fresh=...)``: points DATABASE_URL at ``postgres://postgres@127.0.0.1:5432/<name>``,
  dropping and creating it when ``fresh`` (or when it does not exist).
- ``setup_django(settings)`` then ``migrate()``.
- ``Targets``: collects (name, measured, limit text, ok) and prints them as ``target: ... PASS|FAIL``.

bench/ itself is kept off sys.path (bench/calendar.py would shadow the standard library's calendar); the
project root is put first so ``bench.settings`` and the apps import.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"
BENCH_SECRET_KEY = "bench-" + "k7Qx2Lr9Vd" * 6  # production settings refuse short keys; never used outside bench


def run_ci_step(function: str) -> None:
    """Run one function of .ci/run (ensure_postgres / ensure_redis) in bash, so the logic is not duplicated."""
    script = ROOT / ".ci" / "run"
    text = script.read_text()
    body = text.split("ensure_postgres\nensure_redis")[0]  # the function definitions only
    subprocess.run(["bash", "-c", f"set -euo pipefail\n{body}\n{function}"], check=True, cwd=ROOT)


def ensure_services() -> None:
    if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"], check=False).returncode != 0:
        run_ci_step("ensure_postgres")
    if subprocess.run(["redis-cli", "-h", "127.0.0.1", "ping"], capture_output=True, check=False).returncode != 0:
        run_ci_step("ensure_redis")


def ensure_debian_package(command: str, package: str) -> str:
    """Path of ``command``; installs the Debian package when missing (root + apt-get), like scripts/sysdeps.sh."""
    found = shutil.which(command)
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit(f"{command} is missing: install the Debian package {package}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True, env=env, stdout=subprocess.DEVNULL)
    return shutil.which(command)


def _admin_connection():
    import psycopg2

    connection = psycopg2.connect(dbname="postgres", user="postgres", host="127.0.0.1", port=5432)
    connection.autocommit = True
    return connection


def database_exists(name: str) -> bool:
    with _admin_connection() as connection, connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def use_database(name: str, *, fresh: bool) -> bool:
    """Point DATABASE_URL at ``name``; (re)create it when ``fresh`` or absent. Returns whether it was created."""
    created = fresh or not database_exists(name)
    if created:
        connection = _admin_connection()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        connection.close()
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    return created


def setup_django(settings_module: str = "config.settings.test", broker: str = "") -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("SECRET_KEY", BENCH_SECRET_KEY)
    os.environ["CELERY_BROKER_URL"] = broker
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


class Targets:
    def __init__(self):
        self.rows: list[tuple[str, str, bool]] = []

    def check(self, name: str, value: str, ok: bool) -> bool:
        self.rows.append((name, value, bool(ok)))
        return ok

    def report(self) -> int:
        width = max((len(n) for n, _, _ in self.rows), default=10)
        for name, value, ok in self.rows:
            print(f"target: {name:{width}}  {value:>34}  {'PASS' if ok else 'FAIL'}", flush=True)
        return 0 if all(ok for _, _, ok in self.rows) else 1
