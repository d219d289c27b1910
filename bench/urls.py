"""The office's URLs plus the API benchmark's two reference views (bench/api_load.py):

- ``/bench/bare``: a plain Django JSON view — the ceiling of this stack on this machine;
- ``/bench/post-floor``: the least any implementation of ``POST /api/v1/certificate-applications/`` must do for
  the same body, in a plain view: parse the JSON, base64-decode and SHA-256 each document, write each to a file,
  INSERT one row and COMMIT durably. No validation, numbering, history, idempotency or audit: a floor, not a
  service (never routed outside the benchmark's settings). With the fastest means we have (orjson, pybase64 —
  what the API itself uses, casework.api.fastjson), so the floor is not inflated by slow parsing.
"""

import hashlib
import os
import tempfile
import uuid
from pathlib import Path

import orjson
import pybase64
from django.db import connection, transaction
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as office_urlpatterns

# bench/api_load.py points PRIVATE_MEDIA_ROOT at a temporary directory it removes after the run.
FLOOR_FILES = Path(os.environ.get("PRIVATE_MEDIA_ROOT") or tempfile.gettempdir()) / "post-floor"


def bare(request):
    return JsonResponse({"number": "QC-2026-000001", "status": "registered"})


@csrf_exempt
def post_floor(request):
    data = orjson.loads(request.body)
    FLOOR_FILES.mkdir(exist_ok=True)
    stored = []
    for document in data["documents"]:
        content = pybase64.b64decode(document["content_base64"], validate=True)
        name = uuid.uuid4().hex
        (FLOOR_FILES / name).write_bytes(content)
        stored.append({"type": document["type"], "file": name, "sha256": hashlib.sha256(content).hexdigest()})
    number = f"FLOOR-{uuid.uuid4().hex[:12]}"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_post_floor (number, documents) VALUES (%s, %s)", [number, orjson.dumps(stored).decode()]
        )
    return JsonResponse({"number": number}, status=201)


urlpatterns = [path("bench/bare", bare), path("bench/post-floor", post_floor), *office_urlpatterns]
