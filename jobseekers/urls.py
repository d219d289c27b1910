from django.urls import path
from django.utils.translation import gettext_lazy as _

from casework.public.registry import register_public_service

from . import views
from .models import JobSeekerRegistration, UnemployedRegistration

app_name = "jobseekers"

urlpatterns = [
    path("apply/", views.JobSeekerApplicationView.as_view(), name="apply_job_seeker"),
    path("unemployed/apply/", views.UnemployedApplicationView.as_view(), name="apply_unemployed"),
]

# On the public start page and in tracking (casework.public.registry); the root URLconf imports this module.
register_public_service(
    "job-seekers",
    _("Registration as a job seeker"),
    "jobseekers:apply_job_seeker",
    _(
        "Citizens, kandases and foreigners with a residence permit looking for work: the employment centre "
        "registers you the same day."
    ),
    model=JobSeekerRegistration,
    result_document=views.result_document,
    order=40,
)
register_public_service(
    "unemployed",
    _("Registration as unemployed"),
    "jobseekers:apply_unemployed",
    _("The social welfare department decides within 2 working days; you are informed by SMS or e-mail."),
    model=UnemployedRegistration,
    result_document=views.result_document,
    order=41,
)
