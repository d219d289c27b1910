from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints (003 §24–28, 004 §32–35)")

    def ready(self) -> None:
        from casework import roles
        from casework.documents import register_document_types

        from . import rules

        register_document_types(rules.COMPLAINT_DOCUMENT_TYPES)
        for role in roles.ROLES:
            roles.grant(role, "complaints.view_complaint")
        # The registrar registers complaints received at the office; the officer forwards them with the
        # administrative case and records the review (and may stop the clock); the head decides.
        roles.grant(roles.REGISTRAR, "complaints.add_complaint")
        roles.grant(
            roles.OFFICER, "complaints.add_complaint", "complaints.change_complaint", "complaints.handle_complaint"
        )
        roles.grant(
            roles.HEAD, "complaints.change_complaint", "complaints.handle_complaint", "complaints.decide_complaint"
        )

        try:  # the generic application lookup lands with the certificates issue
            from casework import registry
        except ImportError:
            registry = None
        if registry is not None:
            from .lookup import register_with_casework

            register_with_casework(registry)

    def load_reference_data(self) -> None:
        """Nothing to load: the acts' terms are data in complaints.rules."""

    def load_demo_data(self) -> None:
        """No demo complaints: they need an application of another service to challenge."""
