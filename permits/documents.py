"""The annex forms of 004 this office issues, in Kazakh and Russian, with the QR verification of casework.pdf:
annex 1 (application), 3 (agreement of intent), 4 (refusal to accept), 5 (permit, also its duplicate and the
extension), 6 (termination notice as received), 7 (refusal), 8 (revocation notice to the holder), 9 (revocation
information to internal affairs). Builders only assemble text; casework.pdf renders, numbers and stores."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.models.issued import DocumentKind, DocumentStatus
from casework.pdf import (
    DocumentSpec,
    document_builder,
    register_printed_labels,
    schedule_documents,
    set_document_status,
)

from . import rules
from .models import (
    IntentionAgreement,
    LabourImmigrantPermit,
    LabourImmigrantPermitApplication,
    Revocation,
    TerminationNotice,
)

TEMPLATE = "permits/documents/annex.html"
APP = "permits.labourimmigrantpermitapplication"
PERMIT = "permits.labourimmigrantpermit"

register_printed_labels(
    {
        "extends_permit": gettext_lazy("Number of the permit being extended"),
        "employer": gettext_lazy("Employer"),
        "leave_by": gettext_lazy("To leave the country by"),
    }
)


def _d(day) -> str:
    return f"{day:%d.%m.%Y}" if day else "—"


def _unit_name(unit) -> str:
    from django.utils import translation

    return unit.name_kk if (translation.get_language() or "").startswith("kk") else unit.name_ru


def _person_facts(person) -> list:
    return [
        (_("Full name"), person.full_name),
        (_("Passport No."), person.passport_number),
        (_("Citizenship"), person.citizenship),
        (_("IIN"), person.iin or "—"),
    ]


# --- annex 1: the application --------------------------------------------------------------------------


@document_builder(APP, DocumentKind.APPLICATION_FORM)
def application_form(app: LabourImmigrantPermitApplication, language: str) -> DocumentSpec:
    kind = {rules.ISSUE: _("issue"), rules.EXTEND: _("extend"), rules.DUPLICATE: _("issue a copy of")}[app.kind]
    person, employer = app.applicant, app.employer
    return DocumentSpec(
        template=TEMPLATE,
        title=_("Application for the issue/extension of a permit to a labour immigrant"),
        holder_name=person.full_name,
        printed={"case_number": app.number, "registered_on": app.registered_on},
        context={
            "annex": 1,
            "addressee": [_unit_name(app.unit)],
            "heading": _("Application for the issue/extension of a permit to a labour immigrant"),
            "facts": [
                *_person_facts(person),
                (_("Date of birth"), _d(person.birth_date)),
                (_("Place of birth"), app.place_of_birth or "—"),
                (_("Employer (individual)"), f"{employer.name}, {_('IIN')} {employer.iin}"),
            ],
            "paragraphs": [
                _(
                    "I request you to %(kind)s a permit to a labour immigrant for %(m)s month(s) to perform work as a "
                    "domestic worker in the household of the employer at the address %(addr)s."
                )
                % {"kind": kind, "m": app.term_months or "—", "addr": app.property_address or "—"},
                _("1. Place of permanent residence: %(a)s") % {"a": person.residence_country_address or "—"},
                _("2. Family composition: %(f)s") % {"f": app.family_composition or "—"},
                _("3. Address of temporary residence in the Republic of Kazakhstan: %(a)s")
                % {"a": person.address or "—"},
                _(
                    "I am aware of liability for violating the migration and tax legislation of the Republic of "
                    "Kazakhstan."
                ),
                _("I consent to the collection and processing of my personal data necessary for the public service."),
                _(
                    "I, %(e)s, intend to engage the above foreigner in my household as a labour immigrant after they "
                    "obtain the permit."
                )
                % {"e": employer.name},
            ],
            "signatures": [_("Labour immigrant"), _("Employer")],
        },
    )


# --- annex 4: refusal to accept ----------------------------------------------------------------------------


@document_builder(APP, DocumentKind.REFUSAL_TO_ACCEPT)
def refusal_to_accept(app: LabourImmigrantPermitApplication, language: str) -> DocumentSpec:
    return DocumentSpec(
        template=TEMPLATE,
        title=_("Receipt on refusal to accept documents"),
        holder_name=app.applicant.full_name,
        printed={"case_number": app.number},
        context={
            "annex": 4,
            "heading": _("Receipt on refusal to accept documents"),
            "paragraphs": [
                _(
                    "Guided by paragraph 2 of Article 20 of the Law of the Republic of Kazakhstan On Public Services, "
                    "you are refused acceptance of documents for the public service Issuing and extending a "
                    "permit to a "
                    "labour immigrant because you submitted an incomplete package of documents and (or) documents with "
                    "an expired validity period, namely:"
                )
            ],
            "items": app.not_accepted_reasons,
            "signatures": [_("Employee of the State Corporation"), _("Received: the service recipient")],
        },
    )


# --- annex 5: the permit (also an extension and a duplicate) ------------------------------------------------


@document_builder(PERMIT, DocumentKind.PERMIT)
def permit_document(permit: LabourImmigrantPermit, language: str) -> DocumentSpec:
    holder = permit.holder
    facts = _person_facts(holder)
    printed = {"permit_number": permit.number, "employer": permit.employer.name}
    if permit.extends_id:
        facts.insert(0, (_("Number of the permit being extended"), permit.extends.number))
        printed["extends_permit"] = permit.extends.number
    paragraphs = [
        _(
            "IS PERMITTED TO CARRY OUT LABOUR ACTIVITY in the household AT EMPLOYERS – NATURAL PERSONS "
            "from %(a)s to %(b)s"
        )
        % {"a": _d(permit.valid_from), "b": _d(permit.valid_to)},
        _("Region: %(u)s") % {"u": _unit_name(permit.unit.parent or permit.unit)},
        _("Valid upon presentation of the labour immigrant's national passport."),
        _("Authority that issued the permit: %(u)s") % {"u": _unit_name(permit.unit)},
        _("Date of issue of the permit: %(d)s") % {"d": _d(permit.issued_on)},
        _("Attention!"),
        _(
            "1. This document is not a basis for the labour immigrant's temporary residence in the Republic of "
            "Kazakhstan. The receiving party (the employer) applies for a temporary residence permit; otherwise the "
            "labour immigrant is liable under Article 517 of the Code on Administrative Offences."
        ),
        _(
            "2. To extend the permit, apply to the State Corporation, egov.kz or migration.enbek.kz not earlier than "
            "30 and not later than 5 calendar days before the permit expires (004 §24)."
        ),
    ]
    if permit.duplicates_issued:
        paragraphs.insert(0, _("DUPLICATE No. %(n)s (004 §27)") % {"n": permit.duplicates_issued})
    return DocumentSpec(
        template=TEMPLATE,
        title=_("Permit to a labour immigrant"),
        holder_name=holder.full_name,
        valid_from=permit.valid_from,
        valid_to=permit.valid_to,
        printed=printed,
        issuer=_unit_name(permit.unit),
        context={
            "annex": 5,
            "heading": _(
                "PERMIT TO A LABOUR IMMIGRANT to carry out labour activity at employers – natural persons No. %(n)s"
            )
            % {"n": permit.number},
            "facts": facts,
            "paragraphs": paragraphs,
            "signatures": [_("Authorised official")],
        },
    )


# --- annex 7: refusal -------------------------------------------------------------------------------------


@document_builder(APP, DocumentKind.REFUSAL)
def refusal(app: LabourImmigrantPermitApplication, language: str) -> DocumentSpec:
    ground = rules.REFUSAL_GROUNDS.get(app.refusal_ground, "")
    return DocumentSpec(
        template=TEMPLATE,
        title=_("Refusal to provide the public service"),
        holder_name=app.applicant.full_name,
        printed={"case_number": app.number, "decision": app.refusal_ground},
        issuer=_unit_name(app.unit),
        context={
            "annex": 7,
            "heading": _(
                "REFUSAL to provide the public service Issuing, extending and revoking a permit to a labour immigrant"
            ),
            "facts": _person_facts(app.applicant)[:3],
            "paragraphs": [
                _(
                    "ISSUANCE OF A PERMIT TO CARRY OUT LABOUR ACTIVITY IN THE HOUSEHOLD AT NATURAL "
                    "PERSONS IS REFUSED (paragraph 2 of Article 19-1 of the Law On Public Services)"
                ),
                f"{app.refusal_ground}: {ground}",
                app.refusal_details or "",
                _("Authority: %(u)s") % {"u": _unit_name(app.unit)},
                _("Date: %(d)s") % {"d": _d(app.decided_on)},
            ],
            "signatures": [_("Authorised official")],
        },
    )


# --- annex 3: the agreement of intent ---------------------------------------------------------------------


@document_builder("permits.intentionagreement", DocumentKind.APPLICATION_FORM)
def agreement(ag: IntentionAgreement, language: str) -> DocumentSpec:
    return DocumentSpec(
        template=TEMPLATE,
        title=_("Agreement of intent to conclude an employment contract"),
        holder_name=ag.immigrant.full_name,
        printed={"employer": ag.employer.name},
        context={
            "annex": 3,
            "heading": _(
                "Agreement of intent to conclude an employment contract with an employer – "
                "natural person in the Republic of Kazakhstan"
            ),
            "facts": [
                (_("Place"), ag.place or "—"),
                (_("Date"), _d(ag.signed_on)),
                (_("Party 1 (employer)"), f"{ag.employer.name}, {_('IIN')} {ag.employer.iin}"),
                (_("Party 2 (worker)"), f"{ag.immigrant.full_name}, {ag.immigrant.passport_number}"),
                (_("Occupation"), ag.occupation or "—"),
                (_("Wage, tenge"), ag.wage or "—"),
                (_("Quota unit reserved until"), _d(ag.reserved_until)),
            ],
            "items": [
                _(
                    "Party 1 and Party 2 have agreed on the volume of work, the terms and other "
                    "conditions in the household."
                ),
                _("Party 1 pays in full the wages provided for in this agreement and the employment contract."),
                _("The Parties comply with the labour and migration legislation and with occupational safety rules."),
                _("Party 2 complies with the requirements on entry and stay of immigrants."),
                _("Party 1 notifies the internal affairs bodies of the arrival within 3 working days."),
                _(
                    "Party 1 notifies the body that issued the permit of the end of the labour "
                    "relations within 2 working days."
                ),
                _("Party 1 assists Party 2 in obtaining an IIN and an electronic digital signature."),
                _("The Parties conclude the employment contract after Party 2 obtains the permit."),
                _("Party 1 registers the employment contract in the unified system or concludes it on hr.enbek.kz."),
            ],
            "paragraphs": [
                _("This agreement is not a basis for the foreigner's entry into the Republic of Kazakhstan.")
            ],
            "signatures": [_("Party 1"), _("Party 2")],
        },
    )


# --- annex 6: termination notice -------------------------------------------------------------------------


@document_builder("permits.terminationnotice", DocumentKind.NOTICE)
def termination_notice(notice: TerminationNotice, language: str) -> DocumentSpec:
    permit = notice.permit
    late = _(" Received late: due by %(d)s (004 §28).") % {"d": _d(notice.due_on)} if notice.is_late else ""
    return DocumentSpec(
        template=TEMPLATE,
        title=_("Notification of termination of the employment contract with a labour immigrant"),
        holder_name=notice.employer.name,
        printed={"permit_number": permit.number},
        context={
            "annex": 6,
            "addressee": [_unit_name(permit.unit), _("From: %(e)s") % {"e": notice.employer.name}],
            "heading": _("NOTIFICATION of termination of the employment contract with a labour immigrant"),
            "paragraphs": [
                _(
                    "I, %(e)s, IIN %(i)s, hereby notify that the employment contract with the labour immigrant "
                    "%(p)s, working on the basis of permit No. %(n)s of %(d)s, has been terminated from %(t)s."
                )
                % {
                    "e": notice.employer.name,
                    "i": notice.employer.iin,
                    "p": permit.holder.full_name,
                    "n": permit.number,
                    "d": _d(permit.issued_on),
                    "t": _d(notice.contract_ended_on),
                }
                + late
            ],
            "signatures": [_("Employer")],
        },
    )


# --- annex 8 (to the holder) and annex 9 (to internal affairs) -----------------------------------------------


@document_builder("permits.revocation", DocumentKind.REVOCATION)
def revocation_notice(rev: Revocation, language: str) -> DocumentSpec:
    permit = rev.permit
    return DocumentSpec(
        template=TEMPLATE,
        title=_("Information on revocation of the permit issued to a labour immigrant"),
        holder_name=permit.holder.full_name,
        printed={"permit_number": permit.number, "leave_by": rev.leave_by},
        issuer=_unit_name(rev.unit),
        context={
            "annex": 8,
            "addressee": [permit.holder.full_name, _("From: %(u)s") % {"u": _unit_name(rev.unit)}],
            "heading": _("INFORMATION on revocation of the permit issued to a labour immigrant"),
            "paragraphs": [
                _(
                    "In accordance with items 36 and 37 of the Rules for issuing, extending and revoking a permit to "
                    "a labour immigrant (Order No 123 of 15 April 2022), the permit No. %(n)s issued on %(d)s has "
                    "been withdrawn by %(u)s."
                )
                % {"n": permit.number, "d": _d(permit.issued_on), "u": _unit_name(rev.unit)},
                _(
                    "On the basis of the revocation of the permit in connection with your carrying out labour "
                    "activity not related to work in the household of the employer – natural person, your period "
                    "of temporary stay in the Republic of Kazakhstan has been shortened to %(d)s."
                )
                % {"d": _d(rev.leave_by)},
                _("In this connection you must leave not later than the above date."),
                _("Basis: act No. %(n)s of %(d)s of %(b)s.")
                % {"n": rev.act_number, "d": _d(rev.act_date), "b": rev.act_body},
            ],
            "signatures": [_("Head of the local executive body")],
        },
    )


@document_builder("permits.revocation", DocumentKind.NOTICE)
def revocation_information(rev: Revocation, language: str) -> DocumentSpec:
    permit, holder = rev.permit, rev.permit.holder
    return DocumentSpec(
        template=TEMPLATE,
        title=_("Information on the revoked permit issued to a labour immigrant"),
        holder_name=holder.full_name,
        printed={"permit_number": permit.number},
        context={
            "annex": 9,
            "addressee": [
                rev.police_body or _("Territorial internal affairs body"),
                _("From: %(u)s") % {"u": _unit_name(rev.unit)},
            ],
            "heading": _("INFORMATION on the revoked permit issued to a labour immigrant"),
            "paragraphs": [
                _(
                    "In accordance with item 39 of the Rules (Order No 123 of 15 April 2022), in accordance with item "
                    "36 of the Rules, %(u)s, on the basis of revocation of the permit in connection with carrying out "
                    "labour activity not related to work in the household of the employer – natural person, the "
                    "permit issued to the labour immigrant has been withdrawn:"
                )
                % {"u": _unit_name(rev.unit)}
            ],
            "facts": [
                *_person_facts(holder),
                (_("Passport issued on"), _d(holder.passport_issued_on)),
                (_("Permit No."), permit.number),
                (_("Permit issued on"), _d(permit.issued_on)),
                (_("Permit valid to"), _d(permit.valid_to)),
                (_("Revoked on"), _d(rev.revoked_on)),
            ],
            "signatures": [_("Head of the local executive body")],
        },
    )


# --- what the services call inside their transaction (casework.pdf records the request, renders after commit) ---


def render_application_form(app_id: int) -> None:
    schedule_documents(LabourImmigrantPermitApplication.objects.get(pk=app_id), DocumentKind.APPLICATION_FORM)


def render_refusal_to_accept(app_id: int) -> None:
    schedule_documents(LabourImmigrantPermitApplication.objects.get(pk=app_id), DocumentKind.REFUSAL_TO_ACCEPT)


def render_refusal(app_id: int) -> None:
    schedule_documents(LabourImmigrantPermitApplication.objects.get(pk=app_id), DocumentKind.REFUSAL)


def render_permit(permit_id: int, app_id: int | None = None) -> None:
    schedule_documents(LabourImmigrantPermit.objects.get(pk=permit_id), DocumentKind.PERMIT)


def render_agreement(agreement_id: int) -> None:
    schedule_documents(IntentionAgreement.objects.get(pk=agreement_id), DocumentKind.APPLICATION_FORM)


def render_termination_notice(notice_id: int) -> None:
    schedule_documents(TerminationNotice.objects.get(pk=notice_id), DocumentKind.NOTICE)


def render_revocation(rev_id: int) -> None:
    rev = Revocation.objects.get(pk=rev_id)
    schedule_documents(rev, DocumentKind.REVOCATION)
    schedule_documents(rev, DocumentKind.NOTICE)


_STATUS_FOR = {"expire": DocumentStatus.EXPIRED, "terminate": DocumentStatus.REVOKED, "revoke": DocumentStatus.REVOKED}


def mark_permit_documents(permit_id: int, transition_name: str, reason: str = "") -> None:
    """The permit ended: its annex 5 documents are no longer valid (the verify page says so)."""
    status = _STATUS_FOR.get(transition_name)
    if status:
        set_document_status(LabourImmigrantPermit.objects.get(pk=permit_id), status, reason=reason)


# The foreign-labour permit's documents (seed 000) live in their own module; importing it here registers their
# builders wherever casework.pdf looks for this app's documents.
from .foreign_labour import documents as foreign_labour_documents  # noqa: E402, F401
