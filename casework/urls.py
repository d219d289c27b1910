from django.urls import path

from . import views

app_name = "casework"

urlpatterns = [
    path("", views.home, name="home"),
    path("documents/attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
