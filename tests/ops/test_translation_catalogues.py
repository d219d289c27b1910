"""Every kk/ru catalogue shipped is complete enough to trust: no fuzzy entry (gettext ignores them, so the user
reads English — or, before this test, a wrong guess like "received at" for "rendered at"), msgfmt --check clean,
and the compiled .mo is the one its .po gives."""

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.ci import IN_CI

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    path
    for path in ROOT.glob("**/locale/*/LC_MESSAGES/django.po")
    if ".venv" not in path.parts and "node_modules" not in path.parts
)


def test_the_catalogues_are_found():
    languages = {path.parts[-3] for path in CATALOGUES}
    assert {"kk", "ru"} <= languages and len(CATALOGUES) >= 10


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_fuzzy_entry(po):
    entries = po.read_text(encoding="utf-8").split("\n\n")[1:]  # the header is fuzzy-free by makemessages' design
    fuzzy = [entry.split("msgid", 1)[1][:80] for entry in entries if "#, fuzzy" in entry]
    assert not fuzzy, f"{po.relative_to(ROOT)}: translate (and drop the fuzzy flag of) {fuzzy}"


@pytest.mark.skipif(
    shutil.which("msgfmt") is None and not IN_CI, reason="gettext's msgfmt (make sysdeps installs it; in CI it fails)"
)
@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_compiles_cleanly_and_its_mo_is_current(po, tmp_path):
    compiled = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(compiled), str(po)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert compiled.read_bytes() == po.with_suffix(".mo").read_bytes(), (
        f"{po.relative_to(ROOT)}: the .mo is stale — run compilemessages and commit it"
    )
