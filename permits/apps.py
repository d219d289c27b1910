from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

DEMO_UNITS = ("471010000", "473630000")  # Aktau city, Munaily district (casework/fixtures/units.json)
DEMO_QUOTA_TOTAL = 50
DEMO_REGION = "470000000"  # Mangystau region: the provider of foreign-labour permits (000 §1)
DEMO_COMMISSION = (
    ("Demo Chair", "deputy akim of the region", "chair"),
    ("Demo Secretary", "chief specialist of the employment coordination department", "secretary"),
    ("Demo Member", "representative of the chamber of entrepreneurs", "member"),
)


class PermitsConfig(AppConfig):
    name = "permits"
    verbose_name = _("Permits for foreign labour")

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
        self._grant_foreign_labour(roles, app)
        from .foreign_labour import rules as flp_rules

        register_document_types(flp_rules.DOCUMENT_TYPES)

        from . import registration, tasks  # noqa: F401  periodic jobs and the application registry
        from .foreign_labour import registration as flp_registration  # noqa: F401

    @staticmethod
    def _grant_foreign_labour(roles, app: str) -> None:
        """Foreign-labour permits (000 §7): office, responsible officer, the Commission, the head."""
        for role in roles.ROLES:
            roles.grant(
                role,
                f"{app}.view_foreignlabourpermitapplication",
                f"{app}.view_foreignlabourpermit",
                f"{app}.view_commissionmember",
                f"{app}.view_commissionmeeting",
                f"{app}.view_feepayment",
                f"{app}.view_servicejournalentry",
            )
        roles.grant(
            roles.REGISTRAR,
            f"{app}.change_foreignlabourpermitapplication",
            f"{app}.confirm_flp_fee",
            f"{app}.issue_flp_permit",
        )
        roles.grant(
            roles.OFFICER,
            f"{app}.change_foreignlabourpermitapplication",
            f"{app}.check_flp_application",
            f"{app}.confirm_flp_fee",
            f"{app}.refuse_flp_application",
        )
        roles.grant(
            roles.COMMISSION_SECRETARY,
            f"{app}.change_foreignlabourpermitapplication",
            f"{app}.record_flp_commission",
            f"{app}.add_commissionmeeting",
            f"{app}.change_commissionmeeting",
            f"{app}.add_commissionmember",
            f"{app}.change_commissionmember",
        )
        roles.grant(
            roles.HEAD,
            f"{app}.change_foreignlabourpermitapplication",
            f"{app}.sign_flp_permit",
            f"{app}.refuse_flp_application",
            f"{app}.revoke_foreignlabourpermit",
        )

    def load_reference_data(self) -> None:
        """Nothing to load: the act's numbers live in permits.rules; quotas are set by the authorised body."""

    def load_demo_data(self) -> None:
        """A demo quota for the current year in the two demo units (idempotent: never lowers a used quota);
        the demo region's foreign-labour Commission and a planned meeting (idempotent)."""
        self._load_foreign_labour_demo()
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

    def _load_foreign_labour_demo(self) -> None:
        """The foreign-labour Commission of the demo region (000 §7(3)) and its next meeting. No foreign-labour
        quota is seeded: the act sets none, and an unallocated unit is not limited (rules.Regulation)."""
        from django.utils import timezone

        from casework.models import NumberSequence, TerritorialUnit

        from .foreign_labour.models import CommissionMeeting, CommissionMember
        from .foreign_labour.services import PROTOCOL_PREFIX

        region = TerritorialUnit.objects.filter(code=DEMO_REGION).first()
        if region is None:
            return
        for name, position, role in DEMO_COMMISSION:
            CommissionMember.objects.get_or_create(
                unit=region, full_name=name, defaults={"position": position, "role": role}
            )
        if not CommissionMeeting.objects.filter(unit=region, status=CommissionMeeting.Status.PLANNED).exists():
            held_on = timezone.localdate()
            CommissionMeeting.objects.create(
                number=NumberSequence.next_number(PROTOCOL_PREFIX, held_on.year),
                unit=region,
                held_on=held_on,
                place="demo",
            )
