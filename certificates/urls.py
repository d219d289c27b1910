from django.urls import path
from django.utils.translation import gettext_lazy as _

from casework.public.registry import register_public_service

from . import views
from .models import CertificateApplication

app_name = "certificates"

urlpatterns = [
    path("apply/", views.apply_start, name="apply"),
    path("apply/<slug:kind>/", views.CertificateApplicationView.as_view(), name="apply_kind"),
]

# On the public start page and in tracking (casework.public.registry); the root URLconf imports this
# module before any public page is served.
register_public_service(
    "certificates",
    _("Certificate of qualification compliance for self-employment (foreigners)"),
    "certificates:apply",
    _(
        "For foreigners and stateless persons working on their own in an in-demand profession: issue, "
        "extension, re-issue, duplicate."
    ),
    model=CertificateApplication,
    result_document=views.result_document,
    receipt_document=views.receipt_document,
    order=10,
)
