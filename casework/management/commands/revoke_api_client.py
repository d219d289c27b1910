"""python manage.py revoke_api_client NAME — the client's key stops working at once; the client is kept."""

from django.core.management.base import BaseCommand, CommandError

from casework.models import ApiClient


class Command(BaseCommand):
    help = "Revoke an API client's key (the client and its history are kept)."

    def add_arguments(self, parser):
        parser.add_argument("name")

    def handle(self, *args, name, **options):
        client = ApiClient.objects.filter(name=name).first()
        if client is None:
            raise CommandError(f"No API client named {name!r}.", returncode=2)
        if not client.is_usable:
            self.stdout.write(f"API client {name!r} was already revoked.")
            return
        client.revoke()
        self.stdout.write(f"API client {name!r} revoked at {client.revoked_at.isoformat()}.")
