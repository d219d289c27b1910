"""`make bench`: every benchmark in bench/, one after another; each prints its ratios and targets.

Exit status 1 when any benchmark reports a failed target (its own exit status).
"""

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    "calendar.py",
    "documents.py",
    "documents_batch.py",
    "api_load.py",
    "jobs_scale.py",
    "admin_queue.py",
]


def main() -> int:
    failed = []
    for name in BENCHMARKS:
        script = HERE / name
        if not script.exists():
            print(f"== {name}: missing", flush=True)
            failed.append(name)
            continue
        print(f"\n== {name}", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent)
        print(f"== {name}: exit {result.returncode} in {time.perf_counter() - started:.1f} s", flush=True)
        if result.returncode != 0:
            failed.append(name)
    print("\nbench: " + ("all targets PASS" if not failed else f"FAIL in {', '.join(failed)}"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
