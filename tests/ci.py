"""Whether the suite runs in CI (``.ci/run`` runs with ``CI=true``): there a test whose tool is missing fails
instead of skipping, because scripts/sysdeps.sh installs every tool the suite needs (chromium, Docker Compose…).
"""

import os

IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
