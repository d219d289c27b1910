from django.urls import path

from . import views

app_name = "casework_dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("export.csv", views.export_csv, name="export-csv"),
    path("export.xlsx", views.export_xlsx, name="export-xlsx"),
]
