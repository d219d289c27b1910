"""The decision letter on a complaint (kk/ru), rendered by casework.pdf with the way to court (003 §27–28)."""

from django.utils.translation import gettext as _

from casework.models.issued import DocumentKind
from casework.pdf import DocumentSpec, document_builder

from . import rules
from .models import Complaint

DECISION = DocumentKind.DECISION


@document_builder("complaints.complaint", DECISION)
def decision_letter(complaint: Complaint, language: str) -> DocumentSpec:
    """Called inside ``translation.override(language)``: every string here is in the letter's language."""
    if complaint.status == Complaint.Status.REJECTED:
        outcome = _("The complaint is rejected.")
    elif complaint.extent == rules.PARTIAL:
        outcome = _("The complaint is granted in part.")
    else:
        outcome = _("The complaint is granted in full.")
    if complaint.decided_by_provider:
        outcome += " " + _(
            "The service provider satisfied the complaint itself within 3 working days (003 §24, 004 §32)."
        )
    paragraphs = [
        _(
            "Your complaint No. %(number)s of %(date)s about the %(subject)s concerning application %(application)s "
            "has been considered."
        )
        % {
            "number": complaint.number,
            "date": complaint.registered_on.strftime("%d.%m.%Y") if complaint.registered_on else "",
            "subject": complaint.get_subject_display(),
            "application": complaint.challenged_number,
        },
        outcome,
    ]
    if complaint.decision_text:
        paragraphs.append(_("Reasons: %(text)s") % {"text": complaint.decision_text})
    if complaint.corrective_action:
        paragraphs.append(_("Corrective action taken: %(text)s") % {"text": complaint.corrective_action})
    if complaint.corrective_number:
        paragraphs.append(
            _("Application %(number)s has been reopened and will be decided anew.")
            % {"number": complaint.corrective_number}
        )
    paragraphs.append(str(rules.WAY_TO_COURT))
    facts = [
        (_("Complaint"), complaint.number),
        (_("Application"), complaint.challenged_number),
        (_("Addressed to"), complaint.get_addressee_display()),
        (_("Decided on"), complaint.decided_on.strftime("%d.%m.%Y") if complaint.decided_on else ""),
    ]
    return DocumentSpec(
        template="documents/generic.html",
        context={
            "addressee": [complaint.complainant_name],
            "heading": _("Decision on a complaint"),
            "paragraphs": paragraphs,
            "facts": facts,
            "official": complaint.reviewing_body if not complaint.decided_by_provider else "",
        },
        title=_("Decision on a complaint"),
        holder_name=complaint.complainant_name,
        printed={
            "complaint": complaint.number,
            "application": complaint.challenged_number,
            "outcome": complaint.get_status_display(),
        },
    )
