from django.urls import path
from django.utils.translation import gettext_lazy as _

from casework.public.registry import register_public_service

from . import views
from .models import ForeignLabourPermitApplication, LabourImmigrantPermitApplication

app_name = "permits"

urlpatterns = [
    path("apply/", views.apply_start, name="apply"),
    path("apply/<slug:kind>/", views.LabourImmigrantApplicationView.as_view(), name="apply_kind"),
    path("termination/", views.termination_notice, name="termination"),
    path("termination/<str:handle>/", views.termination_receipt, name="termination_receipt"),
    path("foreign-labour/", views.foreign_labour_start, name="fl_apply"),
    path("foreign-labour/fee/", views.fee_proof, name="fl_fee"),
    path("foreign-labour/<slug:variant>/", views.ForeignLabourApplicationView.as_view(), name="fl_apply_variant"),
]

# On the public start page and in tracking (casework.public.registry); the root URLconf imports this
# module before any public page is served (as certificates/urls.py and jobseekers/urls.py do).
register_public_service(
    "labour-immigrant-permits",
    _("Permit to a labour immigrant (household work)"),
    "permits:apply",
    _(
        "For foreigners doing household work for an individual employer: issue, extension, or a copy of a lost "
        "or damaged permit. Decision within 2 working days."
    ),
    model=LabourImmigrantPermitApplication,
    result_document=views.result_document,
    order=20,
)
register_public_service(
    "labour-immigrant-termination",
    _("Termination of the labour contract with a labour immigrant (employer's notice)"),
    "permits:termination",
    _("For household employers: notify within 2 working days of the contract's end (004 §28)."),
    order=21,
)
register_public_service(
    "foreign-labour-permits",
    _("Permit to an employer to attract foreign labour"),
    "permits:fl_apply",
    _(
        "For employers (legal entities and individual entrepreneurs): issue, re-issue or extension of a permit, "
        "also within an intra-corporate transfer."
    ),
    model=ForeignLabourPermitApplication,
    result_document=views.fl_result_document,
    receipt_document=views.fl_receipt_document,
    order=30,
)
