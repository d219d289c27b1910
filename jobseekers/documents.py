"""The notices of seed 002, in Kazakh and Russian, through ``casework.pdf``.

- job seeker registered: notice of registration (standard annex 1; 002-1 §3);
- job seeker refused: notice of refusal with the ground of standard §10 (standard annex 2; 002-1 §3);
- registered as unemployed: notice of the registration date (002-2 §3);
- refused as unemployed: notice of refusal (standard annex 10; 002-2 §3, §5(4)).

Rendered after the head signs (job seeker, 002-1 §5(3)) or when the centre informs (unemployed, 002-2 §5(4)).
"""

from django.utils.translation import gettext as _

from casework.models.issued import DocumentKind
from casework.pdf import DocumentSpec, document_builder, latest_document, schedule_documents

from .models import REGISTER, JobSeekerRegistration, PersonRegistration, UnemployedRegistration

JOB_SEEKER = JobSeekerRegistration._meta.label_lower
UNEMPLOYED = UnemployedRegistration._meta.label_lower


def result_kind(case: PersonRegistration) -> str:
    return DocumentKind.NOTICE if case.decision == REGISTER else DocumentKind.REFUSAL


def schedule_result(case: PersonRegistration) -> None:
    """The result notice in kk and ru, rendered by a Celery task once the transaction commits."""
    schedule_documents(case, result_kind(case))


def result_document(case: PersonRegistration, language: str = "ru"):
    """The newest result notice of the case in ``language`` (None before it is rendered)."""
    if not case.decision:
        return None
    return latest_document(case, result_kind(case), language)


def _unit_name(case: PersonRegistration, language: str) -> str:
    return case.unit.name_kk if language == "kk" else case.unit.name_ru


def _facts(case: PersonRegistration) -> list[tuple[str, str]]:
    person = case.applicant
    facts = [(_("Full name"), person.full_name)]
    if person.iin:
        facts.append((_("IIN"), person.iin))
    facts.append((_("Date of birth"), person.birth_date.strftime("%d.%m.%Y")))
    facts.append((_("Application No."), case.number))
    facts.append((_("Application registered on"), case.registered_on.strftime("%d.%m.%Y")))
    return facts


def _spec(case, language, *, title, form_label, paragraphs, facts, issuer, annex) -> DocumentSpec:
    return DocumentSpec(
        template="jobseekers/documents/notice.html",
        context={
            "annex": annex,
            "form_label": form_label,
            "addressee": [case.applicant.full_name, case.applicant.address],
            "heading": title,
            "paragraphs": paragraphs,
            "facts": facts,
            "official": _("Head of the employment centre"),
        },
        title=title,
        holder_name=case.applicant.full_name,
        issuer=issuer,
        printed={"application": case.number},
    )


def _centre(case, language) -> str:
    return _("Employment centre, %(unit)s") % {"unit": _unit_name(case, language)}


@document_builder(JOB_SEEKER, DocumentKind.NOTICE)
def job_seeker_notice(case: JobSeekerRegistration, language: str) -> DocumentSpec:
    facts = _facts(case) + [(_("Registered as a job seeker from"), case.registered_from.strftime("%d.%m.%Y"))]
    return _spec(
        case,
        language,
        title=_("Notice of registration as a job seeker"),
        form_label=_("Standard form"),
        annex=[_("Annex 1 to the standard of the public service"), _("“Registration of job seekers”")],
        paragraphs=[_("You are registered as a person seeking work at the employment centre.")],
        facts=facts,
        issuer=_centre(case, language),
    )


@document_builder(JOB_SEEKER, DocumentKind.REFUSAL)
def job_seeker_refusal(case: JobSeekerRegistration, language: str) -> DocumentSpec:
    return _spec(
        case,
        language,
        title=_("Notice of refusal of registration as a job seeker"),
        form_label=_("Standard form"),
        annex=[_("Annex 2 to the standard of the public service"), _("“Registration of job seekers”")],
        paragraphs=[
            _("Registration as a job seeker is refused on the ground: %(ground)s.")
            % {"ground": case.refusal_ground_label}
        ],
        facts=_facts(case),
        issuer=_centre(case, language),
    )


def _department(case, language) -> str:
    return _("Social welfare department, %(unit)s") % {"unit": _unit_name(case, language)}


@document_builder(UNEMPLOYED, DocumentKind.NOTICE)
def unemployed_notice(case: UnemployedRegistration, language: str) -> DocumentSpec:
    facts = _facts(case) + [(_("Registered as unemployed from"), case.registered_from.strftime("%d.%m.%Y"))]
    return _spec(
        case,
        language,
        title=_("Notice of registration as unemployed"),
        form_label=_("Notice"),
        annex=[_("Regulation “Registration of job seekers as unemployed”, item 3")],
        paragraphs=[_("The social welfare department has registered you as unemployed.")],
        facts=facts,
        issuer=_department(case, language),
    )


@document_builder(UNEMPLOYED, DocumentKind.REFUSAL)
def unemployed_refusal(case: UnemployedRegistration, language: str) -> DocumentSpec:
    return _spec(
        case,
        language,
        title=_("Notice of refusal of registration as unemployed"),
        form_label=_("Standard form"),
        annex=[
            _("Annex 10 to the standard of the public service"),
            _("“Registration of job seekers as unemployed”"),
        ],
        paragraphs=[
            _("Registration as unemployed is refused on the ground: %(ground)s.")
            % {"ground": case.refusal_ground_label}
        ],
        facts=_facts(case),
        issuer=_department(case, language),
    )
