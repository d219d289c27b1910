"""URLconf for the job-seeker tests: only the routes these tests need, so another service's work in
progress in config/urls.py cannot break them."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("", include("casework.api.applications")),
    path("", include("casework.api.documents")),
    path("", include("jobseekers.api.urls")),
]

urlpatterns = [
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("job-seekers/", include("jobseekers.urls")),
    path("", include("casework.urls")),
]
