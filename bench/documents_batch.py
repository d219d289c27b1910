"""1,000 certificates rendered by 2 Celery workers (issue 9): ``.venv/bin/python bench/documents_batch.py``.

On the generated office ``permit_office_bench_100k`` (bench/_dataset.py; made if absent), the annex 3
certificate PDFs of 1,000 active certificates are queued as ``casework.pdf.render_document`` tasks (the task
the services schedule after an issue; one copy each, Kazakh and Russian alternating, so 1,000 PDFs) on a
private Redis database, and two real Celery workers (``--pool solo``: one process each, so its memory is the
worker's) render them. The resident memory of each worker is sampled every 0.2 s (psutil). Documents rendered
by earlier runs are removed first (database rows and files under a temporary PRIVATE_MEDIA_ROOT).
Targets: the batch done in ≤ 2 minutes; peak memory ≤ 300 MB per worker; every one of the 1,000 stored.
Exit 1 when a target fails.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]  # bench/calendar.py must not shadow calendar
sys.path.insert(0, str(HERE.parent))
from bench import _common, _dataset  # noqa: E402

DATABASE = "permit_office_bench_100k"
SIZE = 100_000
BROKER = "redis://127.0.0.1:6379/10"
COUNT = 1000
WORKERS = 2
TARGET_SECONDS = 120.0
TARGET_MB = 300.0
TIMEOUT = 600.0


def main() -> int:
    import psutil
    import redis

    started = time.perf_counter()
    _common.ensure_services()
    media = Path(tempfile.mkdtemp(prefix="bench-documents-"))
    os.environ["PRIVATE_MEDIA_ROOT"] = str(media)
    os.environ["CELERY_BROKER_URL"] = BROKER
    generated, _seconds = _dataset.ensure_dataset(DATABASE, SIZE)
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, models

    from casework.models.issued import DocumentKind, IssuedDocument
    from casework.pdf import render_document
    from certificates.models import Certificate

    settings.PRIVATE_MEDIA_ROOT = settings.MEDIA_ROOT = media
    certificate_type = ContentType.objects.get_for_model(Certificate)
    ids = list(Certificate.objects.filter(status="active").order_by("pk").values_list("pk", flat=True)[:COUNT])
    with connection.cursor() as cursor:  # earlier runs' documents (rows only: their files were temporary)
        cursor.execute(
            "DELETE FROM casework_issueddocument WHERE case_type_id = %s AND case_id = ANY(%s)",
            [certificate_type.id, ids],
        )
    queue = redis.Redis.from_url(BROKER)
    queue.flushdb()
    render_document.app.conf.task_always_eager = False
    render_document.app.conf.broker_url = BROKER
    for n, pk in enumerate(ids):
        render_document.delay("certificates.certificate", pk, DocumentKind.CERTIFICATE, "kk" if n % 2 else "ru")
    connection.close()

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": BROKER,
        "PRIVATE_MEDIA_ROOT": str(media),
    }
    celery = str(Path(sys.executable).with_name("celery"))
    t0 = time.perf_counter()
    workers = [
        subprocess.Popen(
            [
                celery,
                "-A",
                "config",
                "worker",
                "--pool",
                "solo",
                "-l",
                "warning",
                "-n",
                f"bench{i}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=_common.ROOT,
            env=env,
        )
        for i in range(WORKERS)
    ]
    peaks = [0.0] * WORKERS
    done = 0
    try:
        handles = [psutil.Process(w.pid) for w in workers]
        while time.perf_counter() - t0 < TIMEOUT:
            for i, handle in enumerate(handles):
                try:
                    rss = handle.memory_info().rss + sum(c.memory_info().rss for c in handle.children(recursive=True))
                except psutil.NoSuchProcess:
                    continue
                peaks[i] = max(peaks[i], rss / 1048576)
            done = IssuedDocument.objects.filter(case_type=certificate_type, case_id__in=ids).count()
            connection.close()
            if done >= COUNT:
                break
            time.sleep(0.2)
        elapsed = time.perf_counter() - t0
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            try:
                w.wait(timeout=30)
            except subprocess.TimeoutExpired:
                w.kill()
        queue.flushdb()
    stored = IssuedDocument.objects.filter(case_type=certificate_type, case_id__in=ids)
    sizes = stored.aggregate(total=models.Sum("size"))["total"] or 0
    print(
        f"documents_batch: {COUNT:,} annex 3 certificates (ru/kk alternating) queued on Redis, {WORKERS} Celery "
        f"workers (--pool solo) against {DATABASE} ({'generated' if generated else 'reused'})"
    )
    print(
        f"rendered {done:,} in {elapsed:.1f} s ({elapsed / max(done, 1) * 1000 * WORKERS:.0f} ms per document per "
        f"worker); {sizes / 1048576:.1f} MB of PDF; peak RSS per worker: " + ", ".join(f"{p:.0f} MB" for p in peaks)
    )
    shutil.rmtree(media, ignore_errors=True)
    targets = _common.Targets()
    targets.check(f"all {COUNT:,} certificates rendered and stored", f"{done:,}", done >= COUNT)
    targets.check(
        f"batch ≤ {TARGET_SECONDS:.0f} s with {WORKERS} workers", f"{elapsed:.1f} s", elapsed <= TARGET_SECONDS
    )
    targets.check(f"peak memory per worker ≤ {TARGET_MB:.0f} MB", f"{max(peaks):.0f} MB", max(peaks) <= TARGET_MB)
    print(f"benchmark wall time {time.perf_counter() - started:.1f} s")
    return targets.report()


if __name__ == "__main__":
    sys.exit(main())
