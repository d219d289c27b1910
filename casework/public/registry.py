"""The services an applicant can use through the public web form (DOMAIN.md §1, "public web form").

Each service app registers itself once (ideally in its AppConfig.ready(), or in its urls.py which the
root URLconf imports before any public page is served)::

    register_public_service(
        "certificates", _("Certificate of qualification compliance"), "certificates:apply",
        _("For foreigners and stateless persons who want to work on their own (003)."),
        model=CertificateApplication,            # tracking by number + access code
        result_document=issued_certificate_pdf,  # case -> PublicDocument | None
        receipt_document=receipt_pdf,            # case -> PublicDocument | None
    )

The start page lists the registered services; the tracking page finds a case by its number among
the registered models, and offers the result / receipt downloads the service says exist.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from casework.models import Case


@dataclass(frozen=True)
class PublicDocument:
    """A file an applicant may download: the issued result or the acceptance receipt."""

    filename: str
    content: bytes
    content_type: str = "application/pdf"


DocumentGetter = Callable[[Case], PublicDocument | None]


@dataclass(frozen=True)
class PublicService:
    slug: str
    title: Any  # str or lazy translation
    form_view_url_name: str
    description: Any
    model: type[Case] | None = None
    result_document: DocumentGetter | None = None
    receipt_document: DocumentGetter | None = None
    order: int = 100
    extra: dict = field(default_factory=dict)

    @property
    def number_prefix(self) -> str:
        return getattr(self.model, "NUMBER_PREFIX", "") if self.model else ""


_SERVICES: dict[str, PublicService] = {}


def register_public_service(
    slug: str,
    title: Any,
    form_view_url_name: str,
    description: Any,
    *,
    model: type[Case] | None = None,
    result_document: DocumentGetter | None = None,
    receipt_document: DocumentGetter | None = None,
    order: int = 100,
    **extra: Any,
) -> PublicService:
    """Add (or replace, so re-imports are harmless) a service on the public start page and tracking."""
    service = PublicService(
        slug=slug,
        title=title,
        form_view_url_name=form_view_url_name,
        description=description,
        model=model,
        result_document=result_document,
        receipt_document=receipt_document,
        order=order,
        extra=extra,
    )
    _SERVICES[slug] = service
    return service


def unregister_public_service(slug: str) -> None:
    _SERVICES.pop(slug, None)


def public_services() -> list[PublicService]:
    return sorted(_SERVICES.values(), key=lambda s: (s.order, s.slug))


def get_service(slug: str) -> PublicService | None:
    return _SERVICES.get(slug)


def service_for_model(model: type[Case]) -> PublicService | None:
    for service in _SERVICES.values():
        if service.model is not None and service.model._meta.label_lower == model._meta.label_lower:
            return service
    return None


def trackable_services() -> list[PublicService]:
    return [s for s in public_services() if s.model is not None]


def find_case(number: str) -> tuple[PublicService, Case] | None:
    """The case with this number among the registered services (prefix first, so one query in practice)."""
    services = trackable_services()
    prefix = number.split("-", 1)[0]
    services.sort(key=lambda s: s.number_prefix != prefix)
    for service in services:
        case = service.model.objects.filter(number=number).first()
        if case is not None:
            return service, case
    return None
