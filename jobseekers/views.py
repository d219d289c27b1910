"""The public web form of both services (casework.public): file, get a receipt with the access code,
follow the status, download the notice."""

from django.utils import translation
from django.utils.translation import gettext as _

from casework.actors import Actor
from casework.models import Channel
from casework.public.registry import PublicDocument
from casework.public.views import PublicApplicationView, Submitted

from . import services
from .documents import result_document as stored_result
from .forms import PublicJobSeekerForm, PublicUnemployedForm


def result_document(case) -> PublicDocument | None:
    """The notice in the page's language (kk or ru), for the applicant's download."""
    language = "kk" if (translation.get_language() or "").startswith("kk") else "ru"
    document = stored_result(case, language)
    if document is None:
        return None
    with document.file.open("rb") as handle:
        return PublicDocument(filename=document.filename, content=handle.read())


class RegistrationView(PublicApplicationView):
    register = None

    def submit(self, form) -> Submitted:
        data = form.cleaned_data
        try:
            result = type(self).register(
                applicant=form.applicant_data(),
                residency=data["residency"],
                residence_document_number=data.get("residence_document_number", ""),
                unit=data["unit"],
                channel=Channel.WEB_FORM,
                actor=Actor.applicant(),
                documents=[d.as_service_dict() for d in form.documents()],
                **self.service_kwargs(form),
            )
        except services.AlreadyRegistered:
            # Never tell an anonymous visitor another case's number: the same message, without it.
            raise services.AlreadyRegistered(
                _("This person already has an open registration. Ask the employment centre."),
                invalid_params=[
                    {
                        "name": "applicant",
                        "code": "already_registered",
                        "reason": _("This person already has an open registration. Ask the employment centre."),
                    }
                ],
            ) from None
        return Submitted(case=result.case, access_code=result.access_code)

    def service_kwargs(self, form) -> dict:
        return {}


class JobSeekerApplicationView(RegistrationView):
    service_slug = "job-seekers"
    form_class = PublicJobSeekerForm
    register = staticmethod(services.register_job_seeker)


class UnemployedApplicationView(RegistrationView):
    service_slug = "unemployed"
    form_class = PublicUnemployedForm
    register = staticmethod(services.register_unemployed)

    def service_kwargs(self, form) -> dict:
        return {"notify_by": form.cleaned_data["notify_by"]}
