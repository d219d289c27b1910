"""backup_office / restore_office: a backup restored into an empty database has every case and document."""

import hashlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils.functional import empty

from casework.models import Attachment, private_storage
from certificates.models import CertificateApplication
from tests.certificates.factories import submit_issue

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def private_root(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    private_storage._wrapped = empty  # the storage reads PRIVATE_MEDIA_ROOT again
    yield settings.PRIVATE_MEDIA_ROOT
    private_storage._wrapped = empty


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.django_db
def test_backup_writes_a_manifest_with_checksums_and_restore_refuses_a_damaged_backup(tmp_path, private_root, unit):
    submit_issue(unit)
    call_command("backup_office", "--to", str(tmp_path / "b1"))
    manifest = json.loads((tmp_path / "b1" / "manifest.json").read_text())
    assert manifest["media"]["documents"] == 3
    assert set(manifest["files"]) == {manifest["database"]["file"], "private-media.tar.gz"}
    for name, entry in manifest["files"].items():
        assert sha256(tmp_path / "b1" / name) == entry["sha256"]
    assert manifest["migrations"]["casework"].startswith("00")

    with pytest.raises(CommandError, match="not empty"):
        call_command("backup_office", "--to", str(tmp_path / "b1"))
    with pytest.raises(CommandError, match="already has tables"):
        call_command("restore_office", "--from", str(tmp_path / "b1"))
    with (tmp_path / "b1" / "private-media.tar.gz").open("ab") as damaged:
        damaged.write(b"x")
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore_office", "--from", str(tmp_path / "b1"), "--force")


def _pg(dbname: str):
    db = django_settings.DATABASES["default"]
    conn = psycopg2.connect(
        dbname=dbname,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
    )
    conn.autocommit = True
    return conn


def _admin_sql(sql: str) -> None:
    conn = _pg(connection.settings_dict["NAME"])
    try:
        conn.cursor().execute(sql)
    finally:
        conn.close()


def _url(dbname: str) -> str:
    db = django_settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{dbname}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_a_fresh_empty_database_has_every_case_and_document(tmp_path, private_root, unit):
    for _ in range(3):
        submit_issue(unit)
    cases = sorted(CertificateApplication.objects.values_list("number", flat=True))
    documents = {a.file.name: a.sha256 for a in Attachment.objects.all()}
    assert len(cases) == 3 and len(documents) == 9

    call_command("backup_office", "--to", str(tmp_path / "backup"))

    fresh = f"permit_office_restore_{uuid.uuid4().hex[:12]}"
    _admin_sql(f'CREATE DATABASE "{fresh}"')
    restored_media = tmp_path / "restored-private"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": _url(fresh),
        "PRIVATE_MEDIA_ROOT": str(restored_media),
        "CELERY_BROKER_URL": "",
    }
    command = [sys.executable, "manage.py", "restore_office", "--from", str(tmp_path / "backup")]
    try:
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        conn = _pg(fresh)
        try:
            cursor = conn.cursor()
            cursor.execute("SELECT number FROM certificates_certificateapplication ORDER BY number")
            assert [row[0] for row in cursor.fetchall()] == cases
            cursor.execute("SELECT file, sha256 FROM casework_attachment")
            assert dict(cursor.fetchall()) == documents
            cursor.execute("SELECT count(*) FROM casework_transitionlog")
            assert cursor.fetchone()[0] == 3
        finally:
            conn.close()
        for name, digest in documents.items():
            assert sha256(restored_media / name) == digest

        again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert again.returncode != 0 and "already has tables" in again.stderr
    finally:
        _admin_sql(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
