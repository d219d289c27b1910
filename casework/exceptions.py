"""Errors the services raise. Each carries a stable machine ``code`` (API.md) and an HTTP status,
so the API turns it into problem details and the admin into a message, with no mapping table."""

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    status_code = 400
    code = "invalid"
    title = _("The request cannot be carried out")

    def __init__(self, detail=None, *, code: str | None = None, invalid_params: list[dict] | None = None):
        self.detail = detail if detail is not None else self.title
        if code:
            self.code = code
        self.invalid_params = invalid_params or []
        super().__init__(str(self.detail))


class RuleViolation(ServiceError):
    """An act's rule refuses the request (quota_exhausted, extension_window_closed, ...)."""

    status_code = 422
    code = "rule_violation"
    title = _("A rule of the act refuses this request")


class NotAllowedInState(ServiceError):
    status_code = 409
    code = "not_allowed_in_state"
    title = _("This action is not allowed in the case's current status")


class TransitionConflict(ServiceError):
    """Someone else changed the case at the same moment; the caller should reload and decide again."""

    status_code = 409
    code = "conflict"
    title = _("The case was changed by someone else at the same time")


class StaleVersion(ServiceError):
    status_code = 412
    code = "version_mismatch"
    title = _("The case has changed since you loaded it (If-Match / version is stale)")


class NotPermitted(ServiceError):
    status_code = 403
    code = "permission_denied"
    title = _("You are not permitted to do this")


class CaseNotFound(ServiceError):
    status_code = 404
    code = "not_found"
    title = _("No such case")


class InvalidDocument(ServiceError):
    status_code = 400
    code = "invalid_document"
    title = _("The attached document is not acceptable")
