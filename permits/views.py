"""Public pages of the permits app (DOMAIN.md §1 "public web form"): the labour-immigrant permit application
(annex 1: issue, extension; the duplicate of 004 §27) and the employer's termination notice (annex 6, 004 §28).

The shared machinery (receipt with the access code, tracking, rate limits, session handles) is
casework.public; these views only say what the forms are and hand them to permits.services.
"""

import secrets

from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from casework.actors import Actor
from casework.documents import DOCUMENT_TYPES
from casework.exceptions import ServiceError
from casework.public import ratelimit
from casework.public.registry import PublicDocument
from casework.public.views import PublicApplicationView, Submitted, not_found, private, too_many_requests

from . import rules, services
from .foreign_labour import rules as fl_rules
from .foreign_labour import services as fl_services
from .foreign_labour.models import FLPStatus, ForeignLabourPermitApplication
from .forms import (
    CHANNEL,
    FL_DESCRIPTIONS,
    FL_TITLES,
    FL_VARIANTS,
    KIND_DESCRIPTIONS,
    KIND_TITLES,
    FeeProofForm,
    ForeignLabourApplicationForm,
    LabourImmigrantApplicationForm,
    TerminationNoticeForm,
)
from .models import ApplicationStatus, LabourImmigrantPermit, LabourImmigrantPermitApplication, TerminationNotice

# --- labour-immigrant permit: choose the kind, fill annex 1 ----------------------------------------------


def kind_overview(kind: str) -> dict:
    reg = rules.regulation()  # in force today
    documents = [
        " / ".join(str(DOCUMENT_TYPES.get(t, t)) for t in alternatives)
        for alternatives in rules.required_documents(kind, CHANNEL)
    ]
    return {
        "kind": kind,
        "title": KIND_TITLES[kind],
        "description": KIND_DESCRIPTIONS[kind],
        "term": reg.duplicate_working_days if kind == rules.DUPLICATE else reg.decision_working_days,
        "documents": documents,
    }


def apply_start(request):
    """Which sub-service: issue, extension or a copy of a lost or damaged permit (004 §5, §24, §27)."""
    return render(request, "permits/public/apply_start.html", {"kinds": [kind_overview(k) for k in rules.KINDS]})


class LabourImmigrantApplicationView(PublicApplicationView):
    """Annex 1 for one kind, filed through the public web form channel (an electronic channel: documents of
    annex 2 row 8.1.b / 8.2.b; incomplete or expired ones are refused on the form, 004 §17)."""

    service_slug = "labour-immigrant-permits"
    template_name = "permits/public/application_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.kind = kwargs.get("kind", "")
        if self.kind not in rules.KINDS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, data=None, files=None):
        return LabourImmigrantApplicationForm(data=data, files=files, kind=self.kind)

    def get_heading(self) -> str:
        return str(KIND_TITLES[self.kind])

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context.update(kind=kind_overview(self.kind), intro=KIND_DESCRIPTIONS[self.kind])
        return context

    def submit(self, form: LabourImmigrantApplicationForm) -> Submitted:
        unit = services.unit_by_code(form.cleaned_data["unit"])
        application, access_code = services.register_application(form.service_input(unit), actor=Actor.applicant())
        return Submitted(application, access_code)


# --- documents the applicant may download (casework.public.registry hooks) ----------------------------------


def _language() -> str:
    return "kk" if (translation.get_language() or "").startswith("kk") else "ru"


def _stored(case, kind: str) -> PublicDocument | None:
    from casework.pdf import latest_document

    language = _language()
    document = latest_document(case, kind, language) or latest_document(case, kind, "ru" if language == "kk" else "kk")
    if document is None or not document.file:
        return None
    with document.file.open("rb") as handle:
        return PublicDocument(document.filename, handle.read(), "application/pdf")


def result_document(app: LabourImmigrantPermitApplication) -> PublicDocument | None:
    """The permit (annex 5: issued, extended or its copy), the refusal (annex 7) or the refusal to accept
    (annex 4), once rendered (004 §18, §31)."""
    from casework.models.issued import DocumentKind

    if app.status == ApplicationStatus.ISSUED and app.result_permit_id:
        return _stored(app.result_permit, DocumentKind.PERMIT)
    if app.status == ApplicationStatus.REFUSED:
        return _stored(app, DocumentKind.REFUSAL)
    if app.status == ApplicationStatus.REFUSED_TO_ACCEPT:
        return _stored(app, DocumentKind.REFUSAL_TO_ACCEPT)
    return None


# --- the employer's termination notice (annex 6, 004 §28) ------------------------------------------------------

NOTICES_KEY = "permits_termination_notices"
MAX_REMEMBERED_NOTICES = 10


def _no_match(form: TerminationNoticeForm) -> None:
    # One message whatever did not match: the page never tells which permit numbers exist or whose they are.
    form.add_error(
        None,
        _(
            "No permit in force matches this permit number, date of issue, employer's IIN and immigrant's name. "
            "Check them against the permit."
        ),
    )


def _submit_notice(request, form: TerminationNoticeForm) -> TerminationNotice | None:
    data = form.cleaned_data
    permit = LabourImmigrantPermit.objects.select_related("holder", "employer").filter(number=data["permit_number"])
    permit = permit.first()
    if permit is None or not form.matches(permit):
        _no_match(form)
        return None
    try:
        return services.submit_termination_notice(
            permit_number=permit.number,
            employer_iin=data["employer_iin"],
            contract_ended_on=data["contract_ended_on"],
            channel=CHANNEL,  # unauthenticated: registered for a clerk's confirmation, the permit unchanged until then
            actor=Actor.applicant(),
            declared={
                "employer_name": data["employer_name"],
                "employer_iin": data["employer_iin"],
                "immigrant_name": data["immigrant_name"],
                "immigrant_iin": data.get("immigrant_iin") or "",
                "permit_issued_on": data["permit_issued_on"].isoformat(),
            },
        )
    except ServiceError as exc:
        if exc.code in (rules.PERMIT_NOT_FOUND, rules.EMPLOYER_MISMATCH):
            _no_match(form)
        else:
            form.apply_service_error(exc)
        return None


def termination_notice(request):
    """Annex 6 through the public form: the notice is registered and waits for a clerk's confirmation (nobody is
    authenticated here); once confirmed the permit ends (``terminated``) and its quota unit is released."""
    form = TerminationNoticeForm()
    if request.method == "POST":
        limited = ratelimit.hit(request, "submit")
        if limited:
            return too_many_requests(request, limited)
        form = TerminationNoticeForm(request.POST)
        if form.is_valid():
            notice = _submit_notice(request, form)
            if notice is not None:
                handle = secrets.token_urlsafe(9)
                notices = dict(request.session.get(NOTICES_KEY, {}))
                notices[handle] = notice.pk
                request.session[NOTICES_KEY] = dict(list(notices.items())[-MAX_REMEMBERED_NOTICES:])
                url = reverse("permits:termination_receipt", args=[handle])
                if request.headers.get("X-Requested-With") == "XMLHttpRequest":
                    return JsonResponse({"redirect": url})  # casework's forms.js follows it
                return HttpResponseRedirect(url)
    context = {
        "form": form,
        "heading": _("Notice of termination of the labour contract with a labour immigrant"),
        "intro": _(
            "For the employer (an individual): within 2 working days of the day the labour contract with the labour "
            "immigrant was terminated, notify the body that issued the permit (004 §28). The office checks the "
            "notice against the permit; the permit ends once the office confirms it."
        ),
    }
    return private(render(request, "permits/public/termination_form.html", context))


@never_cache
def termination_receipt(request, handle: str):
    pk = request.session.get(NOTICES_KEY, {}).get(handle)
    notice = TerminationNotice.objects.select_related("permit").filter(pk=pk).first() if pk else None
    if notice is None:
        return not_found(request, _("This notice is not open in this browser."))
    context = {"notice": notice, "permit": notice.permit}
    return private(render(request, "permits/public/termination_receipt.html", context))


# --- foreign-labour permit to an employer (seed 000) -------------------------------------------------------------


def fl_overview(variant: str) -> dict:
    kind, intra_corporate = FL_VARIANTS[variant]
    flow = fl_rules.flow(kind, intra_corporate)
    documents = [
        " / ".join(str(DOCUMENT_TYPES.get(t, t)) for t in alternatives.split("|"))
        for alternatives in fl_rules.missing_documents(kind, intra_corporate, [])
    ]
    return {
        "variant": variant,
        "title": FL_TITLES[variant],
        "description": FL_DESCRIPTIONS[variant],
        "term": flow.total_working_days,
        "fee": flow.needs_fee,
        "commission": flow.needs_commission,
        "documents": documents,
    }


def foreign_labour_start(request):
    """Which of the six sub-services of 000 §5: issue, re-issue or extension, ordinary or intra-corporate."""
    groups = [
        (_("Ordinary permit"), [fl_overview(v) for v in ("issue", "reissue", "extend")]),
        (
            _("Within an intra-corporate transfer"),
            [fl_overview(v) for v in ("transfer-issue", "transfer-reissue", "transfer-extend")],
        ),
    ]
    context = {"groups": groups}
    return render(request, "permits/public/fl_start.html", context)


class ForeignLabourApplicationView(PublicApplicationView):
    """The employer's application (000 §4–§5) through the public web form; the same service as the portal's."""

    service_slug = "foreign-labour-permits"
    template_name = "permits/public/fl_application_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.variant = kwargs.get("variant", "")
        if self.variant not in FL_VARIANTS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, data=None, files=None):
        return ForeignLabourApplicationForm(data=data, files=files, variant=self.variant)

    def get_heading(self) -> str:
        return str(FL_TITLES[self.variant])

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context.update(variant=fl_overview(self.variant), intro=FL_DESCRIPTIONS[self.variant])
        return context

    def submit(self, form: ForeignLabourApplicationForm) -> Submitted:
        unit = services.unit_by_code(form.cleaned_data["unit"])
        application, access_code = fl_services.submit_foreign_labour_application(
            form.service_input(unit), actor=Actor.applicant()
        )
        return Submitted(application, access_code)


def fl_result_document(app: ForeignLabourPermitApplication) -> PublicDocument | None:
    """The permit once issued against signature in the journal (000 §6(6)), or the motivated refusal (000 §3)."""
    from casework.models.issued import DocumentKind

    if app.status == FLPStatus.ISSUED and app.result_permit_id:
        return _stored(app.result_permit, DocumentKind.PERMIT)
    if app.status == FLPStatus.REFUSED:
        return _stored(app, DocumentKind.REFUSAL)
    return None


def fl_receipt_document(app: ForeignLabourPermitApplication) -> PublicDocument | None:
    """The tear-off receipt given at registration (000 §5(1))."""
    from casework.models.issued import DocumentKind

    return _stored(app, DocumentKind.RECEIPT)


def fee_proof(request):
    """000 §5: the copy of the fee payment, within 10 working days of the letter; a clerk confirms it."""
    form = FeeProofForm()
    if request.method == "POST":
        limited = ratelimit.hit(request, "track")  # it proves an access code, like tracking
        if limited:
            return too_many_requests(request, limited)
        form = FeeProofForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            app = ForeignLabourPermitApplication.objects.filter(number=data["number"]).first()
            if app is None or not app.check_access_code(data["access_code"]):
                # One message for an unknown number and a wrong code, as on the tracking page.
                form.add_error(None, _("No application matches this number and access code. Check both and try again."))
            else:
                document = data["fee_payment_proof"]
                try:
                    payment = fl_services.submit_fee_proof(
                        app.pk,
                        filename=document.filename,
                        content=document.content,
                        channel=CHANNEL,
                        actor=Actor.applicant(),
                        amount=data.get("amount"),
                        paid_on=data.get("paid_on"),
                        payment_reference=data.get("payment_reference", ""),
                    )
                except ServiceError as exc:
                    form.apply_service_error(exc)
                else:
                    context = {"application": app, "payment": payment}
                    return private(render(request, "permits/public/fee_proof_received.html", context))
    context = {
        "form": form,
        "heading": _("Fee payment for a foreign-labour permit"),
        "intro": _(
            "After the letter about the permit, send the copy of the fee payment within 10 working days (000 §5). "
            "Without it the application lapses."
        ),
    }
    return private(render(request, "permits/public/fee_proof_form.html", context))
