"""The office's URLs plus ``/bench/bare``: the bare Django JSON view the API benchmark compares against."""

from django.http import JsonResponse
from django.urls import path

from config.urls import urlpatterns as office_urlpatterns


def bare(request):
    return JsonResponse({"number": "QC-2026-000001", "status": "registered"})


urlpatterns = [path("bench/bare", bare), *office_urlpatterns]
