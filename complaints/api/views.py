from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from casework.actors import Actor
from casework.api.views import PortalAPIView
from casework.models import ApiClient, Channel

from .. import services
from .serializers import ComplaintIn, ComplaintOut


def channel_of(client: ApiClient) -> str:
    return Channel.STATE_CORPORATION if client.kind == ApiClient.Kind.STATE_CORPORATION else Channel.PORTAL


class ComplaintCreate(PortalAPIView):
    """File a complaint about an application's decision, action or inaction (003 §24–28, 004 §32–35)."""

    required_scopes = ["applications:submit"]

    @extend_schema(request=ComplaintIn, responses={201: ComplaintOut}, operation_id="complaints_create")
    def post(self, request):
        complaint = services.file_complaint(
            request.data, channel=channel_of(request.auth), actor=Actor.client(request.auth)
        )
        return Response(ComplaintOut(complaint).data, status=201)
