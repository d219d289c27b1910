"""API throughput under gunicorn against a bare Django view in the same run (issue 9); then the same scenarios
with the deployed worker count (2 × cores + 1) as an informational scale-out figure (deploy/README.md).

    .venv/bin/python bench/api_load.py [--duration 12]

gunicorn (2 sync workers, production settings via bench/settings.py, DEBUG off, persistent database
connections as in production: DB_CONN_MAX_AGE=60) on a free loopback port; wrk (Debian's, installed when
missing) with 2 threads and 32 connections for a bounded duration per scenario:

- ``GET /bench/bare``: a plain Django JSON view — the ceiling of this stack on this machine (baseline);
- ``GET /api/v1/applications/{number}``: a real application with its history (API key, scopes, lookup);
- ``POST /api/v1/certificate-applications/``: annex 1 with 3 documents of 100 KB (base64), a unique
  ``Idempotency-Key`` per request (a wrk Lua script), each one a new application.

wrk rather than locust: it is one small Debian package, it drives 32 connections from a few percent of
one core (locust's Python clients would eat the CPU gunicorn needs on a 2-core machine) and it reports
latency percentiles and non-2xx counts itself.

The baseline is measured before and after the API scenarios and averaged, so load drifting on a shared
machine hits both sides. Own database ``permit_office_bench_api`` (dropped and created), Redis database 9
for the Celery tasks the POSTs enqueue (document rendering; flushed at the end). Exit 1 when a target fails.
"""

import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]  # bench/calendar.py must not shadow calendar
sys.path.insert(0, str(HERE.parent))
from bench import _common  # noqa: E402

DATABASE = "permit_office_bench_api"
BROKER = "redis://127.0.0.1:6379/9"
CONNECTIONS = 32
THREADS = 2
DOCUMENT_BYTES = 100 * 1024
TARGET_GET = 0.40
TARGET_POST = 0.10
TARGET_P99_MS = 100.0

POST_LUA = r"""
-- a unique Idempotency-Key per request: thread id + counter
local counter = 0
local thread_id = 0
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  thread_id = tid
  local f = io.open(args[1], "rb")
  body = f:read("*all")
  f:close()
  auth = args[2]
  run_id = args[3]
  path = args[4] or "/api/v1/certificate-applications/"
end
function request()
  counter = counter + 1
  local headers = {}
  headers["Content-Type"] = "application/json"
  headers["Authorization"] = auth
  headers["Idempotency-Key"] = run_id .. "-" .. thread_id .. "-" .. counter
  return wrk.format("POST", path, headers, body)
end
"""

GET_LUA = r"""
function init(args)
  auth = args[1]
end
function request()
  return wrk.format("GET", nil, {["Authorization"] = auth})
end
"""


def padded_pdf(size: int) -> bytes:
    head = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return head + b"%" + os.urandom(size)[: max(0, size - len(head) - 1)].hex().encode()[: size - len(head) - 1]


def application_body(profession_code: str) -> dict:
    documents = [
        {
            "type": kind,
            "filename": f"{kind}.pdf",
            "content_base64": base64.b64encode(padded_pdf(DOCUMENT_BYTES)).decode(),
        }
        for kind in ("identity_document", "education_document", "work_experience")
    ]
    return {
        "kind": "issue",
        "applicant": {
            "surname": "Karimov",
            "given_name": "Aziz",
            "patronymic": None,
            "birth_date": "1990-04-02",
            "citizenship": "UZB",
            "passport_number": "FA1234567",
            "passport_issued_on": "2020-01-10",
            "passport_issuer": "MVD RUz",
            "iin": None,
            "address": "Aktau, 5 mkr 12",
            "phone": "+77011234567",
            "residence_country_address": "Tashkent, Chilanzar 4",
            "email": "aziz@example.org",
        },
        "profession": profession_code,
        "education": [{"kind": "higher", "specialty": "physics", "document_number": "DIP-123"}],
        "experience_years": 5,
        "documents": documents,
    }


def prepare() -> tuple[str, str, bytes]:
    """Fresh database, reference data, an API key with every scope, one application to read. Returns
    (Authorization header, application number, POST body)."""
    _common.use_database(DATABASE, fresh=True)
    _common.setup_django("bench.settings", broker=BROKER)
    _common.migrate()
    from django.db import connection

    with connection.cursor() as cursor:  # the POST floor's one table (bench/urls.py)
        cursor.execute(
            "CREATE TABLE bench_post_floor (id bigserial PRIMARY KEY, number text NOT NULL, documents jsonb NOT NULL, "
            "received_at timestamptz NOT NULL DEFAULT now())"
        )
    from django.core.management import call_command
    from django.test import Client

    from casework.models import API_SCOPES, ApiClient
    from certificates.models import Profession

    call_command("setup_office", verbosity=0)
    _client, key = ApiClient.issue("bench-portal", list(API_SCOPES))
    auth = f"Token {key}"
    profession = Profession.objects.filter(active=True).order_by("code").first()
    body = json.dumps(application_body(profession.code)).encode()
    http = Client(HTTP_AUTHORIZATION=auth)
    response = http.post(
        "/api/v1/certificate-applications/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="seed-1"
    )
    if response.status_code != 201:
        raise SystemExit(f"seed POST failed: {response.status_code} {response.content[:500]!r}")
    number = response.json()["number"]
    check = http.get(f"/api/v1/applications/{number}")
    if check.status_code != 200:
        raise SystemExit(f"seed GET failed: {check.status_code}")
    from django.db import connections

    connections.close_all()
    return auth, number, body


def start_gunicorn(port: int, workers: int = 2) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DB_CONN_MAX_AGE": "60",
        "CELERY_BROKER_URL": BROKER,
        "PYTHONPATH": str(_common.ROOT),
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "config.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--backlog",
            "2048",
            "--preload",
        ],
        cwd=_common.ROOT,
        env=env,
    )
    _common.wait_for_port(port)
    wait_ready(f"http://127.0.0.1:{port}/bench/bare")
    return process


def wait_ready(url: str, timeout: float = 90.0) -> None:
    """Both workers answer (they boot after the port is bound; on a loaded machine that takes seconds)."""
    import urllib.request

    deadline, answered = time.monotonic() + timeout, 0
    while time.monotonic() < deadline and answered < 10:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
                answered += response.status == 200
        except OSError:
            time.sleep(0.2)
    if answered < 10:
        raise SystemExit(f"gunicorn did not answer {url} within {timeout:.0f} s")


UNIT = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_wrk(text: str) -> dict:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
    p50 = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
    requests = int(re.search(r"(\d+) requests in", text).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return {
        "rps": rps,
        "p50_ms": float(p50.group(1)) * UNIT[p50.group(2)],
        "p99_ms": float(p99.group(1)) * UNIT[p99.group(2)],
        "requests": requests,
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(int(x) for x in sock.groups()) if sock else 0,
    }


def cpu_snapshot(server: subprocess.Popen | None) -> dict:
    """CPU seconds used so far by the gunicorn processes, PostgreSQL's, this process's waited-for children (wrk)
    and the whole machine (busy, idle), to split each scenario's CPU per request."""
    import resource

    import psutil

    def seconds(process) -> float:
        try:
            times = process.cpu_times()
            return times.user + times.system
        except psutil.Error:
            return 0.0

    web = 0.0
    if server is not None:
        master = psutil.Process(server.pid)
        web = seconds(master) + sum(seconds(child) for child in master.children(recursive=True))
    postgres = {
        p.pid: seconds(p) for p in psutil.process_iter(["name"]) if p.info["name"] in ("postgres", "postmaster")
    }
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    machine = psutil.cpu_times()
    return {
        "web": web,
        "postgres": postgres,
        "wrk": children.ru_utime + children.ru_stime,
        "busy": sum(machine) - machine.idle - getattr(machine, "iowait", 0.0),
        "idle": machine.idle + getattr(machine, "iowait", 0.0),
    }


def wrk(url: str, duration: int, script: str, *args: str, server: subprocess.Popen | None = None) -> dict:
    command = [
        "wrk",
        "-t",
        str(THREADS),
        "-c",
        str(CONNECTIONS),
        "-d",
        f"{duration}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        script,
        url,
    ]
    if args:
        command += ["--", *args]
    before = cpu_snapshot(server)
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    after = cpu_snapshot(server)
    # Requests wrk left queued in the backlog are still served after it stops: drain them before the next scenario.
    wait_ready(url.split("/api/")[0].rstrip("/").rsplit("/bench/", 1)[0] + "/bench/bare", timeout=300)
    measured = parse_wrk(result.stdout)
    measured["cpu"] = {key: after[key] - before[key] for key in before if key != "postgres"}
    # per process: a backend that ended during the scenario drops out instead of making the sum negative
    measured["cpu"]["postgres"] = sum(t - before["postgres"].get(pid, 0.0) for pid, t in after["postgres"].items())
    return measured


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=12, help="seconds per measured scenario")
    parser.add_argument(
        "--scale-workers",
        type=int,
        default=2 * (os.cpu_count() or 1) + 1,
        help="gunicorn workers of the informational scale-out run (default 2 × cores + 1, as deployed); 0 skips",
    )
    options = parser.parse_args()
    started = time.perf_counter()
    _common.ensure_services()
    _common.ensure_debian_package("wrk", "wrk")
    # The POSTs' documents (thousands of 100 KB files) go to a temporary directory, removed at the end.
    media = Path(tempfile.mkdtemp(prefix="bench-api-media-"))
    os.environ["PRIVATE_MEDIA_ROOT"] = str(media)
    try:
        return run(options, started)
    finally:
        shutil.rmtree(media, ignore_errors=True)


def run(options, started: float) -> int:
    auth, number, body = prepare()
    port = _common.free_port()
    base = f"http://127.0.0.1:{port}"
    run_id = f"r{int(time.time())}"
    with tempfile.TemporaryDirectory() as tmp:
        body_file = Path(tmp) / "body.json"
        body_file.write_bytes(body)
        post_lua, get_lua = Path(tmp) / "post.lua", Path(tmp) / "get.lua"
        post_lua.write_text(POST_LUA)
        get_lua.write_text(GET_LUA)
        server = start_gunicorn(port)
        try:
            # warm-up: imports, connections, caches of both workers
            wrk(f"{base}/bench/bare", 2, str(get_lua), auth)
            wrk(f"{base}/api/v1/applications/{number}", 2, str(get_lua), auth)
            wrk(base, 2, str(post_lua), str(body_file), auth, run_id + "w")
            results = {}
            results["bare1"] = wrk(f"{base}/bench/bare", options.duration, str(get_lua), auth, server=server)
            results["get"] = wrk(
                f"{base}/api/v1/applications/{number}", options.duration, str(get_lua), auth, server=server
            )
            results["post"] = wrk(base, options.duration, str(post_lua), str(body_file), auth, run_id, server=server)
            wrk(base, 2, str(post_lua), str(body_file), auth, run_id + "fw", "/bench/post-floor")
            results["floor"] = wrk(
                base,
                options.duration,
                str(post_lua),
                str(body_file),
                auth,
                run_id + "f",
                "/bench/post-floor",
                server=server,
            )
            results["bare2"] = wrk(f"{base}/bench/bare", options.duration, str(get_lua), auth, server=server)
        finally:
            server.terminate()
            server.wait(timeout=30)
        scaled = {}
        if options.scale_workers:  # deploy/README.md "Scale-out": the same scenarios with production's worker count
            port2 = _common.free_port()
            base2 = f"http://127.0.0.1:{port2}"
            server = start_gunicorn(port2, options.scale_workers)
            try:
                wrk(f"{base2}/bench/bare", 2, str(get_lua), auth)
                wrk(f"{base2}/api/v1/applications/{number}", 2, str(get_lua), auth)
                wrk(base2, 2, str(post_lua), str(body_file), auth, run_id + "sw")
                scaled["bare"] = wrk(f"{base2}/bench/bare", options.duration, str(get_lua), auth)
                scaled["get"] = wrk(f"{base2}/api/v1/applications/{number}", options.duration, str(get_lua), auth)
                scaled["post"] = wrk(base2, options.duration, str(post_lua), str(body_file), auth, run_id + "s")
            finally:
                server.terminate()
                server.wait(timeout=30)
    from django.db import connections

    from certificates.models import CertificateApplication

    created = CertificateApplication.objects.count()
    connections.close_all()
    import redis

    redis.Redis.from_url(BROKER).flushdb()

    bare = (results["bare1"]["rps"] + results["bare2"]["rps"]) / 2
    print(
        f"api_load: gunicorn 2 sync workers on 127.0.0.1:{port}, wrk {THREADS} threads × {CONNECTIONS} connections, "
        f"{options.duration} s per scenario; POST body {len(body) / 1024:.0f} KB (3 documents of "
        f"{DOCUMENT_BYTES // 1024} KB, base64)"
    )
    print(f"{'scenario':42} {'req/s':>9} {'÷ bare':>8} {'p50':>9} {'p99':>9} {'requests':>9} {'errors':>7}")
    labels = {
        "bare1": "GET /bench/bare (baseline, before)",
        "get": "GET /api/v1/applications/{number}",
        "post": "POST /api/v1/certificate-applications/",
        "floor": "POST /bench/post-floor (see below)",
        "bare2": "GET /bench/bare (baseline, after)",
    }
    for key, label in labels.items():
        r = results[key]
        errors = r["non2xx"] + r["socket_errors"]
        print(
            f"{label:42} {r['rps']:9.1f} {r['rps'] / bare:7.1%} {r['p50_ms']:7.1f}ms {r['p99_ms']:7.1f}ms "
            f"{r['requests']:9d} {errors:7d}"
        )
    print(f"applications in the database after the run: {created:,} (the POSTs created them, 1 seed + warm-up)")
    print(
        "CPU per request (ms, informational; user + system from /proc, the whole machine "
        f"= {os.cpu_count()} cores busy; 'other' = kernel threads, Redis, this script):"
    )
    print(f"  {'scenario':40} {'gunicorn':>9} {'postgres':>9} {'wrk':>7} {'other':>7} {'machine':>8} {'idle':>6}")
    for key, label in labels.items():
        r = results[key]
        cpu, n = r["cpu"], max(1, r["requests"])
        other = cpu["busy"] - cpu["web"] - cpu["postgres"] - cpu["wrk"]
        idle = cpu["idle"] / max(1e-9, cpu["idle"] + cpu["busy"])
        print(
            f"  {label:40} {cpu['web'] / n * 1e3:9.2f} {cpu['postgres'] / n * 1e3:9.2f} {cpu['wrk'] / n * 1e3:7.2f} "
            f"{max(0.0, other) / n * 1e3:7.2f} {cpu['busy'] / n * 1e3:8.2f} {idle:6.1%}"
        )
    floor = results["floor"]["rps"]
    print(
        "POST floor (informational): the least any implementation of this POST must do, in a plain view — parse the "
        "401 KB JSON, base64-decode and SHA-256 the 3 documents, write them to 3 files, INSERT one row and COMMIT "
        f"durably: {floor:.1f} req/s = {floor / bare:.1%} of the bare view; the real POST does "
        f"{results['post']['rps'] / floor:.0%} of that floor"
    )
    if scaled:
        print(
            f"scale-out (informational, no target): gunicorn {options.scale_workers} sync workers "
            f"(2 × {os.cpu_count()} cores + 1), same scenarios; ÷ 2 workers = the same scenario above"
        )
        two = {"bare": bare, "get": results["get"]["rps"], "post": results["post"]["rps"]}
        names = {"bare": "GET /bench/bare", "get": labels["get"], "post": labels["post"]}
        for key, r in scaled.items():
            errors = r["non2xx"] + r["socket_errors"]
            print(
                f"  {names[key]:40} {r['rps']:9.1f} {r['rps'] / two[key]:7.2f}× {r['p50_ms']:7.1f}ms "
                f"{r['p99_ms']:7.1f}ms {r['requests']:9d} {errors:7d}"
            )
    targets = _common.Targets()
    get_ratio, post_ratio = results["get"]["rps"] / bare, results["post"]["rps"] / bare
    targets.check("GET application ≥ 40% of the bare view's req/s", f"{get_ratio:.1%}", get_ratio >= TARGET_GET)
    targets.check("POST application ≥ 10% of the bare view's req/s", f"{post_ratio:.1%}", post_ratio >= TARGET_POST)
    for key in ("get", "post"):
        p99 = results[key]["p99_ms"]
        targets.check(
            f"{key.upper()} p99 ≤ {TARGET_P99_MS:.0f} ms at {CONNECTIONS} clients",
            f"{p99:.1f} ms",
            p99 <= TARGET_P99_MS,
        )
    errors = sum(r["non2xx"] + r["socket_errors"] for r in [*results.values(), *scaled.values()])
    targets.check("zero errors (non-2xx + socket errors, all scenarios)", str(errors), errors == 0)
    print(f"benchmark wall time {time.perf_counter() - started:.1f} s")
    return targets.report()


if __name__ == "__main__":
    sys.exit(main())
