"""``manage.py backup_office --to DIR``: the database and the stored documents, with a manifest of checksums."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casework.observability.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the office into DIR (new or empty): pg_dump custom format of the database (an SQL dump on "
        "the embedded default), a tar of PRIVATE_MEDIA_ROOT, manifest.json with SHA-256 checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", dest="destination", required=True, help="folder to write the backup into")
        parser.add_argument("--database", default="default", help="database alias (default: default)")

    def handle(self, *args, destination: str, database: str, **options):
        try:
            manifest = backup(Path(destination), alias=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {destination}: {manifest['database']['vendor']} database "
                f"{manifest['database']['name']}, {manifest['media']['documents']} documents."
            )
        )
