from django.urls import path

from . import views

app_name = "public"

# Handles are random per-session keys (casework.public.session): no number, name or code in any URL.
urlpatterns = [
    path("track/", views.track, name="track"),
    path("application/<str:handle>/", views.case_status, name="case"),
    path("application/<str:handle>/receipt/", views.receipt, name="receipt"),
    path("application/<str:handle>/receipt.pdf", views.receipt_download, name="receipt_pdf"),
    path("application/<str:handle>/result/", views.result_download, name="result"),
    path("application/<str:handle>/forget/", views.forget, name="forget"),
]
