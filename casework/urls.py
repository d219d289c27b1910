from django.urls import include, path

from . import verify, views
from .public import views as public_views

app_name = "casework"

urlpatterns = [
    path("", public_views.home, name="home"),
    path("documents/attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("verify/<str:number>", verify.verify_document, name="verify"),
    path("", include("casework.public.urls")),
]
