from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Casework")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the calendar-change receiver)
        from .roles import sync_role_permissions

        # Runs after every app's migrations so that permissions of services that land later are granted.
        post_migrate.connect(sync_role_permissions, dispatch_uid="casework.sync_role_permissions")

        from .schedules import sync_after_migrate

        # `migrate` installs the periodic jobs registered in casework.schedules into django-celery-beat.
        post_migrate.connect(sync_after_migrate, sender=self, dispatch_uid="casework.sync_periodic_tasks")

        from . import admin_regulations  # noqa: F401  (the regulation versions' admin)
        from .regulations import connect_signals, sync_seeds

        connect_signals()
        # Each service's rules.py registered the versions written in its code; they become the seed rows.
        post_migrate.connect(sync_seeds, sender=self, dispatch_uid="casework.sync_regulation_seeds")

    def load_reference_data(self) -> None:
        """setup_office: the regulation versions written in the code (idempotent)."""
        from .regulations import sync_seeds

        sync_seeds()
