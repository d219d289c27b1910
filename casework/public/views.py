"""Public pages shared by every service: start page, application form base view, receipt, tracking.

No personal data ever goes into a URL: a filed or looked-up case is addressed by a random per-session
handle (casework.public.session); the number and access code travel only in POST bodies.
"""

import logging
from dataclasses import dataclass

from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from casework.exceptions import ServiceError
from casework.models import Case, TransitionLog
from casework.models.cases import access_code_matches

from . import ratelimit, session
from .forms import PublicApplicationForm, TrackingForm
from .registry import PublicService, find_case, get_service, public_services

logger = logging.getLogger("casework.public")

# Compared against when a number is unknown, so that "no such number" and "wrong code" take as long.

# The complaints service registers a public page under this name when it lands; until then no link.
COMPLAINT_URL_NAME = "complaints:public_file"


def too_many_requests(request, limited: ratelimit.Limited) -> HttpResponse:
    minutes = max(1, (limited.retry_after + 59) // 60)
    response = render(request, "casework/public/too_many_requests.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(limited.retry_after)
    return response


def private(response: HttpResponse) -> HttpResponse:
    """Pages with personal data: never cached by a browser or a proxy."""
    response["Cache-Control"] = "private, no-store"
    return response


def home(request):
    """The start page: choose a service, or follow an application already filed."""
    services = []
    for service in public_services():
        try:
            url = reverse(service.form_view_url_name)
        except NoReverseMatch:
            continue
        services.append({"service": service, "url": url})
    return render(request, "public/home.html", {"services": services})


# --- filing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Submitted:
    """What a service's ``submit()`` returns: the new case and its one-time access code (plain)."""

    case: Case
    access_code: str


class PublicApplicationView(View):
    """Base view of a service's public application form. A service subclass sets ``service_slug``
    and ``form_class`` (a PublicApplicationForm) and implements ``submit(form) -> Submitted``;
    a ServiceError it raises is shown next to the fields its ``invalid_params`` name."""

    service_slug: str = ""
    form_class: type[PublicApplicationForm] = PublicApplicationForm
    template_name = "casework/public/application_form.html"
    rate_limit_scope = "submit"

    @property
    def service(self) -> PublicService | None:
        return get_service(self.service_slug)

    def get_form_class(self) -> type[PublicApplicationForm]:
        return self.form_class

    def get_form(self, data=None, files=None) -> PublicApplicationForm:
        return self.get_form_class()(data=data, files=files)

    def get_heading(self) -> str:
        return str(self.service.title) if self.service else ""

    def get_context_data(self, **kwargs) -> dict:
        return {"service": self.service, "heading": self.get_heading(), "intro": "", **kwargs}

    def render_form(self, form, status=200):
        return private(render(self.request, self.template_name, self.get_context_data(form=form), status=status))

    def get(self, request, *args, **kwargs):
        return self.render_form(self.get_form())

    def post(self, request, *args, **kwargs):
        limited = ratelimit.hit(request, self.rate_limit_scope)
        if limited:
            return too_many_requests(request, limited)
        form = self.get_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                submitted = self.submit(form)
            except ServiceError as exc:
                form.apply_service_error(exc)
            else:
                return self.submitted(submitted)
        return self.render_form(form)

    def submit(self, form) -> Submitted:  # pragma: no cover - every service implements it
        raise NotImplementedError

    def submitted(self, submitted: Submitted):
        handle = session.remember(self.request, submitted.case, access_code=submitted.access_code)
        # The number is not personal data; nothing else about the applicant goes to the log.
        logger.info("public form: %s filed %s", self.service_slug, submitted.case.number)
        url = reverse("casework:public:receipt", args=[handle])
        if self.request.headers.get("X-Requested-With") == "XMLHttpRequest":
            # The progress-bar upload (forms.js) follows this itself; a 302 would make the XHR
            # fetch the receipt and use up the one-time display of the access code.
            return JsonResponse({"redirect": url})
        return HttpResponseRedirect(url)


# --- receipt and status ---------------------------------------------------------------------------


def not_found(request, message: str) -> HttpResponse:
    return private(render(request, "casework/public/not_found.html", {"message": message}, status=404))


def not_open(request) -> HttpResponse:
    return not_found(
        request, _("This application is not open in this browser. Look it up with its number and access code.")
    )


def state_labels(case: Case) -> dict[str, str]:
    field = case._meta.get_field(getattr(case, "STATE_FIELD", "status"))
    return {str(value): str(label) for value, label in (field.choices or [])}


def display(case: Case, name: str) -> str:
    getter = getattr(case, f"get_{name}_display", None)
    return str(getter()) if callable(getter) else str(getattr(case, name, "") or "")


def public_history(case: Case) -> list[dict]:
    """What the applicant sees of the history: each change of status, its date and reason (never the clerk)."""
    from django.contrib.contenttypes.models import ContentType

    labels = state_labels(case)
    rows = TransitionLog.objects.filter(case_type=ContentType.objects.get_for_model(case), case_id=case.pk)
    history = []
    for row in rows.order_by("at", "id"):
        if row.from_state == row.to_state and history:
            continue  # deadline recomputations and notes: not a change the applicant needs to follow
        history.append({"at": row.at, "status": labels.get(row.to_state, row.to_state), "reason": row.reason})
    return history


def complaint_url() -> str | None:
    try:
        return reverse(COMPLAINT_URL_NAME)
    except NoReverseMatch:
        return None


def _document(getter, case):
    if getter is None:
        return None
    try:
        return getter(case)
    except Exception:  # a failing renderer must not take the status page down; it is logged for the office
        logger.exception("public document for %s could not be produced", case.number)
        return None


def case_context(item: session.Remembered) -> dict:
    case, service = item.case, item.service
    return {
        "handle": item.handle,
        "service": service,
        "case": case,
        "kind": display(case, "kind"),
        "status": display(case, getattr(case, "STATE_FIELD", "status")),
        "has_receipt_document": _document(service.receipt_document, case) is not None,
        "has_result": _document(service.result_document, case) is not None,
    }


@never_cache
def receipt(request, handle: str):
    """After filing: number, registration date, expected result date, and the access code — shown once."""
    item = session.recall(request, handle)
    if item is None:
        return not_open(request)
    context = case_context(item)
    context["access_code"] = session.take_new_code(request, handle)
    return private(render(request, "casework/public/receipt.html", context))


@never_cache
def case_status(request, handle: str):
    item = session.recall(request, handle)
    if item is None:
        return not_open(request)
    context = case_context(item)
    context["history"] = public_history(item.case)
    context["complaint_url"] = complaint_url()
    return private(render(request, "casework/public/case_status.html", context))


def _download(request, handle: str, which: str):
    item = session.recall(request, handle)
    if item is None:
        return not_open(request)
    getter = item.service.result_document if which == "result" else item.service.receipt_document
    document = _document(getter, item.case)
    if document is None:
        return not_found(request, _("This document is not available yet."))
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return private(response)


@never_cache
def result_download(request, handle: str):
    """The issued result (certificate, permit, refusal...), only to a session that proved the access code."""
    return _download(request, handle, "result")


@never_cache
def receipt_download(request, handle: str):
    return _download(request, handle, "receipt")


@require_POST
def forget(request, handle: str):
    session.forget(request, handle)
    return HttpResponseRedirect(reverse("casework:public:track"))


@never_cache
def track(request):
    """Follow an application with its number + access code (POST only: never in a URL)."""
    form = TrackingForm(request.POST or None)
    if request.method == "POST":
        limited = ratelimit.hit(request, "track")
        if limited:
            return too_many_requests(request, limited)
        if form.is_valid():
            found = find_case(form.cleaned_data["number"])
            code = form.cleaned_data["access_code"]
            case = found[1] if found is not None else None
            if case is not None and case.check_access_code(code):
                request.session.cycle_key()  # a new session id once the applicant has proven the code
                handle = session.remember(request, case)
                return HttpResponseRedirect(reverse("casework:public:case", args=[handle]))
            if case is None or not case.access_code_hash:
                access_code_matches(code, "")  # the same work as a wrong code: timing tells nothing
            # One message for an unknown number and a wrong code: the page never tells which numbers exist.
            form.add_error(None, _("No application matches this number and access code. Check both and try again."))
    context = {"form": form, "remembered": session.remembered(request)}
    return private(render(request, "casework/public/track.html", context))
