from django.urls import path

from . import foreign_views, views

urlpatterns = [
    path(
        "labour-immigrant-permit-applications/",
        views.ApplicationCreate.as_view(),
        name="labour-immigrant-permit-applications",
    ),
    path(
        "labour-immigrant-permit-applications/<str:number>/police-check/",
        views.PoliceCheckResult.as_view(),
        name="labour-immigrant-permit-police-check",
    ),
    path(
        "labour-immigrant-intention-agreements/",
        views.AgreementCreate.as_view(),
        name="labour-immigrant-intention-agreements",
    ),
    path("termination-notices/", views.TerminationNoticeCreate.as_view(), name="termination-notices"),
    path("revocations/", views.RevocationFeed.as_view(), name="revocations"),
    # Foreign-labour permits to employers (seed 000)
    path(
        "foreign-labour-permit-applications/",
        foreign_views.ForeignLabourApplicationCreate.as_view(),
        name="foreign-labour-permit-applications",
    ),
    path(
        "foreign-labour-permit-applications/<str:number>/fee-payments/",
        foreign_views.FeePaymentCreate.as_view(),
        name="foreign-labour-permit-fee-payments",
    ),
]
