"""Test-only hooks a Celery worker started by tests/reliability/test_faults.py imports (``--include``): they
make "the middle" of a job deterministic. Inert unless RELIABILITY_PAUSE_DIR is set in the worker's env.

RELIABILITY_PAUSE_AT=expiry: after the first committed batch of the certificate expiry job;
RELIABILITY_PAUSE_AT=webhook: right after the receiver acknowledged a webhook, before the row is marked.
The first time only (a marker file holds the pid of the paused process); the test SIGKILLs that pid.
"""

import os
import time
from pathlib import Path

PAUSE_DIR = os.environ.get("RELIABILITY_PAUSE_DIR")
PAUSE_AT = os.environ.get("RELIABILITY_PAUSE_AT", "")


def _pause_once() -> None:
    marker = Path(PAUSE_DIR) / "paused"
    if marker.exists():
        return
    marker.write_text(str(os.getpid()))
    time.sleep(120)  # killed here


if PAUSE_DIR and PAUSE_AT == "expiry":
    from certificates import services

    _expire = services.expire_due_certificates

    def expire_due_certificates(*args, **kwargs):
        done = _expire(*args, **kwargs)
        if done:
            _pause_once()
        return done

    services.expire_due_certificates = expire_due_certificates

if PAUSE_DIR and PAUSE_AT == "webhook":
    from casework import outbox

    _send = outbox.send

    def send(message):
        error = _send(message)
        if error is None:
            _pause_once()
        return error

    outbox.send = send
