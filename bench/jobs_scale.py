"""The daily expiry jobs at scale (issue 9): ``.venv/bin/python bench/jobs_scale.py``.

Two generated offices (bench/_dataset.py; made once and reused while their marker row is there):
``permit_office_bench`` with 1,000,000 active certificates and 1,000,000 active permits, and
``permit_office_bench_100k`` with 100,000 of each; in both, 10,000 certificates and 10,000 permits had
their last valid day yesterday. On each, the certificate expiry job (``certificates.tasks.expire_certificates``:
batches of 2,000 until a short one) and the permit expiry job (``permits.services.expire_permits``) run with
``today`` = that day; then the 10,000 are made active again, for 3 rounds alternating the two databases
(load drifting on a shared machine hits both), best round counts. Checks: every one expired, one history
row each, units released; ≤ 3 s at 1,000,000; time(1,000,000) / time(100,000) ≤ 1.3 — the time follows the
number ending, not the number in force. Exit 1 when a target fails.
"""

import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]  # bench/calendar.py must not shadow calendar
sys.path.insert(0, str(HERE.parent))
from bench import _common, _dataset  # noqa: E402

ROUNDS = 3
BATCH = 2000  # certificates.tasks.expire_certificates' default
SIZES = {"permit_office_bench": 1_000_000, "permit_office_bench_100k": 100_000}
TARGET_SECONDS = 3.0
TARGET_RATIO = 1.3


def prepare() -> dict[str, float]:
    """Make both datasets in child processes (Django binds one database per process)."""
    import subprocess

    made = {}
    for name, size in SIZES.items():
        out = (
            subprocess.run(
                [sys.executable, __file__, "--prepare", name, str(size)], check=True, capture_output=True, text=True
            )
            .stdout.strip()
            .splitlines()
        )
        made[name] = float(out[-1])
    return made


def measure(name: str) -> dict:
    import json
    import subprocess

    out = subprocess.run([sys.executable, __file__, "--measure", name], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def child_prepare(name: str, size: int) -> None:
    generated, seconds = _dataset.ensure_dataset(name, size)
    print(f"{seconds if generated else -1.0}")


def child_measure(name: str) -> None:
    import json

    _common.use_database(name, fresh=False)
    _common.setup_django("config.settings.test")
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from casework.models import TransitionLog
    from certificates import services as certificate_services
    from certificates.models import Certificate
    from permits import services as permit_services
    from permits.models import LabourImmigrantPermit, Quota

    _dataset.reset_cohort(connection)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE certificates_certificate, permits_labourimmigrantpermit")
    day = _dataset.JOB_DAY
    history_before = {
        model: TransitionLog.objects.filter(
            case_type=ContentType.objects.get_for_model(model), transition="expire"
        ).count()
        for model in (Certificate, LabourImmigrantPermit)
    }
    issued_before = sum(Quota.objects.values_list("issued", flat=True))
    active = {
        "certificates": Certificate.objects.filter(status="active").count(),
        "permits": LabourImmigrantPermit.objects.filter(status="active").count(),
    }

    started = time.perf_counter()
    certificates = 0
    while True:  # what certificates.tasks.expire_certificates does, with today = the job day
        done = certificate_services.expire_due_certificates(today=day, batch=BATCH)
        certificates += done
        if done < BATCH:
            break
    certificate_seconds = time.perf_counter() - started

    started = time.perf_counter()
    permits = permit_services.expire_permits(today=day)
    permit_seconds = time.perf_counter() - started

    history = {
        model: TransitionLog.objects.filter(
            case_type=ContentType.objects.get_for_model(model), transition="expire"
        ).count()
        - history_before[model]
        for model in (Certificate, LabourImmigrantPermit)
    }
    print(
        json.dumps(
            {
                "active": active,
                "certificates": certificates,
                "certificate_seconds": certificate_seconds,
                "certificate_history": history[Certificate],
                "permits": permits,
                "permit_seconds": permit_seconds,
                "permit_history": history[LabourImmigrantPermit],
                "units_released": issued_before - sum(Quota.objects.values_list("issued", flat=True)),
            }
        )
    )


def main() -> int:
    started = time.perf_counter()
    _common.ensure_services()
    made = prepare()
    for name, seconds in made.items():
        state = f"generated in {seconds:.0f} s" if seconds >= 0 else "reused (marker present)"
        print(f"dataset {name} ({SIZES[name]:,} certificates + {SIZES[name]:,} permits): {state}", flush=True)
    best: dict[str, dict] = {}
    runs: dict[str, list] = {name: [] for name in SIZES}
    for _ in range(ROUNDS):
        for name in SIZES:
            result = measure(name)
            runs[name].append(result)
            for key in ("certificate_seconds", "permit_seconds"):
                best.setdefault(name, {})[key] = min(best.get(name, {}).get(key, float("inf")), result[key])
    big, small = "permit_office_bench", "permit_office_bench_100k"
    print(
        f"{'database':26} {'active certs':>12} {'active permits':>14} {'job':>12} {'ended':>7} {'history':>8} "
        f"{'best s':>8} {'rounds (s)':>24}"
    )
    for name in SIZES:
        last = runs[name][-1]
        for job, ended, history, key in (
            ("certificates", "certificates", "certificate_history", "certificate_seconds"),
            ("permits", "permits", "permit_history", "permit_seconds"),
        ):
            rounds = ", ".join(f"{r[key]:.2f}" for r in runs[name])
            print(
                f"{name:26} {last['active']['certificates']:>12,} {last['active']['permits']:>14,} {job:>12} "
                f"{last[ended]:>7,} {last[history]:>8,} {best[name][key]:>8.3f} {rounds:>24}"
            )
    targets = _common.Targets()
    every_run_complete = all(
        r["certificates"] == r["certificate_history"] == _dataset.EXPIRING
        and r["permits"] == r["permit_history"] == r["units_released"] == _dataset.EXPIRING
        for name in SIZES
        for r in runs[name]
    )
    targets.check(
        "every run: 10,000 ended, 10,000 history rows, 10,000 units",
        "yes" if every_run_complete else "NO",
        every_run_complete,
    )
    for job, key in (("certificate", "certificate_seconds"), ("permit", "permit_seconds")):
        seconds = best[big][key]
        targets.check(
            f"{job} expiry at 1,000,000 ≤ {TARGET_SECONDS:.0f} s", f"{seconds:.3f} s", seconds <= TARGET_SECONDS
        )
        ratio = best[big][key] / best[small][key]
        targets.check(f"{job} expiry time 1,000,000 ÷ 100,000 ≤ {TARGET_RATIO}", f"{ratio:.2f}", ratio <= TARGET_RATIO)
    print(f"benchmark wall time {time.perf_counter() - started:.1f} s")
    return targets.report()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--prepare":
        child_prepare(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--measure":
        child_measure(sys.argv[2])
    else:
        sys.exit(main())
