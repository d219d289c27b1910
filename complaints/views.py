"""Public pages: file a complaint about one's own application (proven with its number and access code)."""

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from casework.actors import Actor
from casework.exceptions import ServiceError
from casework.models import Channel
from casework.public import ratelimit, session
from casework.public.views import private, too_many_requests

from . import rules, services
from .forms import PublicComplaintForm


def _identity(person) -> dict:
    return {
        "surname": person.surname,
        "given_name": person.given_name,
        "birth_date": person.birth_date,
        "passport_number": person.passport_number,
        "iin": person.iin,
    }


@never_cache
def public_file(request):
    """Only applications this browser session opened with their access code can be complained about;
    the complainant is that application's applicant (the code proves it)."""
    cases = session.remembered(request)
    if not cases:
        return HttpResponseRedirect(reverse("casework:public:track"))
    initial = {"case": request.GET.get("case")} if request.GET.get("case") else {}
    form = PublicComplaintForm(request.POST or None, request.FILES or None, cases=cases, initial=initial)
    complaint = None
    if request.method == "POST":
        limited = ratelimit.hit(request, "submit")
        if limited:
            return too_many_requests(request, limited)
        if form.is_valid():
            item = next(i for i in cases if i.handle == form.cleaned_data["case"])
            people, _organisations = services.parties_of(item.case)
            evidence = form.cleaned_data.get("evidence")
            data = {
                "subject": form.cleaned_data["subject"],
                "addressee": form.cleaned_data["addressee"],
                "complainant_role": rules.APPLICANT,
                "complainant": _identity(people[0]) if people else {},
                "text": form.cleaned_data["text"],
                "documents": [services.DocumentUpload(evidence.doc_type, evidence.filename, evidence.content)]
                if evidence
                else [],
            }
            try:
                complaint = services.file_complaint(
                    data, channel=Channel.WEB_FORM, actor=Actor.applicant(), challenged=item.case
                )
            except ServiceError as exc:
                form.add_error(None, str(exc.detail))
    return private(render(request, "complaints/public_file.html", {"form": form, "complaint": complaint}))
