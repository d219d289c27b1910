"""Mounted at /admin/dashboard/ by config/urls.py; the admin index links here (dashboard_admin_index.html)."""

from django.contrib import admin
from django.urls import path

from . import views

app_name = "casework_dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("export.csv", views.export_csv, name="export-csv"),
    path("export.xlsx", views.export_xlsx, name="export-xlsx"),
]

# The admin index gets a link to the dashboard (shown to those who may see it); a project-wide
# override of the index template, if one is ever set, wins.
if admin.site.index_template is None:
    admin.site.index_template = "admin/casework/dashboard_admin_index.html"
