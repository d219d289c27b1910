"""The documents of the qualification-certificate service (seed 003), in Kazakh and Russian, through
``casework.pdf``. Templates: ``certificates/templates/certificates/documents/``.

===================  ==================================  ============================================
kind                 case (``IssuedDocument.case``)      form
===================  ==================================  ============================================
application_form     CertificateApplication              003 annex 1 (issue/extend/reissue/duplicate)
receipt              CertificateApplication              acceptance receipt: number, registration
                                                         date, expected result date (003 §5)
refusal_to_accept    CertificateApplication              refusal to accept: what is missing / expired
                                                         (annex 2 row 9, last paragraph)
commission_protocol  CertificateApplication              the Commission protocol (003 §9–§10)
refusal              CertificateApplication              motivated refusal: the ground of annex 2
                                                         row 9, the motivation, how to appeal (§24–28)
certificate          Certificate                         003 annex 3; re-rendered when the
                                                         certificate's version changes (extension,
                                                         duplicate): the older copy is superseded
===================  ==================================  ============================================

Hooks ``certificates.services`` calls inside each step's transaction (each writes its render requests through
``casework.pdf.schedule_documents``, which queues the rendering once the step commits: nothing is requested for
a rolled-back step, and a crash right after the commit loses no document — the sweep renders it):

- ``on_application_received(application)`` — the annex 1 application form and the acceptance receipt;
- ``on_refused_to_accept(application)`` — the refusal-to-accept receipt;
- ``on_protocol_recorded(application)`` — the Commission protocol;
- ``on_issued(application, certificate)`` — the annex 3 certificate (issue, extension, re-issue, duplicate);
- ``on_refused(application)`` — the motivated refusal;
- ``on_certificate_ended(certificate)`` — the certificate's issued documents follow its status
  (expired, revoked, terminated, superseded) through ``casework.pdf.set_document_status``.

For the public pages and the API: ``receipt_document(application, language)``,
``result_document(application, language)`` (the certificate or the refusal) and
``render_for(application_or_certificate, kind)`` (renders now, both languages, returns the rows).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.documents import DOCUMENT_TYPES
from casework.models.issued import DocumentKind, DocumentStatus, IssuedDocument
from casework.pdf import (
    LANGUAGES,
    DocumentSpec,
    document_builder,
    latest_document,
    register_printed_labels,
    schedule_documents,
    set_document_status,
)
from casework.pdf import render_for as render_one

from . import rules
from .models import Certificate, CertificateApplication, CommissionProtocol

APPLICATION = CertificateApplication._meta.label_lower
CERTIFICATE = Certificate._meta.label_lower
NUMBER_PREFIX = "QC"  # every document of the service: QC-C-2026-000001 (certificate), QC-A-... (receipt)
TEMPLATES = "certificates/documents/"

APPLICATION_KINDS = (
    DocumentKind.APPLICATION_FORM,
    DocumentKind.RECEIPT,
    DocumentKind.REFUSAL_TO_ACCEPT,
    DocumentKind.COMMISSION_PROTOCOL,
    DocumentKind.REFUSAL,
)

# The certificate's status -> its documents' status (what /verify/<number> says).
STATUS_OF_DOCUMENTS = {
    Certificate.Status.EXPIRED: DocumentStatus.EXPIRED,
    Certificate.Status.REVOKED: DocumentStatus.REVOKED,
    Certificate.Status.TERMINATED: DocumentStatus.TERMINATED,
    Certificate.Status.SUPERSEDED: DocumentStatus.SUPERSEDED,
}

register_printed_labels({"recommendation": gettext_lazy("Recommendation of the Commission")})


# --------------------------------------------------------------------------------------------------
# Hooks (certificates.services calls them after commit)
# --------------------------------------------------------------------------------------------------


def on_application_received(application: CertificateApplication) -> None:
    schedule_documents(application, [DocumentKind.APPLICATION_FORM, DocumentKind.RECEIPT])


def on_refused_to_accept(application: CertificateApplication) -> None:
    schedule_documents(application, DocumentKind.REFUSAL_TO_ACCEPT)


def on_protocol_recorded(application: CertificateApplication) -> None:
    schedule_documents(application, DocumentKind.COMMISSION_PROTOCOL)


def on_issued(application: CertificateApplication, certificate: Certificate) -> None:
    schedule_documents(certificate, DocumentKind.CERTIFICATE)


def on_refused(application: CertificateApplication) -> None:
    schedule_documents(application, DocumentKind.REFUSAL)


def on_certificate_ended(certificate: Certificate) -> None:
    status = STATUS_OF_DOCUMENTS.get(certificate.status)
    if status is not None:
        set_document_status(certificate, status, kinds=[DocumentKind.CERTIFICATE], reason=certificate.end_reason)


# --------------------------------------------------------------------------------------------------
# Lookups
# --------------------------------------------------------------------------------------------------


def render_for(obj, kind: str, languages: Iterable[str] = LANGUAGES) -> list[IssuedDocument]:
    """Render ``kind`` for an application or a certificate now, in each language (stored rows are reused)."""
    return [render_one(obj, kind, language) for language in languages]


def receipt_document(application: CertificateApplication, language: str = "ru") -> IssuedDocument | None:
    """The acceptance receipt, or the refusal-to-accept receipt once the application was refused."""
    if application.status == CertificateApplication.Status.REFUSED_TO_ACCEPT:
        return latest_document(application, DocumentKind.REFUSAL_TO_ACCEPT, language)
    return latest_document(application, DocumentKind.RECEIPT, language)


def result_document(application: CertificateApplication, language: str = "ru") -> IssuedDocument | None:
    """The result of the service (003 annex 2 row 5): the certificate, or the motivated refusal."""
    if application.status == CertificateApplication.Status.REFUSED:
        return latest_document(application, DocumentKind.REFUSAL, language)
    if application.status == CertificateApplication.Status.ISSUED and application.result_certificate_id:
        return latest_document(application.result_certificate, DocumentKind.CERTIFICATE, language)
    return None


# --------------------------------------------------------------------------------------------------
# Builders: the context of each form (called inside the document's language)
# --------------------------------------------------------------------------------------------------


def _lang() -> str:
    return (translation.get_language() or "ru")[:2]


def issuer_name(unit) -> str:
    """The local executive body (annex 1 and annex 3 print its name)."""
    name = unit.name_kk if _lang() == "kk" else unit.name_ru
    return _("%(unit)s — local executive body") % {"unit": name}


def _date(value) -> str:
    return f"{value:%d.%m.%Y}" if value else ""


def _document_type_label(code: str) -> str:
    return " / ".join(str(DOCUMENT_TYPES.get(part, part)) for part in code.split("|"))


def _profession(profession) -> dict:
    lang = _lang()
    return {
        "name": profession.full_name,
        "sector": profession.localized("sector", lang),
        "activity": profession.localized("activity", lang),
    }


def _applicant(person) -> dict:
    return {
        "full_name": person.full_name,
        "passport": ", ".join(
            part for part in (person.passport_number, _date(person.passport_issued_on), person.passport_issuer) if part
        ),
        "address": person.address,
        "phone": person.phone,
        "residence": person.residence_country_address,
    }


def _employer(organisation) -> dict | None:
    if organisation is None:
        return None
    return {"name": organisation.name, "identifier": organisation.identifier}


REQUEST_SENTENCES = {
    rules.ISSUE: gettext_lazy("I ask you to issue me a certificate of qualification compliance for self-employment"),
    rules.EXTEND: gettext_lazy("I ask you to extend my certificate of qualification compliance for self-employment"),
    rules.REISSUE: gettext_lazy("I ask you to re-issue my certificate of qualification compliance for self-employment"),
    rules.DUPLICATE: gettext_lazy(
        "I ask you to give me a duplicate of my certificate of qualification compliance for self-employment"
    ),
}

CRITERIA = {
    rules.HIGHER: gettext_lazy("Higher education in the specialty of an in-demand profession (003 §10 1))"),
    rules.DEGREE: gettext_lazy("Academic degree in the specialty of an in-demand profession (003 §10 1))"),
    rules.ENGLISH_CERTIFICATE: gettext_lazy("Certificate for teaching English (003 §10 1))"),
    "experience": gettext_lazy("Work experience in the specialty of an in-demand profession (003 §10 2))"),
}

# Annex 2 row 9, in the words of the act.
REFUSAL_GROUND_TEXT = {
    rules.PROFESSION_NOT_IN_LIST: gettext_lazy(
        "non-compliance with the qualification requirements and the requirements for the level of education "
        "for the professions in demand in the priority sectors of the economy (kinds of economic activity) "
        "of the list of priority sectors for the self-employment of foreigners and stateless persons"
    ),
    rules.SCORE_BELOW_PASS_MARK: gettext_lazy(
        "the assessment of the foreigner or stateless person did not reach six points"
    ),
    rules.UNRELIABLE_DOCUMENTS: gettext_lazy(
        "the documents submitted by the service recipient to receive the public service and (or) the data "
        "(information) in them were found unreliable"
    ),
}
REFUSAL_GROUND_ITEM = {rules.PROFESSION_NOT_IN_LIST: 1, rules.SCORE_BELOW_PASS_MARK: 2, rules.UNRELIABLE_DOCUMENTS: 3}


def _application_context(application: CertificateApplication) -> dict:
    return {
        "application": application,
        "number": application.number,
        "issuer": issuer_name(application.unit),
        "applicant": _applicant(application.applicant),
        "profession": _profession(application.profession),
        "kind_label": application.get_kind_display(),
        "received_on": _date(timezone.localtime(application.received_at).date() if application.received_at else None),
        "registered_on": _date(application.registered_on),
        "due_date": _date(application.due_date),
    }


def _spec(application: CertificateApplication, template: str, context: dict, **kwargs) -> DocumentSpec:
    return DocumentSpec(
        template=TEMPLATES + template,
        context=context,
        holder_name=application.applicant.full_name,
        issuer=context["issuer"],
        number_prefix=NUMBER_PREFIX,
        **kwargs,
    )


@document_builder(APPLICATION, DocumentKind.APPLICATION_FORM)
def application_form(application: CertificateApplication, language: str) -> DocumentSpec:
    context = _application_context(application)
    employer = application.employer if application.kind in (rules.EXTEND, rules.REISSUE) else None
    context.update(
        {
            "request_sentence": REQUEST_SENTENCES[application.kind],
            "employer": _employer(employer),
            "consent_given": bool(application.personal_data_consent_at),
            "attachments": [_document_type_label(a.doc_type) for a in application.attachments.order_by("id")],
            "certificate_number": application.certificate.number if application.certificate_id else "",
            "reissue_reason": application.get_reissue_reason_display() if application.reissue_reason else "",
        }
    )
    return _spec(
        application,
        "application_form.html",
        context,
        title=_("Application"),
        printed={"case_number": application.number},
    )


@document_builder(APPLICATION, DocumentKind.RECEIPT)
def receipt(application: CertificateApplication, language: str) -> DocumentSpec:
    context = _application_context(application)
    context["attachments"] = [_document_type_label(a.doc_type) for a in application.attachments.order_by("id")]
    context["term_days"] = application.regulation.service_term_working_days[application.kind]
    return _spec(
        application,
        "receipt.html",
        context,
        title=_("Receipt of acceptance of the application"),
        printed={
            "case_number": application.number,
            "registered_on": _date(application.registered_on),
            "expected_on": _date(application.due_date),
        },
    )


def _expired_note(application: CertificateApplication) -> str:
    """What the clerk named as expired, from the history row of the refusal to accept."""
    entry = application.history.filter(transition="refuse_to_accept").order_by("-at", "-id").first()
    if entry is None:
        return ""
    note = entry.reason
    ground = rules.NON_ACCEPTANCE_GROUNDS[rules.EXPIRED_DOCUMENTS]
    for language in ("kk", "ru", "en"):
        with translation.override(language):
            prefix = f"{ground}."
        if note.startswith(prefix):
            return note[len(prefix) :].strip()
    return note


@document_builder(APPLICATION, DocumentKind.REFUSAL_TO_ACCEPT)
def refusal_to_accept(application: CertificateApplication, language: str) -> DocumentSpec:
    context = _application_context(application)
    expired = application.non_acceptance_ground == rules.EXPIRED_DOCUMENTS
    context.update(
        {
            "expired": expired,
            "missing": [_document_type_label(code) for code in application.missing_documents or []],
            "expired_note": _expired_note(application) if expired else "",
            "decided_on": _date(application.decided_on),
        }
    )
    return _spec(
        application,
        "refusal_to_accept.html",
        context,
        title=_("Receipt of refusal to accept documents"),
        printed={"case_number": application.number},
    )


@document_builder(APPLICATION, DocumentKind.COMMISSION_PROTOCOL)
def commission_protocol(application: CertificateApplication, language: str) -> DocumentSpec:
    protocol: CommissionProtocol = application.protocol
    context = _application_context(application)
    criteria = []
    for item in protocol.criteria or []:
        label = str(CRITERIA.get(item.get("criterion"), item.get("criterion")))
        if item.get("criterion") == "experience":
            label += " — " + _("%(years)d full years") % {"years": protocol.confirmed_experience_years}
        criteria.append({"label": label, "points": item.get("points", 0)})
    context.update(
        {
            "protocol": protocol,
            "held_on": _date(protocol.held_on),
            "members": list(protocol.members_present.order_by("-is_chair", "full_name")),
            "criteria": criteria,
            "pass_mark": application.regulation.pass_mark,
            "recommend_issue": protocol.recommendation == CommissionProtocol.Recommendation.ISSUE,
            "ground_item": REFUSAL_GROUND_ITEM.get(protocol.recommended_ground),
            "ground_text": REFUSAL_GROUND_TEXT.get(protocol.recommended_ground, ""),
        }
    )
    return _spec(
        application,
        "commission_protocol.html",
        context,
        title=_("Protocol of the Commission"),
        printed={"case_number": application.number, "recommendation": protocol.get_recommendation_display()},
    )


@document_builder(APPLICATION, DocumentKind.REFUSAL)
def refusal(application: CertificateApplication, language: str) -> DocumentSpec:
    context = _application_context(application)
    context.update(
        {
            "refusal_number": application.refusal_number or "",
            "decided_on": _date(application.decided_on),
            "ground_item": REFUSAL_GROUND_ITEM.get(application.refusal_ground),
            "ground_text": REFUSAL_GROUND_TEXT.get(application.refusal_ground, ""),
            "motivation": application.refusal_motivation,
            "official": _official(application.decided_by),
        }
    )
    return _spec(
        application,
        "refusal.html",
        context,
        title=_("Motivated refusal to provide the public service"),
        printed={"case_number": application.number, "decision": _("refused")},
    )


def _official(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _certificate_application(certificate: Certificate) -> CertificateApplication:
    """The application this rendering answers: the latest one that resulted in the certificate."""
    latest = (
        CertificateApplication.objects.filter(result_certificate=certificate).order_by("-decided_on", "-id").first()
    )
    return latest or certificate.application


def _basis(certificate: Certificate) -> str:
    origin = certificate.application
    if certificate.replaces_id:
        return _("Re-issue of certificate No. %(n)s (%(why)s); application No. %(a)s") % {
            "n": certificate.replaces.number,
            "why": origin.get_reissue_reason_display(),
            "a": origin.number,
        }
    protocol = CommissionProtocol.objects.filter(application=origin).first()
    if protocol is None:
        return str(certificate.basis)
    return _("Commission protocol No. %(p)s of %(d)s; application No. %(a)s") % {
        "p": protocol.number,
        "d": _date(protocol.held_on),
        "a": origin.number,
    }


@document_builder(CERTIFICATE, DocumentKind.CERTIFICATE)
def certificate_form(certificate: Certificate, language: str) -> DocumentSpec:
    application = _certificate_application(certificate)
    issuer = issuer_name(certificate.unit)
    profession = _profession(certificate.profession)
    context = {
        "certificate": certificate,
        "issuer": issuer,
        "holder": certificate.holder.full_name,
        "profession": profession,
        "basis": _basis(certificate),
        "issued_on": _date(certificate.issued_on),
        "valid_from": _date(certificate.valid_from),
        "valid_to": _date(certificate.valid_to),
        "employer": _employer(certificate.employer),
        "extended_on": _date(certificate.last_extended_on) if application.kind == rules.EXTEND else "",
        "duplicate_on": _date(certificate.last_duplicate_on) if application.kind == rules.DUPLICATE else "",
        "application_number": application.number,
        "official": _official(application.decided_by or certificate.signed_by),
    }
    return DocumentSpec(
        template=TEMPLATES + "certificate.html",
        context=context,
        title=_("Certificate of qualification compliance for self-employment"),
        holder_name=certificate.holder.full_name,
        valid_from=certificate.valid_from,
        valid_to=certificate.valid_to,
        printed={"certificate_number": certificate.number, "profession": profession["name"]},
        issuer=issuer,
        number_prefix=NUMBER_PREFIX,
        # Rendered after the certificate ended (a late worker): the copy says so from the start.
        status=STATUS_OF_DOCUMENTS.get(certificate.status, DocumentStatus.VALID),
    )
