"""Shared infrastructure of the portal API: authentication and scopes, problem details, idempotency,
pagination, If-Match helpers, the OpenAPI additions. Each service's ``api/`` builds on ``views.PortalAPIView``."""
