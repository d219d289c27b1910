"""The clerks' work queue at 1,000,000 cases (issue 9): ``.venv/bin/python bench/admin_queue.py``.

On the generated office of bench/jobs_scale.py (``permit_office_bench``: 1,000,000 certificate
applications, 1 % open with step deadlines around today; made here too if absent), a registrar of region
470000000 (logged in through the Django test client — the full middleware, admin, templates) opens the
certificate applications queue: unfiltered, open, overdue and due soon. Per page: the best of 5 server
times after a warm-up, the number of SQL queries and their time, and the EXPLAIN (ANALYZE, BUFFERS) of every
SELECT the page ran. Targets: each page ≤ 300 ms; no COUNT over the whole table (the page count is the
planner's estimate when large, casework.admin.EstimatedCountPaginator; no "n total" link); no sequential scan
of a table holding more than 10,000 rows. Exit 1 when a target fails.
"""

import os
import re
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]  # bench/calendar.py must not shadow calendar
sys.path.insert(0, str(HERE.parent))
from bench import _common, _dataset  # noqa: E402

DATABASE = "permit_office_bench"
SIZE = 1_000_000
TARGET_MS = 300.0
LARGE = 10_000
REPEATS = 5
PAGES = {
    "queue (unit-scoped, no filter)": "/admin/certificates/certificateapplication/",
    "open applications": "/admin/certificates/certificateapplication/?status=open",
    "overdue": "/admin/certificates/certificateapplication/?deadline=overdue",
    "due soon": "/admin/certificates/certificateapplication/?deadline=due_soon",
}


def main() -> int:
    started = time.perf_counter()
    _common.ensure_services()
    generated, seconds = _dataset.ensure_dataset(DATABASE, SIZE)
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from casework.models import ClerkProfile, TerritorialUnit
    from casework.roles import REGISTRAR
    from certificates.models import CertificateApplication

    print(
        f"dataset {DATABASE}: "
        + (f"generated in {seconds:.0f} s" if generated else "reused (marker present)")
        + f"; {CertificateApplication.objects.count():,} certificate applications"
    )
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the test client's host
    region = TerritorialUnit.objects.get(code="470000000")
    user, _ = get_user_model().objects.get_or_create(username="bench-registrar", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=REGISTRAR))
    ClerkProfile.objects.update_or_create(user=user, defaults={"unit": region})
    client = Client()
    client.force_login(user)
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r'")
        sizes = dict(cursor.fetchall())

    targets = _common.Targets()
    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"clerk: registrar of {region.code} (the region and its districts: a half of the office's cases)")
    for label, url in PAGES.items():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(REPEATS):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
        paginator = re.search(r'class="paginator">(.*?)</p>', response.content.decode(), re.S)
        paginator_lines = (
            [" ".join(re.sub(r"<[^>]+>", " ", line).split()) for line in paginator.group(1).splitlines()]
            if paginator
            else []
        )
        shown = [line for line in paginator_lines if line][-1:] or ["?"]  # "6666 applications" (its count line)
        sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        best = min(times)
        print(
            f"\n-- {label}: {url}\n   server time best {best:.1f} ms, median {statistics.median(times):.1f} ms "
            f"({REPEATS} runs); {len(queries.captured_queries)} queries, {sql_ms:.1f} ms SQL; "
            f"paginator: {shown[0]!r}"
        )
        full_counts, seq_scans = 0, []
        for number, query in enumerate(queries.captured_queries, 1):
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)  # SELECTs only: read-only
                plan = [row[0] for row in cursor.fetchall()]
            print(f"   [{number}] {sql[:150]}{'…' if len(sql) > 150 else ''}")
            for line in plan:
                print(f"       {line}")
            for line in plan:
                scan = re.search(r"Seq Scan on (\w+)", line)
                if scan and sizes.get(scan.group(1), 0) > LARGE:
                    seq_scans.append(scan.group(1))
            if re.search(r"COUNT\(\*\)", sql, re.I) and "WHERE" not in sql.upper():
                full_counts += 1
        targets.check(f"{label}: server time ≤ {TARGET_MS:.0f} ms", f"{best:.1f} ms", best <= TARGET_MS)
        targets.check(f"{label}: no full-table COUNT", str(full_counts), full_counts == 0)
        targets.check(
            f"{label}: no seq scan of a table > {LARGE:,} rows", ", ".join(seq_scans) or "none", not seq_scans
        )
    load = os.getloadavg()
    print(f"\nload average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"benchmark wall time {time.perf_counter() - started:.1f} s")
    return targets.report()


if __name__ == "__main__":
    sys.exit(main())
