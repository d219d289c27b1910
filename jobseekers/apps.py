from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobseekersConfig(AppConfig):
    name = "jobseekers"
    verbose_name = _("Job seekers and the unemployed")

    def ready(self) -> None:
        from django_fsm.signals import post_transition

        from casework import roles
        from casework.documents import register_document_types

        from . import services
        from .models import JobSeekerRegistration, UnemployedRegistration

        for model in (JobSeekerRegistration, UnemployedRegistration):
            post_transition.connect(services.on_transition, sender=model, dispatch_uid=f"jobseekers.{model.__name__}")

        register_document_types(
            {
                "residence_permit": _("residence permit (foreigner or stateless person)"),
                "kandas_certificate": _("kandas certificate"),
                "employment_record": _("employment record / proof of last employment"),
            }
        )

        views = (
            "jobseekers.view_jobseekerregistration",
            "jobseekers.view_unemployedregistration",
            "jobseekers.view_steptiming",
        )
        for role in (roles.REGISTRAR, roles.OFFICER, roles.HEAD, roles.ADMINISTRATOR):
            roles.grant(role, *views)
        # The centre's specialist: registers, enters data, prepares notices, forwards, informs (002-1 §7, 002-2 §7).
        for role in (roles.REGISTRAR, roles.OFFICER):
            roles.grant(
                role,
                "jobseekers.add_jobseekerregistration",
                "jobseekers.add_unemployedregistration",
                "jobseekers.process_jobseekerregistration",
                "jobseekers.process_unemployedregistration",
            )
        roles.grant(
            roles.OFFICER,
            "jobseekers.end_jobseekerregistration",
            "jobseekers.end_unemployedregistration",
            "jobseekers.decide_unemployedregistration",
        )
        # The head signs the notice (002-1 §5(3)); the department's decision (002-2 §5(3)) is taken by the
        # officer or the head of the department.
        roles.grant(roles.HEAD, "jobseekers.sign_jobseekerregistration", "jobseekers.decide_unemployedregistration")

        try:  # the generic application lookup (GET /api/v1/applications/{number}) lands with the certificates issue
            from casework import registry
        except ImportError:
            registry = None
        if registry is not None:
            from .api.lookup import register_with_casework

            register_with_casework(registry)

    def load_reference_data(self) -> None:
        """Nothing to load: the regulation's norms, grounds and reasons are data in jobseekers.rules."""

    def load_demo_data(self) -> None:
        from .demo import load_demo_data

        load_demo_data()
