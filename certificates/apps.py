from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Qualification certificates (003)")

    def ready(self) -> None:
        from casework import roles

        app = "certificates"
        for role in roles.ROLES:
            roles.grant(
                role,
                f"{app}.view_certificateapplication",
                f"{app}.view_certificate",
                f"{app}.view_commissionprotocol",
                f"{app}.view_profession",
                f"{app}.view_holdernotice",
                f"{app}.view_revocation",
                f"{app}.view_commissionmember",
                f"{app}.view_notification",
            )
        roles.grant(
            roles.REGISTRAR, f"{app}.register_certificateapplication", f"{app}.refuse_to_accept_certificateapplication"
        )
        roles.grant(roles.OFFICER, f"{app}.refer_certificateapplication", f"{app}.add_holdernotice")
        roles.grant(
            roles.COMMISSION_SECRETARY,
            f"{app}.record_protocol_certificateapplication",
            f"{app}.add_commissionmember",
            f"{app}.change_commissionmember",
        )
        roles.grant(
            roles.HEAD,
            f"{app}.decide_certificateapplication",
            f"{app}.reopen_certificateapplication",
            f"{app}.revoke_certificate",
            f"{app}.terminate_certificate",
        )
        roles.grant(
            roles.ADMINISTRATOR,
            f"{app}.add_profession",
            f"{app}.change_profession",
            f"{app}.add_commissionmember",
            f"{app}.change_commissionmember",
        )

        from casework.registry import register_service

        from .api.views import represent_application
        from .models import CertificateApplication

        register_service(CertificateApplication, represent_application)

        try:
            from . import tasks  # noqa: F401  (registers the periodic jobs)
        except ImportError:  # pragma: no cover - the jobs module lands after the models
            pass

    def load_reference_data(self) -> None:
        """The catalogue of in-demand professions (order No 236 annex 2); idempotent."""
        from .catalogue import load_catalogue

        load_catalogue()

    def load_demo_data(self) -> None:
        """A few applications in different states, and Commission members; idempotent."""
        from .demo import load_demo

        load_demo()
