"""Production settings pass Django's deployment checks and refuse to start without a real secret."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, env_extra):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": "x7" * 30 + "-production-like-secret",
            "ALLOWED_HOSTS": "permits.example.kz",
        },
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_refuses_the_development_secret_key():
    result = run_manage(
        "check", env_extra={"DJANGO_SETTINGS_MODULE": "config.settings.production", "SECRET_KEY": "short"}
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
