"""``manage.py restore_office --from DIR``: a backup_office folder into an empty database (and documents folder)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casework.observability.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by backup_office. Checks every checksum first; refuses a database that already "
        "has tables, or a non-empty PRIVATE_MEDIA_ROOT, unless --force (which replaces their contents)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True, help="the backup folder")
        parser.add_argument("--database", default="default", help="database alias (default: default)")
        parser.add_argument("--force", action="store_true", help="replace what the database and folder hold")

    def handle(self, *args, source: str, database: str, force: bool, **options):
        try:
            manifest = restore(Path(source), alias=database, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest['created_at']}: database and "
                f"{manifest['media']['documents']} documents. Run `manage.py migrate` if this release is newer."
            )
        )
