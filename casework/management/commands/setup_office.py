"""First start and every start: reference data, optionally demo data and the demo clerk. Idempotent."""

import json
import os
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from casework.models import ClerkProfile, TerritorialUnit
from casework.roles import ROLES

UNITS_FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "units.json"
DEMO_USERNAME = "clerk"
DEMO_PASSWORD = "demo-clerk-2026"  # noqa: S105 - demo only: `make run` prints it; production uses createsuperuser
DEMO_UNIT = "470000000"


def load_units() -> int:
    created = 0
    for row in json.loads(UNITS_FIXTURE.read_text(encoding="utf-8")):
        parent = TerritorialUnit.objects.get(code=row["parent"]) if row["parent"] else None
        _unit, was_created = TerritorialUnit.objects.update_or_create(
            code=row["code"],
            defaults={"name_kk": row["name_kk"], "name_ru": row["name_ru"], "level": row["level"], "parent": parent},
        )
        created += was_created
    return created


class Command(BaseCommand):
    help = "Load reference data (units, catalogues) and, with --demo, demo cases and the demo clerk login."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="also load demo cases and create the demo clerk")

    def handle(self, *args, demo: bool = False, **options):
        with transaction.atomic():
            load_units()
            for config in apps.get_app_configs():
                if hasattr(config, "load_reference_data"):
                    config.load_reference_data()
        if not demo:
            self.stdout.write("Reference data loaded.")
            return
        with transaction.atomic():
            user = self.demo_clerk()
            for config in apps.get_app_configs():
                if hasattr(config, "load_demo_data"):
                    config.load_demo_data()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        base = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  Clerk admin:  {base}/admin/\n"
                f"  Demo clerk:   username {user.username}  password {DEMO_PASSWORD}\n"
                f"                (all clerk roles, Mangystau region and its districts)\n"
                f"  Public site:  {base}/\n"
                f"  API docs:     {base}/api/v1/docs/\n"
            )
        )

    def demo_clerk(self):
        user_model = get_user_model()
        user, _created = user_model.objects.get_or_create(username=DEMO_USERNAME, defaults={"is_staff": True})
        user.is_staff = True
        user.first_name, user.last_name = "Демо", "Қызметкер"
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set(Group.objects.filter(name__in=[r for r in ROLES if r != "administrator"]))
        ClerkProfile.objects.update_or_create(user=user, defaults={"unit": TerritorialUnit.objects.get(code=DEMO_UNIT)})
        return user
