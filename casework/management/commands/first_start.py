"""``manage.py first_start --admin-username NAME``: what a new installation needs, in one idempotent command.

1. ``migrate`` (which also installs the clerk roles and the periodic jobs);
2. ``setup_office`` (reference data: territorial units, catalogues);
3. the first administrator: a superuser in the administrator role. The password comes from
   ``DJANGO_ADMIN_PASSWORD`` or is generated and printed once. Nothing happens to an existing user.
"""

import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from casework.roles import ADMINISTRATOR


class Command(BaseCommand):
    help = "First start: migrate, load reference data, create the first administrator (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--admin-username", required=True)
        parser.add_argument("--admin-email", default="")
        parser.add_argument("--skip-migrate", action="store_true", help="the schema is migrated already")

    def handle(self, *args, admin_username: str, admin_email: str, skip_migrate: bool, **options):
        if not skip_migrate:
            call_command("migrate", interactive=False, verbosity=options.get("verbosity", 1))
        call_command("setup_office", verbosity=options.get("verbosity", 1))

        user_model = get_user_model()
        if user_model.objects.filter(username=admin_username).exists():
            self.stdout.write(f"Administrator {admin_username!r} exists already: left as it is.")
            return
        password = os.environ.get("DJANGO_ADMIN_PASSWORD") or secrets.token_urlsafe(18)
        user = user_model(username=admin_username, email=admin_email, is_staff=True, is_superuser=True)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("DJANGO_ADMIN_PASSWORD: " + " ".join(exc.messages)) from exc
        with transaction.atomic():
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=ADMINISTRATOR))
        self.stdout.write(self.style.SUCCESS(f"Administrator {admin_username!r} created."))
        if not os.environ.get("DJANGO_ADMIN_PASSWORD"):
            self.stdout.write(f"  password (shown once, change it after the first login): {password}")
