"""python manage.py create_api_client NAME --scopes a,b [--kind portal] — prints the key once, as the last line."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from casework.models import API_SCOPES, ApiClient


class Command(BaseCommand):
    help = "Create an API client with scopes and print its key once (last line). Only a hash is stored."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--scopes", required=True, help=f"Comma-separated, from: {', '.join(API_SCOPES)}")
        parser.add_argument("--kind", default=ApiClient.Kind.PORTAL, choices=ApiClient.Kind.values)

    def handle(self, *args, name, scopes, kind, **options):
        requested = [s.strip() for s in scopes.split(",") if s.strip()]
        unknown = sorted(set(requested) - set(API_SCOPES))
        if not requested or unknown:
            raise CommandError(
                f"Unknown scope(s): {', '.join(unknown) or '(none given)'}. Known: {', '.join(API_SCOPES)}",
                returncode=2,
            )
        with transaction.atomic():
            if ApiClient.objects.filter(name=name).exists():
                raise CommandError(f"An API client named {name!r} already exists.", returncode=2)
            client, raw_key = ApiClient.issue(name, requested, kind)
        self.stdout.write(
            f"Created API client {client.name!r} ({client.kind}) with scopes {', '.join(client.scopes)}, "
            f"key prefix {client.key_prefix}. The key below is shown only now; only its hash is stored."
        )
        self.stdout.write(raw_key)
