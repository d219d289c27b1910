"""Shared fixtures. PostgreSQL-only tests carry @pytest.mark.postgres and are skipped, loudly, on SQLite."""

import os
import time
from pathlib import Path

import pytest
from django.conf import settings

# tests/reliability/test_access_matrix.py writes its whole table here; the end of the run shows it (also under
# xdist, where the test runs in a worker and only this file reaches the controller).
ACCESS_MATRIX_TABLE = Path(__file__).resolve().parent / "artifacts" / "access_matrix.txt"
_SESSION_STARTED = time.time()


def _on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_collection_modifyitems(config, items):
    if _on_postgres():
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/permit_office"
    )
    skipped = [item for item in items if "postgres" in item.keywords]
    for item in skipped:
        item.add_marker(skip)
    config._postgres_skipped = len(skipped)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not hasattr(config, "workerinput") and ACCESS_MATRIX_TABLE.exists():
        if ACCESS_MATRIX_TABLE.stat().st_mtime >= _SESSION_STARTED:  # written by this run
            terminalreporter.section(f"access matrix ({os.path.relpath(ACCESS_MATRIX_TABLE)})")
            terminalreporter.write(ACCESS_MATRIX_TABLE.read_text(encoding="utf-8"))
    count = getattr(config, "_postgres_skipped", 0)
    if count:
        terminalreporter.write_line(
            f"!!! {count} PostgreSQL tests (row locks, races, triggers) were SKIPPED on SQLite. "
            "Run them with DATABASE_URL=postgres://postgres@127.0.0.1:5432/permit_office make test",
            red=True,
            bold=True,
        )


@pytest.fixture(scope="session", autouse=True)
def _end_lingering_database_sessions(django_db_setup, django_db_blocker):
    """At the end of the session, before the test database is dropped: end the PostgreSQL sessions the live
    server's request threads still hold (a browser's keep-alive connection keeps such a daemon thread, and its
    database connection, alive after the server stops), which made the drop fail with "database … is being
    accessed by other users" (a teardown warning in CI, and a test database left behind)."""
    yield
    if not _on_postgres():
        return
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def fresh_cache():
    """The cache outlives a test's transaction: the public pages' rate-limit counters one test ran up (the access
    matrix's ten wrong tracking codes) must not refuse the next test's applicant (tests/test_browser_*)."""
    yield
    from django.core.cache import caches

    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture(autouse=True)
def fresh_calendar_snapshot():
    """A test's calendar overrides roll back with its transaction: drop the in-process snapshot after each test."""
    yield
    from workcalendar.services import invalidate

    invalidate()


@pytest.fixture(autouse=True)
def fresh_regulation_snapshot():
    """Regulation versions a test added roll back with its transaction: drop the in-process snapshot."""
    yield
    from casework.regulations import invalidate

    invalidate()


@pytest.fixture
def browser(monkeypatch):
    """Debian's chromium through Playwright (tests/browser.py has the marks and launch options)."""
    from playwright.sync_api import sync_playwright

    from tests.browser import ARGS, CHROMIUM

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are fine. Set per test
    # (not at import) so no other test, nor a subprocess it starts, inherits it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()
