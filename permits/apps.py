from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

DEMO_UNITS = ("471010000", "473630000")  # Aktau city, Munaily district (casework/fixtures/units.json)
DEMO_QUOTA_TOTAL = 50


class PermitsConfig(AppConfig):
    name = "permits"
    verbose_name = _("Labour-immigrant permits")

    def ready(self) -> None:
        from casework import roles
        from casework.documents import register_document_types

        from . import rules

        register_document_types(rules.DOCUMENT_TYPES)
        app = "permits"
        for role in roles.ROLES:
            roles.grant(
                role,
                f"{app}.view_labourimmigrantpermitapplication",
                f"{app}.view_labourimmigrantpermit",
                f"{app}.view_quota",
                f"{app}.view_intentionagreement",
                f"{app}.view_terminationnotice",
                f"{app}.view_revocation",
            )
        roles.grant(
            roles.REGISTRAR,
            f"{app}.register_lip_application",
            f"{app}.change_labourimmigrantpermitapplication",
            f"{app}.add_intentionagreement",
            f"{app}.add_terminationnotice",
        )
        roles.grant(
            roles.OFFICER,
            f"{app}.register_lip_application",
            f"{app}.record_police_check_lip",
            f"{app}.change_labourimmigrantpermitapplication",
            f"{app}.add_terminationnotice",
            f"{app}.terminate_labourimmigrantpermit",
            f"{app}.add_revocation",
            f"{app}.change_revocation",
            f"{app}.revoke_labourimmigrantpermit",
            f"{app}.confirm_revocation_delivery",
            f"{app}.add_intentionagreement",
        )
        roles.grant(
            roles.HEAD,
            f"{app}.decide_lip_application",
            f"{app}.change_labourimmigrantpermitapplication",
            f"{app}.revoke_labourimmigrantpermit",
            f"{app}.add_revocation",
            f"{app}.change_revocation",
            f"{app}.terminate_labourimmigrantpermit",
            f"{app}.confirm_revocation_delivery",
        )
        roles.grant(roles.ADMINISTRATOR, f"{app}.add_quota", f"{app}.change_quota")

        from . import registration, tasks  # noqa: F401  periodic jobs and the application registry

    def load_reference_data(self) -> None:
        """Nothing to load: the act's numbers live in permits.rules; quotas are set by the authorised body."""

    def load_demo_data(self) -> None:
        """A demo quota for the current year in the two demo units (idempotent: never lowers a used quota)."""
        from datetime import date

        from django.utils import timezone

        from casework.models import TerritorialUnit

        from .models import Quota

        year = timezone.localdate().year
        for code in DEMO_UNITS:
            unit = TerritorialUnit.objects.filter(code=code).first()
            if unit is None:
                continue
            Quota.objects.get_or_create(
                purpose=Quota.Purpose.LABOUR_IMMIGRANT,
                unit=unit,
                period_start=date(year, 1, 1),
                defaults={
                    "period_end": date(year, 12, 31),
                    "total": DEMO_QUOTA_TOTAL,
                    "basis": "demo quota (not an act of the authorised body)",
                },
            )
