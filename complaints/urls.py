from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("", views.public_file, name="public_file"),
]
