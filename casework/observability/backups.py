"""Backups of the office: the database (``pg_dump`` custom format; the SQLite file on the embedded default)
and the stored documents (a tar of PRIVATE_MEDIA_ROOT), with a manifest of SHA-256 checksums.

A backup folder::

    manifest.json        what is in it, when, from which database, each file's size and SHA-256
    database.dump        pg_dump --format=custom (or database.sql, an SQL dump, on SQLite)
    private-media.tar.gz uploaded and issued documents, paths relative to PRIVATE_MEDIA_ROOT

``restore`` checks every checksum before touching anything, refuses a database that already has tables
(and a non-empty PRIVATE_MEDIA_ROOT) unless forced, restores in one transaction, and extracts the documents
with tarfile's ``data`` filter (no absolute paths, no links out of the folder).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_DUMP = "database.sql"
MEDIA_TAR = "private-media.tar.gz"


class BackupError(Exception):
    pass


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class PgTarget:
    """libpq arguments for pg_dump / pg_restore from a Django database settings dict (password via env)."""

    name: str
    user: str
    password: str
    host: str
    port: str

    @classmethod
    def from_settings(cls, db: dict) -> PgTarget:
        return cls(
            db["NAME"], db.get("USER") or "", db.get("PASSWORD") or "", db.get("HOST") or "", str(db.get("PORT") or "")
        )

    def args(self) -> list[str]:
        args = []
        if self.host:
            args += ["--host", self.host]
        if self.port:
            args += ["--port", self.port]
        if self.user:
            args += ["--username", self.user]
        return [*args, "--no-password"]

    def env(self) -> dict:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def _run(command: list[str], env: dict) -> None:
    executable = shutil.which(command[0])
    if executable is None:
        raise BackupError(f"{command[0]} not found: install the PostgreSQL client (postgresql-client)")
    result = subprocess.run([executable, *command[1:]], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


def _applied_migrations(alias: str) -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connections[alias]).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


def backup(destination: Path, alias: str = DEFAULT_DB_ALIAS) -> dict:
    destination = Path(destination)
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty: a backup goes into a new or empty folder")
    destination.mkdir(parents=True, exist_ok=True)
    connection = connections[alias]
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        target = PgTarget.from_settings(db)
        database_file = destination / PG_DUMP
        _run(
            [
                "pg_dump",
                *target.args(),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(database_file),
                target.name,
            ],
            target.env(),
        )
    elif connection.vendor == "sqlite":
        # The embedded default: an SQL dump read through Django's own connection (it sees what that
        # connection sees, and waits on no lock of its own).
        database_file = destination / SQLITE_DUMP
        connection.ensure_connection()
        with database_file.open("w", encoding="utf-8") as dump:
            for statement in connection.connection.iterdump():
                dump.write(f"{statement}\n")
    else:
        raise BackupError(f"no backup for the {connection.vendor} database")

    media_root = Path(settings.PRIVATE_MEDIA_ROOT)
    media_file = destination / MEDIA_TAR
    count = 0
    with tarfile.open(media_file, "w:gz") as tar:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    tar.add(path, arcname=str(path.relative_to(media_root)), recursive=False)
                    count += 1

    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": {"vendor": connection.vendor, "name": str(db["NAME"]), "file": database_file.name},
        "migrations": _applied_migrations(alias),
        "media": {"file": media_file.name, "documents": count},
        "files": {
            path.name: {"bytes": path.stat().st_size, "sha256": sha256(path)} for path in (database_file, media_file)
        },
    }
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return manifest


def read_manifest(source: Path) -> dict:
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(f"{source} has no {MANIFEST}: not a backup of this office") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')!r} is not {FORMAT}")
    for name, expected in manifest["files"].items():
        path = source / name
        if not path.is_file():
            raise BackupError(f"{name} is missing from the backup")
        if path.stat().st_size != expected["bytes"] or sha256(path) != expected["sha256"]:
            raise BackupError(f"{name} does not match its checksum: the backup is damaged")
    return manifest


def database_is_empty(alias: str = DEFAULT_DB_ALIAS) -> bool:
    return not connections[alias].introspection.table_names()


def restore(source: Path, alias: str = DEFAULT_DB_ALIAS, force: bool = False) -> dict:
    source = Path(source)
    manifest = read_manifest(source)
    connection = connections[alias]
    if manifest["database"]["vendor"] != connection.vendor:
        raise BackupError(f"a {manifest['database']['vendor']} backup cannot go into a {connection.vendor} database")
    if not force and not database_is_empty(alias):
        raise BackupError(
            f"database {connection.settings_dict['NAME']!r} already has tables: restore into an "
            "empty database, or pass --force to replace its contents"
        )
    media_root = Path(settings.PRIVATE_MEDIA_ROOT)
    if not force and media_root.is_dir() and any(media_root.iterdir()):
        raise BackupError(f"{media_root} is not empty: pass --force to restore the documents over it")

    database_file = source / manifest["database"]["file"]
    if connection.vendor == "postgresql":
        target = PgTarget.from_settings(connection.settings_dict)
        connection.close()  # pg_restore works over its own connection
        args = [
            "pg_restore",
            *target.args(),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
        ]
        if force:
            args += ["--clean", "--if-exists"]
        _run([*args, "--dbname", target.name, str(database_file)], target.env())
    else:
        connection.ensure_connection()
        connection.connection.executescript(database_file.read_text(encoding="utf-8"))

    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / manifest["media"]["file"], "r:gz") as tar:
        tar.extractall(media_root, filter="data")
    return manifest
