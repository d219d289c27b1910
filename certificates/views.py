"""Public pages of the qualification certificate service (003): choose the sub-service, fill annex 1.

The shared machinery (receipt, tracking, rate limits, session handles) is casework.public; this module
only says what the form is and hands it to ``services.submit_application``.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casework.actors import Actor
from casework.documents import DOCUMENT_TYPES
from casework.exceptions import ServiceError
from casework.models import Channel, TerritorialUnit
from casework.public.registry import PublicDocument
from casework.public.views import PublicApplicationView, Submitted

from . import rules, services
from .forms import KIND_DESCRIPTIONS, KIND_TITLES, CertificateApplicationForm
from .models import CertificateApplication


def unit_name(unit: TerritorialUnit | None) -> str:
    if unit is None:
        return ""
    return unit.name_kk if (translation.get_language() or "")[:2] == "kk" else unit.name_ru


def receiving_body() -> TerritorialUnit | None:
    try:
        return services.provider_unit()
    except ServiceError:
        return None


def kind_overview(kind: str) -> dict:
    required = rules.required_documents(kind, reissue_reason="")
    documents = [" / ".join(str(DOCUMENT_TYPES[t]) for t in alternatives) for alternatives in required]
    if kind == rules.REISSUE:  # the document depends on what changed
        documents = [
            str(DOCUMENT_TYPES["changed_identity_document"])
            + " — "
            + _("or")
            + " — "
            + str(DOCUMENT_TYPES["labour_contract"])
        ]
    return {
        "kind": kind,
        "title": KIND_TITLES[kind],
        "description": KIND_DESCRIPTIONS[kind],
        "term": rules.regulation_on(timezone.localdate()).service_term_working_days[kind],
        "documents": documents,
    }


def apply_start(request):
    """Which sub-service: issue, extend, re-issue or duplicate (003 annex 2, sub-kinds 1–4)."""
    context = {"kinds": [kind_overview(kind) for kind in rules.KINDS], "body": unit_name(receiving_body())}
    return render(request, "certificates/public/apply_start.html", context)


class CertificateApplicationView(PublicApplicationView):
    """Annex 1 for one sub-service, filed through the public web form channel."""

    service_slug = "certificates"
    template_name = "certificates/public/application_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.kind = kwargs.get("kind", "")
        if self.kind not in rules.KINDS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, data=None, files=None):
        return CertificateApplicationForm(data=data, files=files, kind=self.kind)

    def get_heading(self) -> str:
        return str(KIND_TITLES[self.kind])

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context.update(
            kind=kind_overview(self.kind),
            body=unit_name(receiving_body()),
            intro=KIND_DESCRIPTIONS[self.kind],
        )
        return context

    def submit(self, form: CertificateApplicationForm) -> Submitted:
        application, access_code = services.submit_application(
            **form.service_kwargs(), actor=Actor.applicant(), channel=Channel.WEB_FORM
        )
        return Submitted(application, access_code)


# --- documents the applicant may download (casework.public.registry hooks) -------------------------


def _stored(lookup_name: str, case: CertificateApplication) -> PublicDocument | None:
    """A stored PDF from certificates.documents (the documents engine), in the page's language (kk, else ru)."""
    try:
        from . import documents
    except ImportError:  # the documents engine has not landed
        return None
    lookup = getattr(documents, lookup_name)
    language = "kk" if (translation.get_language() or "")[:2] == "kk" else "ru"
    document = lookup(case, language) or lookup(case, "ru" if language == "kk" else "kk")
    if document is None:
        return None
    with document.file.open("rb") as handle:
        return PublicDocument(document.filename, handle.read(), "application/pdf")


def result_document(case: CertificateApplication) -> PublicDocument | None:
    """The certificate (annex 3) or the motivated refusal, once decided (003 annex 2 row 5)."""
    return _stored("result_document", case)


def receipt_document(case: CertificateApplication) -> PublicDocument | None:
    """The acceptance receipt (003 §5), or the refusal-to-accept receipt (annex 2 row 9)."""
    return _stored("receipt_document", case)
