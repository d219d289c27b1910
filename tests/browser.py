"""What every browser test shares: Playwright driving Debian's chromium, headless, against the live server
(the ``browser`` fixture lives in tests/conftest.py).

In CI (tests/ci.py) a missing chromium fails the tests instead of skipping them: scripts/sysdeps.sh installs it.
"""

from pathlib import Path

import pytest

from tests.ci import IN_CI

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not IN_CI,
        reason="Debian's chromium is not installed (scripts/sysdeps.sh installs it)",
    ),
]
