from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include("workcalendar.api.urls")),
    path("", include("casework.api.applications")),
    path("", include("certificates.api.urls")),
    path("", include("complaints.api.urls")),
    path("", include("permits.api.urls")),
    path("", include("jobseekers.api.urls")),
    path("", include("casework.api.documents")),
]

urlpatterns = [
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("calendar/", include("workcalendar.urls")),
    path("", include("casework.health")),  # /health/live, /health/ready, /metrics
    path("admin/dashboard/", include("casework.dashboard.urls")),  # the head of the office's dashboard
    path("admin/", admin.site.urls),
    path("job-seekers/", include("jobseekers.urls")),
    path("complaints/", include("complaints.urls")),
    path("certificates/", include("certificates.urls")),
    path("permits/", include("permits.urls")),
    path("", include("casework.urls")),
]
