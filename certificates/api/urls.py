from django.urls import path

from . import views

urlpatterns = [
    path(
        "certificate-applications/",
        views.CertificateApplicationCreateView.as_view(),
        name="certificate-application-create",
    ),
    path("catalogue/professions/", views.ProfessionListView.as_view(), name="catalogue-professions"),
]
