"""Pagination of every list in the portal API (API.md "Pagination"): ``?page=`` / ``?page_size=`` (max 200),
responses ``{"count", "next", "previous", "results"}``."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination


class PortalPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200  # API.md; a larger page_size is served as 200, not refused

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as exc:
            raise NotFound(_("No such page: %(detail)s") % {"detail": exc.detail}, code="invalid_page") from None
