"""The only code that changes the state of the qualification certificate service (seed 003).

Callers: the portal API (``certificates/api``), the public web form (``certificates/views.py``), the
clerk admin (``certificates/admin.py``) and the jobs (``certificates/tasks.py``). Every function takes
an ``actor`` (``casework.actors.Actor``): a clerk's permission and territorial unit are checked by
``casework.services.run_transition``; API clients, the applicant and jobs are authorised by their
channel. Errors are ``casework.exceptions.ServiceError`` subclasses with a stable ``code`` and
``invalid_params`` named like the API's fields (``applicant.iin``, ``profession``,
``certificate_number``, ``documents.0.content_base64``...).

Document hooks (for ``certificates/documents.py``, owned by the documents engine): after a step
commits, the service calls the function of that module named below, if the module and the function
exist; each receives saved model instances:

===========================================  ===========================================================
``on_application_received(application)``    annex 1 application form + acceptance receipt (003 §5)
``on_refused_to_accept(application)``       refusal-to-accept receipt (annex 2 row 9, last paragraph)
``on_protocol_recorded(application)``       the Commission protocol (003 §9); ``application.protocol``
``on_issued(application, certificate)``     annex 3 certificate: issue, extension (same number, longer
                                            ``valid_to``), re-issue (new number; the old one is
                                            superseded), duplicate (same number) — ``application.kind``
``on_refused(application)``                 the motivated refusal (003 §11, annex 2 row 9)
``on_certificate_ended(certificate)``       the certificate expired / was revoked / terminated /
                                            superseded: ``certificate.status``, ``end_reason``
===========================================  ===========================================================
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.actors import Actor
from casework.countries import is_alpha3
from casework.deadlines import set_step  # noqa: F401  (re-exported for callers that recompute steps)
from casework.documents import DOCUMENT_TYPES, attach_many, validate_document
from casework.exceptions import CaseNotFound, NotAllowedInState, NotPermitted, RuleViolation, ServiceError, StaleVersion
from casework.identifiers import identifier_error
from casework.models import Channel, NumberSequence, Organisation, Person, TerritorialUnit
from casework.models.parties import phone_validator
from casework.services import actor_may, failed_conditions, fsm_meta, record_history, run_transition
from workcalendar import services as calendar

from . import rules
from .models import (
    Certificate,
    CertificateApplication,
    CommissionMember,
    CommissionProtocol,
    HolderNotice,
    Notification,
    Profession,
    Revocation,
)

logger = logging.getLogger(__name__)

MAX_DOCUMENTS = 20
APPLICANT_REQUIRED = ("surname", "given_name", "birth_date", "citizenship", "passport_number")
APPLICANT_LIMITS = {
    "surname": 100,
    "given_name": 100,
    "patronymic": 100,
    "passport_number": 30,
    "passport_issuer": 200,
    "address": 300,
    "residence_country_address": 300,
    "phone": 20,
    "email": 254,
}
Status = CertificateApplication.Status


# --------------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------------


class InvalidApplication(ServiceError):  # noqa: N818 (the office's name for it)
    """The request itself is malformed: each problem is one ``invalid_params`` entry."""

    status_code = 400
    code = "invalid"


class CertificateNotFound(ServiceError):  # noqa: N818
    status_code = 422
    code = "certificate_not_found"


def _param(name: str, code: str, reason: str) -> dict:
    return {"name": name, "code": code, "reason": str(reason)}


def _raise_params(params: list[dict], exc_class: type[ServiceError] = InvalidApplication) -> None:
    if not params:
        return
    code = params[0]["code"] if len({p["code"] for p in params}) == 1 else exc_class.code
    detail = "; ".join(f"{p['name']}: {p['reason']}" for p in params)
    raise exc_class(detail, code=code, invalid_params=params)


def _rule(name: str, code: str, reason: str) -> RuleViolation:
    return RuleViolation(reason, code=code, invalid_params=[_param(name, code, reason)] if name else [])


# --------------------------------------------------------------------------------------------------
# Hooks of the documents engine, called inside each step's transaction
# --------------------------------------------------------------------------------------------------


def in_transaction(name: str, *args: Any) -> None:
    """Call ``certificates.documents.<name>(*args)`` now, inside the caller's transaction: for hooks that only
    write rows (render requests, document statuses) and leave the slow work to after the commit. A failure
    undoes the step."""
    from . import documents  # imported here: certificates.documents imports this module's models and rules

    getattr(documents, name)(*args)


# --------------------------------------------------------------------------------------------------
# Submission
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentUpload:
    """One attached file: ``type`` from casework.documents.DOCUMENT_TYPES, the applicant's file name
    (a label only) and the bytes."""

    type: str
    filename: str
    content: bytes


def _as_date(value: Any, name: str, params: list[dict], *, required: bool = False) -> dt.date | None:
    if value in (None, ""):
        if required:
            params.append(_param(name, "required", _("This field is required.")))
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    params.append(_param(name, "invalid_date", _("A date in the form YYYY-MM-DD is expected.")))
    return None


def _text(data: Mapping, key: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


def _clean_applicant(data: Any, params: list[dict], today: dt.date) -> dict:
    if not isinstance(data, Mapping):
        params.append(_param("applicant", "required", _("The applicant's data are required.")))
        return {}
    out: dict[str, Any] = {}
    for key in (
        "surname",
        "given_name",
        "patronymic",
        "citizenship",
        "passport_number",
        "passport_issuer",
        "iin",
        "address",
        "phone",
        "residence_country_address",
        "email",
    ):
        out[key] = _text(data, key)
    for key in APPLICANT_REQUIRED:
        if key not in ("birth_date",) and not out[key]:
            params.append(_param(f"applicant.{key}", "required", _("This field is required.")))
    for key, limit in APPLICANT_LIMITS.items():
        if len(out[key]) > limit:
            params.append(_param(f"applicant.{key}", "too_long", _("At most %(n)d characters.") % {"n": limit}))
    out["birth_date"] = _as_date(data.get("birth_date"), "applicant.birth_date", params, required=True)
    if out["birth_date"] and out["birth_date"] >= today:
        params.append(_param("applicant.birth_date", "invalid_date", _("The birth date must be in the past.")))
    out["passport_issued_on"] = _as_date(data.get("passport_issued_on"), "applicant.passport_issued_on", params)
    if out["passport_issued_on"] and out["passport_issued_on"] > today:
        params.append(
            _param("applicant.passport_issued_on", "invalid_date", _("The passport's issue date is in the future."))
        )
    if out["citizenship"] and not (
        len(out["citizenship"]) == 3 and out["citizenship"].isupper() and is_alpha3(out["citizenship"])
    ):
        params.append(
            _param(
                "applicant.citizenship",
                "invalid_country",
                _("An ISO 3166-1 alpha-3 country code is expected (e.g. UZB; XXA for a stateless person)."),
            )
        )
    if out["iin"]:
        error = identifier_error(out["iin"])
        if error:
            params.append(_param("applicant.iin", error[0], _("IIN: %(reason)s") % {"reason": error[1]}))
    if out["phone"]:
        try:
            phone_validator(out["phone"])
        except ValidationError:
            params.append(
                _param("applicant.phone", "invalid_phone", _("Phone: digits, spaces and an optional leading +."))
            )
    if out["email"]:
        try:
            EmailValidator()(out["email"])
        except ValidationError:
            params.append(_param("applicant.email", "invalid_email", _("Not a valid e-mail address.")))
    return out


def _clean_employer(data: Any, params: list[dict]) -> dict | None:
    if data in (None, {}):
        return None
    if not isinstance(data, Mapping):
        params.append(_param("employer", "invalid", _("The employer must be an object with name and bin or iin.")))
        return None
    out = {"name": _text(data, "name"), "bin": _text(data, "bin"), "iin": _text(data, "iin")}
    if not out["name"]:
        params.append(_param("employer.name", "required", _("This field is required.")))
    elif len(out["name"]) > 300:
        params.append(_param("employer.name", "too_long", _("At most %(n)d characters.") % {"n": 300}))
    if not out["bin"] and not out["iin"]:
        params.append(
            _param("employer.bin", "required", _("The employer's BIN (or IIN for an individual) is required."))
        )
    for key in ("bin", "iin"):
        if out[key]:
            error = identifier_error(out[key])
            if error:
                params.append(_param(f"employer.{key}", error[0], f"{key.upper()}: {error[1]}"))
    return out


def _clean_education(data: Any, params: list[dict]) -> list[dict]:
    if data in (None, ""):
        return []
    if not isinstance(data, Sequence) or isinstance(data, str | bytes):
        params.append(_param("education", "invalid", _("A list of education items is expected.")))
        return []
    items = []
    for index, item in enumerate(data):
        if not isinstance(item, Mapping):
            params.append(
                _param(f"education.{index}", "invalid", _("An object with kind, specialty, document_number."))
            )
            continue
        kind = _text(item, "kind")
        if kind not in rules.EDUCATION_KINDS:
            params.append(
                _param(
                    f"education.{index}.kind",
                    "invalid_choice",
                    _("One of: %(kinds)s.") % {"kinds": ", ".join(rules.EDUCATION_KINDS)},
                )
            )
            continue
        specialty, number = _text(item, "specialty"), _text(item, "document_number")
        if len(specialty) > 300 or len(number) > 100:
            params.append(_param(f"education.{index}", "too_long", _("Specialty or document number too long.")))
            continue
        items.append({"kind": kind, "specialty": specialty, "document_number": number})
    return items


def _clean_documents(data: Any, params: list[dict]) -> list[DocumentUpload]:
    if data in (None, ""):
        return []
    if not isinstance(data, Sequence) or isinstance(data, str | bytes):
        params.append(_param("documents", "invalid", _("A list of documents is expected.")))
        return []
    if len(data) > MAX_DOCUMENTS:
        params.append(
            _param(
                "documents", "too_many_documents", _("At most %(n)d documents per application.") % {"n": MAX_DOCUMENTS}
            )
        )
        return []
    uploads = []
    for index, item in enumerate(data):
        if isinstance(item, DocumentUpload):
            upload = item
        elif isinstance(item, Mapping):
            upload = DocumentUpload(_text(item, "type"), _text(item, "filename"), item.get("content") or b"")
        else:
            params.append(_param(f"documents.{index}", "invalid", _("A document object is expected.")))
            continue
        if upload.type not in DOCUMENT_TYPES:
            params.append(
                _param(
                    f"documents.{index}.type",
                    "unknown_document_type",
                    _("Unknown document type: %(t)s") % {"t": upload.type},
                )
            )
            continue
        try:
            validate_document(upload.type, upload.filename, upload.content, field=f"documents.{index}.content_base64")
        except ServiceError as exc:
            params.extend(exc.invalid_params or [_param(f"documents.{index}", exc.code, exc.detail)])
            continue
        uploads.append(upload)
    return uploads


def provider_unit() -> TerritorialUnit:
    """The local executive body that receives portal applications: settings.CERTIFICATES_PROVIDER_UNIT
    (a KATO code) or the first region-level unit (003 §2 2): the region's / city's akimat)."""
    code = getattr(settings, "CERTIFICATES_PROVIDER_UNIT", "")
    units = TerritorialUnit.objects.all()
    unit = units.filter(code=code).first() if code else None
    unit = unit or units.filter(level=TerritorialUnit.Level.REGION).order_by("path").first()
    if unit is None:
        raise ServiceError(_("No territorial unit is configured to receive applications."), code="not_configured")
    return unit


def _find_certificate(number: str) -> Certificate:
    certificate = Certificate.objects.select_related("holder").filter(number=number).first()
    if certificate is None:
        raise CertificateNotFound(
            _("No certificate No. %(n)s was issued.") % {"n": number},
            invalid_params=[_param("certificate_number", "certificate_not_found", _("No such certificate."))],
        )
    return certificate


def _same_holder(holder: Person, applicant: Mapping, reason: str) -> bool:
    """§14: a certificate is not transferable — only its holder files about it. The birth date and the
    citizenship never change; besides them the IIN (when both have one), the passport number, or the
    name must match — except for a re-issue for changed identity data, where the name and passport
    are what changed."""
    if holder.birth_date != applicant["birth_date"] or holder.citizenship != applicant["citizenship"]:
        return False
    if holder.iin and applicant["iin"]:
        return holder.iin == applicant["iin"]
    if reason == rules.IDENTITY_CHANGE:
        return True
    return holder.passport_number.casefold() == applicant["passport_number"].casefold() or (
        holder.surname.casefold(),
        holder.given_name.casefold(),
    ) == (applicant["surname"].casefold(), applicant["given_name"].casefold())


def _window(kind: str, event_date: dt.date | None, filed_on: dt.date, version: rules.Regulation):
    """(window end, late flag, reason) of the application window (003 §17, §22, §22-1)."""
    days = rules.application_window_working_days(kind, version)
    if days is None:
        return None, None, ""
    clause = rules.WINDOW_CLAUSE[kind]
    if event_date is None:
        return (
            None,
            None,
            _(
                "The date of the event was not given: check the %(n)d-working-day window (%(clause)s) from the "
                "attached documents."
            )
            % {"n": days, "clause": clause},
        )
    term = calendar.deadline_after(event_date, working_days=days)
    facts = {
        "filed": f"{filed_on:%d.%m.%Y}",
        "end": f"{term.due:%d.%m.%Y}",
        "clause": clause,
        "explanation": term.explanation,
    }
    if filed_on > term.due:
        return (
            term.due,
            True,
            _(
                "Filed late: on %(filed)s, after the window closed on %(end)s (%(clause)s: %(explanation)s). "
                "Accepted; the clerk decides with this in view."
            )
            % facts,
        )
    return (
        term.due,
        False,
        _("Filed on %(filed)s, within the window ending %(end)s (%(clause)s: %(explanation)s).") % facts,
    )


def _get_or_create_employer(data: dict) -> Organisation:
    identifier = {"bin": data["bin"]} if data["bin"] else {"iin": data["iin"]}
    employer = Organisation.objects.filter(**identifier).first()
    if employer is None:
        kind = Organisation.Kind.LEGAL_ENTITY if data["bin"] else Organisation.Kind.INDIVIDUAL
        employer = Organisation.objects.create(name=data["name"], kind=kind, bin=data["bin"], iin=data["iin"])
    return employer


def submit_application(
    *,
    kind: str,
    applicant: Mapping[str, Any],
    profession: str,
    actor: Actor,
    education: Sequence[Mapping[str, Any]] = (),
    experience_years: int | None = None,
    employer: Mapping[str, Any] | None = None,
    certificate_number: str = "",
    reissue_reason: str = "",
    event_date: dt.date | str | None = None,
    labour_contract: Mapping[str, Any] | None = None,
    documents: Sequence[DocumentUpload | Mapping[str, Any]] = (),
    channel: str = Channel.PORTAL,
    received_at: dt.datetime | None = None,
    unit: TerritorialUnit | None = None,
    personal_data_consent: bool = True,
) -> tuple[CertificateApplication, str]:
    """File an application for a qualification certificate (003 §3, annex 1) and return it with the
    applicant's secret access code (shown once; only its hash is stored).

    Stable signature (the portal API and the public web form call it):

    - ``kind``: "issue" | "extend" | "reissue" | "duplicate".
    - ``applicant``: API.md's identity fields — surname, given_name, patronymic, birth_date (date or
      "YYYY-MM-DD"), citizenship (alpha-3), passport_number, passport_issued_on, passport_issuer, iin,
      address, phone, residence_country_address, email.
    - ``profession``: a catalogue code (``Profession.code``), active in the list.
    - ``education``: [{"kind": "higher"|"degree"|"english_certificate", "specialty", "document_number"}].
    - ``experience_years``: whole completed years in the specialty (required for an issue).
    - ``employer``: {"name", "bin"} or {"name", "iin"} — required for an extension and a re-issue for a
      new employer.
    - ``certificate_number``: the certificate concerned (extend, reissue, duplicate); only its holder
      may file (003 §14).
    - ``reissue_reason``: "identity_change" | "employer_change"; when empty, "employer_change" if an
      employer is given, else "identity_change".
    - ``event_date``: the start of the 5-working-day window — the change (§22), the loss or damage
      (§22-1); for an extension the labour contract's date (§17), taken from ``labour_contract``.
    - ``labour_contract``: {"concluded_on", "ends_on"} for an extension (§16–17).
    - ``documents``: ``DocumentUpload`` or {"type", "filename", "content": bytes}; checked by content.
    - ``channel``: casework.models.Channel; ``received_at``: now by default; ``unit``: the provider by
      default (``provider_unit()``); ``personal_data_consent``: annex 1's consent, must be True.

    Raises ``InvalidApplication`` (400) listing every malformed field, then ``RuleViolation`` (422) /
    ``CertificateNotFound`` (422) for the act's rules; nothing is created when it raises. A late filing
    is accepted and flagged (``late_filing``, ``late_filing_reason``). Missing documents do not stop
    the filing: the registrar refuses to accept (annex 2 row 9, last paragraph).
    """
    received_at = received_at or timezone.now()
    today = timezone.localdate(received_at)
    params: list[dict] = []

    if kind not in rules.KINDS:
        params.append(_param("kind", "invalid_choice", _("One of: %(kinds)s.") % {"kinds": ", ".join(rules.KINDS)}))
    person = _clean_applicant(applicant, params, today)
    profession_code = profession.strip() if isinstance(profession, str) else ""
    if not profession_code:
        params.append(_param("profession", "required", _("The profession's catalogue code is required.")))
    education_items = _clean_education(education, params)
    employer_data = _clean_employer(employer, params)
    uploads = _clean_documents(documents, params)
    certificate_number = certificate_number.strip() if isinstance(certificate_number, str) else ""
    event = _as_date(event_date, "event_date", params)
    if event and event > today:
        params.append(_param("event_date", "invalid_date", _("The date of the event is in the future.")))
    contract = labour_contract if isinstance(labour_contract, Mapping) else {}
    if labour_contract not in (None, {}) and not isinstance(labour_contract, Mapping):
        params.append(_param("labour_contract", "invalid", _("An object with concluded_on and ends_on.")))
    concluded_on = _as_date(contract.get("concluded_on"), "labour_contract.concluded_on", params)
    ends_on = _as_date(contract.get("ends_on"), "labour_contract.ends_on", params)
    if concluded_on and concluded_on > today:
        params.append(_param("labour_contract.concluded_on", "invalid_date", _("The contract date is in the future.")))
    if concluded_on and ends_on and ends_on < concluded_on:
        params.append(_param("labour_contract.ends_on", "invalid_period", _("The contract ends before it begins.")))
    if not personal_data_consent:
        params.append(
            _param(
                "personal_data_consent",
                "consent_required",
                _("Consent to the processing of personal data is required (003 annex 1)."),
            )
        )
    if reissue_reason and reissue_reason not in rules.REISSUE_REASONS:
        params.append(
            _param("reissue_reason", "invalid_choice", _("One of: %(r)s.") % {"r": ", ".join(rules.REISSUE_REASONS)})
        )

    if kind == rules.ISSUE:
        if experience_years is None:
            params.append(_param("experience_years", "required", _("Whole years of experience are required.")))
        elif (
            isinstance(experience_years, bool)
            or not isinstance(experience_years, int)
            or not (0 <= experience_years <= 80)
        ):
            params.append(_param("experience_years", "invalid", _("Whole years from 0 to 80.")))
    elif kind in rules.KINDS:
        if not certificate_number:
            params.append(
                _param("certificate_number", "required", _("The number of the certificate concerned is required."))
            )
        if experience_years is not None and (
            isinstance(experience_years, bool)
            or not isinstance(experience_years, int)
            or not 0 <= experience_years <= 80
        ):
            params.append(_param("experience_years", "invalid", _("Whole years from 0 to 80.")))
    if kind == rules.REISSUE and not reissue_reason:
        reissue_reason = rules.EMPLOYER_CHANGE if employer_data else rules.IDENTITY_CHANGE
    if kind == rules.EXTEND or (kind == rules.REISSUE and reissue_reason == rules.EMPLOYER_CHANGE):
        if employer_data is None and not any(p["name"].startswith("employer") for p in params):
            params.append(
                _param("employer", "required", _("The employer of the labour contract is required (003 annex 1)."))
            )
    _raise_params(params)

    # --- the act's rules --------------------------------------------------------------------------
    catalogue_entry = Profession.objects.filter(code=profession_code).first()
    if catalogue_entry is None:
        raise _rule(
            "profession",
            "unknown_profession",
            _("No profession with code %(c)s in the catalogue.") % {"c": profession_code},
        )
    if not catalogue_entry.active:
        raise _rule(
            "profession",
            "profession_not_in_list",
            _("The profession %(c)s is no longer in the list of in-demand professions (003 §8).")
            % {"c": profession_code},
        )
    # The version in force on the registration date (the next working day for a filing after hours).
    version = rules.regulation_on(calendar.registration_date(received_at))
    certificate = None
    if kind != rules.ISSUE:
        certificate = _find_certificate(certificate_number)
        if not _same_holder(certificate.holder, person, reissue_reason):
            raise _rule(
                "certificate_number",
                "not_the_holder",
                _("The certificate was issued to another person and is not transferable (003 §14)."),
            )
        if certificate.status != Certificate.Status.ACTIVE:
            raise _rule(
                "certificate_number",
                "certificate_not_active",
                _("Certificate No. %(n)s is %(s)s: it can no longer be extended, re-issued or duplicated.")
                % {"n": certificate.number, "s": certificate.get_status_display()},
            )
        if CertificateApplication.objects.filter(
            certificate=certificate, status__in=CertificateApplication.OPEN_STATES
        ).exists():
            raise _rule(
                "certificate_number",
                "application_already_open",
                _("An application about certificate No. %(n)s is already being processed.") % {"n": certificate.number},
            )
        if kind != rules.REISSUE and profession_code != certificate.profession.code:
            raise _rule(
                "profession",
                "profession_mismatch",
                _("The certificate is for profession %(c)s.") % {"c": certificate.profession.code},
            )
    if kind == rules.EXTEND:
        event = concluded_on or event
        if ends_on and ends_on <= certificate.valid_to:
            raise _rule(
                "labour_contract.ends_on",
                "extension_not_longer",
                _("The labour contract ends by %(d)s, within the certificate's term: nothing to extend (003 §16).")
                % {"d": f"{certificate.valid_to:%d.%m.%Y}"},
            )

    window_end, late, window_reason = _window(kind, event, today, version)

    with transaction.atomic():
        case_unit = unit or (certificate.unit if certificate else provider_unit())
        if (
            certificate is not None
            and kind != rules.REISSUE
            or (kind == rules.REISSUE and reissue_reason == rules.EMPLOYER_CHANGE)
        ):
            holder = certificate.holder
            for key in ("address", "phone", "email", "residence_country_address"):
                if person[key] and getattr(holder, key) != person[key]:
                    setattr(holder, key, person[key])
            holder.save()
            applicant_person = holder
        else:
            applicant_person = Person.objects.create(**person)
        registered_on = calendar.registration_date(received_at)
        application = CertificateApplication(
            number=NumberSequence.next_number(CertificateApplication.NUMBER_PREFIX, registered_on.year),
            kind=kind,
            channel=channel,
            regulation_version=version.version,
            unit=case_unit,
            received_at=received_at,
            registered_on=registered_on,
            applicant=applicant_person,
            profession=catalogue_entry,
            education=education_items,
            experience_years=experience_years or 0,
            employer=_get_or_create_employer(employer_data) if employer_data else None,
            contract_concluded_on=concluded_on,
            contract_ends_on=ends_on,
            reissue_reason=reissue_reason if kind == rules.REISSUE else "",
            event_date=event,
            certificate=certificate,
            filing_window_ends_on=window_end,
            late_filing=late,
            late_filing_reason=window_reason,
            personal_data_consent_at=received_at if personal_data_consent else None,
        )
        if kind == rules.ISSUE:
            application.proposed_points = rules.score(
                [item["kind"] for item in education_items], experience_years, version
            ).points
        access_code = application.issue_access_code()
        application.start_completeness_check()
        application.save()
        attach_many(
            application, [(u.type, u.filename, u.content) for u in uploads], uploaded_by=actor.label, field="documents"
        )
        record_history(
            application,
            transition="submit",
            from_state="",
            to_state=application.status,
            actor=actor,
            reason=window_reason,
            deadline=application.step_deadline,
            details={"channel": channel, "late_filing": late, "due_date": str(application.due_date)},
        )
        # In the filing's transaction: the render requests are written with it (casework.pdf.schedule_documents
        # queues the renders itself once it commits), so a crash right after the commit loses no document.
        in_transaction("on_application_received", application)
    return application, access_code


# --------------------------------------------------------------------------------------------------
# Application steps (thin wrappers around run_transition computing what each step needs)
# --------------------------------------------------------------------------------------------------


def _pk(obj_or_pk: Any) -> Any:
    return getattr(obj_or_pk, "pk", obj_or_pk)


def _locked_application(pk: Any) -> CertificateApplication:
    try:
        return CertificateApplication.objects.select_for_update().select_related("unit").get(pk=pk)
    except CertificateApplication.DoesNotExist:
        raise CaseNotFound() from None


def register_application(
    application: Any, *, actor: Actor, reason: str = "", expected_version: int | None = None
) -> CertificateApplication:
    """The registrar finds the documents complete (annex 2 row 8) and registers; the referral (issue,
    003 §7) or the decision (§16, §22, §22-1) term starts from the registration date."""
    return run_transition(
        CertificateApplication,
        _pk(application),
        "register",
        actor=actor,
        reason=reason,
        expected_version=expected_version,
    )


def refuse_to_accept(
    application: Any,
    *,
    actor: Actor,
    ground: str = rules.INCOMPLETE_DOCUMENTS,
    reason: str = "",
    expected_version: int | None = None,
) -> CertificateApplication:
    """Refusal to accept: incomplete documents or documents whose validity expired (annex 2 row 9, last
    paragraph). The missing documents are listed on the receipt."""
    if ground not in rules.NON_ACCEPTANCE_GROUNDS:
        raise _rule("ground", "invalid_choice", _("One of: %(g)s.") % {"g": ", ".join(rules.NON_ACCEPTANCE_GROUNDS)})
    current = CertificateApplication.objects.filter(pk=_pk(application)).first()
    if current is None:
        raise CaseNotFound()
    missing = current.missing_required_documents()
    if ground == rules.INCOMPLETE_DOCUMENTS and not missing:
        raise _rule(
            "ground", "documents_complete", _("Every document of 003 annex 2 row 8 is attached: the set is complete.")
        )
    if ground == rules.EXPIRED_DOCUMENTS and not reason.strip():
        raise _rule("reason", "required", _("Name the expired document(s)."))
    text = str(rules.NON_ACCEPTANCE_GROUNDS[ground])
    if missing and ground == rules.INCOMPLETE_DOCUMENTS:
        text += ": " + ", ".join(_describe_requirement(item) for item in missing)
    full_reason = f"{text}. {reason}".strip() if reason else text
    application = run_transition(
        CertificateApplication,
        current.pk,
        "refuse_to_accept",
        actor=actor,
        reason=full_reason,
        expected_version=expected_version,
        details={"ground": ground, "missing": missing},
        in_transaction=[lambda app: in_transaction("on_refused_to_accept", app)],
        ground=ground,
        missing=missing,
    )
    return application


def _describe_requirement(item: str) -> str:
    return " / ".join(str(DOCUMENT_TYPES.get(t, t)) for t in item.split("|"))


def refer_to_commission(
    application: Any, *, actor: Actor, reason: str = "", expected_version: int | None = None
) -> CertificateApplication:
    """The officer sends the complete file to the Commission within 2 working days of registration
    (003 §7); the Commission's 3 working days (§9) start."""
    return run_transition(
        CertificateApplication,
        _pk(application),
        "refer_to_commission",
        actor=actor,
        reason=reason,
        expected_version=expected_version,
    )


def eligible_members(application: CertificateApplication):
    """Commission members of the application's local executive body or of a body above it (003 §6)."""
    units = [application.unit.path[: i + 1] for i, ch in enumerate(application.unit.path) if ch == "/"]
    return CommissionMember.objects.filter(active=True, unit__path__in=units)


def record_protocol(
    application: Any,
    *,
    actor: Actor,
    members_present: Iterable[Any],
    confirmed_education: Iterable[str],
    confirmed_experience_years: int,
    recommendation: str,
    profession_matches: bool = True,
    recommended_ground: str = "",
    motivation: str = "",
    correction_reason: str = "",
    held_on: dt.date | None = None,
    expected_version: int | None = None,
) -> CommissionProtocol:
    """The Commission's protocol on one person (003 §9): the members present (who sign it), each
    criterion of §10 confirmed, the confirmed score against the score proposed from the declaration
    (a difference needs ``correction_reason``), and the recommendation — issue, or refusal with a
    ground of annex 2 row 9 and its motivation."""
    params: list[dict] = []
    education = sorted(set(confirmed_education))
    if set(education) - set(rules.EDUCATION_KINDS):
        params.append(_param("confirmed_education", "invalid_choice", _("Unknown education kind.")))
    if (
        isinstance(confirmed_experience_years, bool)
        or not isinstance(confirmed_experience_years, int)
        or not (0 <= confirmed_experience_years <= 80)
    ):
        params.append(_param("confirmed_experience_years", "invalid", _("Whole years from 0 to 80.")))
    if recommendation not in CommissionProtocol.Recommendation.values:
        params.append(_param("recommendation", "invalid_choice", _("issue or refuse")))
    _raise_params(params)

    with transaction.atomic():
        app = _locked_application(_pk(application))
        if expected_version is not None and app.version != expected_version:
            raise StaleVersion()
        if app.status != Status.REFERRED:
            raise NotAllowedInState(_("A protocol is recorded for an application referred to the Commission."))
        if actor.is_clerk and not actor_may(app, "record_protocol", actor):
            raise NotPermitted()
        version = app.regulation
        member_ids = {_pk(m) for m in members_present}
        members = list(eligible_members(app).filter(pk__in=member_ids))
        if not member_ids or len(members) != len(member_ids):
            raise _rule(
                "members_present",
                "invalid_members",
                _("Name the Commission members present (active members of this body, 003 §6, §9)."),
            )
        proposed = rules.score(app.declared_education_kinds(), app.experience_years, version)
        confirmed = rules.score(education, confirmed_experience_years, version)
        if confirmed.points != proposed.points and not correction_reason.strip():
            raise _rule(
                "correction_reason",
                "correction_reason_required",
                _("The confirmed score (%(c)d) differs from the proposed one (%(p)d): give the reason.")
                % {"c": confirmed.points, "p": proposed.points},
            )
        if recommendation == CommissionProtocol.Recommendation.ISSUE:
            if not profession_matches:
                raise _rule(
                    "recommendation",
                    rules.PROFESSION_NOT_IN_LIST,
                    _(
                        "The qualification does not match the listed profession (003 §8): the Commission "
                        "cannot recommend issue."
                    ),
                )
            if not confirmed.passes:
                raise _rule(
                    "recommendation",
                    rules.SCORE_BELOW_PASS_MARK,
                    _("%(p)d points is below the pass mark of %(m)d (003 §10, annex 2 row 9 p.2).")
                    % {"p": confirmed.points, "m": version.pass_mark},
                )
            recommended_ground = ""
        else:
            _check_refusal_ground(
                app,
                recommended_ground,
                motivation,
                confirmed.points,
                profession_matches,
                names=("recommended_ground", "motivation"),
            )
        protocol = CommissionProtocol.objects.create(
            application=app,
            number=f"{app.number}-P",
            held_on=held_on or timezone.localdate(),
            profession_matches=profession_matches,
            confirmed_education=education,
            confirmed_experience_years=confirmed_experience_years,
            criteria=confirmed.as_dict()["breakdown"],
            proposed_points=proposed.points,
            confirmed_points=confirmed.points,
            correction_reason=correction_reason.strip(),
            recommendation=recommendation,
            recommended_ground=recommended_ground,
            motivation=motivation.strip(),
            recorded_by=actor.label[:150],
        )
        protocol.members_present.set(members)
        reason = _("Protocol %(n)s: %(c)d points (proposed %(p)d); recommends %(r)s.") % {
            "n": protocol.number,
            "c": confirmed.points,
            "p": proposed.points,
            "r": protocol.get_recommendation_display(),
        }
        run_transition(
            CertificateApplication,
            app.pk,
            "record_protocol",
            actor=actor,
            reason=reason,
            expected_state=Status.REFERRED,
            details={"protocol": protocol.number, "proposed": proposed.points, "confirmed": confirmed.points},
            in_transaction=[lambda a: in_transaction("on_protocol_recorded", a)],
        )
    return protocol


def _check_refusal_ground(
    app: CertificateApplication,
    ground: str,
    motivation: str,
    points: int | None,
    profession_matches: bool | None,
    names=("ground", "motivation"),
) -> None:
    allowed = rules.refusal_grounds_for(app.kind)
    if ground not in allowed:
        raise _rule(
            names[0],
            "invalid_choice",
            _("A ground of 003 annex 2 row 9 for this application: %(g)s.") % {"g": ", ".join(allowed)},
        )
    if not motivation.strip():
        raise _rule(names[1], "required", _("A refusal is motivated (003 §9, §11): give the reasons."))
    if ground == rules.SCORE_BELOW_PASS_MARK and points is not None and points >= app.regulation.pass_mark:
        raise _rule(
            names[0],
            "ground_contradicts_protocol",
            _("The confirmed score is %(p)d, not below %(m)d.") % {"p": points, "m": app.regulation.pass_mark},
        )
    if ground == rules.PROFESSION_NOT_IN_LIST and profession_matches is True and app.kind == rules.ISSUE:
        raise _rule(
            names[0],
            "ground_contradicts_protocol",
            _("The Commission found the qualification matches the listed profession (003 §8)."),
        )


def _next_certificate_number(year: int) -> str:
    return NumberSequence.next_number(Certificate.NUMBER_PREFIX, year)


def _certificate_step(
    certificate: Certificate,
    transition_name: str,
    *,
    actor: Actor,
    reason: str = "",
    details: dict | None = None,
    **kwargs,
) -> Certificate:
    """A certificate's own transition inside the caller's transaction: locked, permission-checked,
    versioned, written to the certificate's history; the documents hook follows the commit."""
    current = certificate.status
    meta = fsm_meta(certificate, transition_name)
    if meta.get_transition(current) is None:
        raise NotAllowedInState(
            _("Certificate No. %(n)s is %(s)s.") % {"n": certificate.number, "s": certificate.get_status_display()},
            code="certificate_not_active",
        )
    if actor.is_clerk and not actor_may(certificate, transition_name, actor):
        raise NotPermitted()
    reasons = failed_conditions(certificate, transition_name)
    if reasons:
        raise NotAllowedInState("; ".join(reasons), code="condition_not_met")
    getattr(certificate, transition_name)(**kwargs)
    certificate.version += 1
    certificate.save()
    record_history(
        certificate,
        transition=transition_name,
        from_state=current,
        to_state=certificate.status,
        actor=actor,
        reason=reason,
        details=details,
    )
    if certificate.status != Certificate.Status.ACTIVE:
        in_transaction("on_certificate_ended", certificate)  # its documents stop certifying with it
    return certificate


def _certificate_changed(certificate: Certificate, what: str, *, actor: Actor, reason: str, details: dict) -> None:
    """A change that keeps the status (extension, duplicate): a history row and a new version."""
    certificate.version += 1
    certificate.save()
    record_history(
        certificate,
        transition=what,
        from_state=certificate.status,
        to_state=certificate.status,
        actor=actor,
        reason=reason,
        details=details,
    )


def issue_certificate(
    application: Any,
    *,
    actor: Actor,
    reason: str = "",
    expected_version: int | None = None,
    contract_ends_on: dt.date | None = None,
) -> Certificate:
    """The decision to issue (003 §11; §16 extension; §22 re-issue; §22-1 duplicate):

    - issue: a new certificate, valid from today for at most three months (§15);
    - extend: the same certificate, ``valid_to`` to the labour contract's end, at most 3 years (§16);
      ``contract_ends_on`` overrides the date the applicant gave (the clerk reads the contract);
    - re-issue: a new certificate under a new number with the holder's new data or the new employer,
      to the old one's end date; the old one is superseded (§22);
    - duplicate: the same certificate and number, the duplicate counted (§22-1).
    """
    today = timezone.localdate()
    with transaction.atomic():
        app = _locked_application(_pk(application))
        if expected_version is not None and app.version != expected_version:
            raise StaleVersion()
        if app.status not in (Status.REGISTERED, Status.ASSESSED):
            raise NotAllowedInState(_("'issue' is not possible while the case is '%(s)s'.") % {"s": app.status})
        if actor.is_clerk and not actor_may(app, "issue", actor):
            raise NotPermitted()
        reasons = failed_conditions(app, "issue")
        if reasons:
            raise NotAllowedInState("; ".join(reasons), code="condition_not_met")
        signer = actor.user
        version = app.regulation
        old = Certificate.objects.select_for_update().get(pk=app.certificate_id) if app.certificate_id else None
        if old is not None and old.status != Certificate.Status.ACTIVE:
            raise _rule(
                "certificate_number",
                "certificate_not_active",
                _("Certificate No. %(n)s is %(s)s.") % {"n": old.number, "s": old.get_status_display()},
            )

        if app.kind == rules.ISSUE:
            protocol = app.protocol
            valid_from, valid_to = rules.initial_validity(today, version)
            certificate = Certificate.objects.create(
                number=_next_certificate_number(today.year),
                unit=app.unit,
                holder=app.applicant,
                profession=app.profession,
                basis=_("Commission protocol No. %(p)s of %(d)s; application No. %(a)s")
                % {"p": protocol.number, "d": f"{protocol.held_on:%d.%m.%Y}", "a": app.number},
                issued_on=today,
                valid_from=valid_from,
                valid_to=valid_to,
                application=app,
                signed_by=signer,
            )
            record_history(
                certificate,
                transition="issue",
                from_state="",
                to_state=certificate.status,
                actor=actor,
                reason=certificate.basis,
                details={"valid_to": str(valid_to), "clause": "003 §15"},
            )
        elif app.kind == rules.EXTEND:
            ends = contract_ends_on or app.contract_ends_on
            if ends is None:
                raise _rule(
                    "contract_ends_on",
                    "required",
                    _("Enter the labour contract's end date from the attached contract (003 §16)."),
                )
            new_valid_to = rules.extension_end(today, ends, version)
            if new_valid_to <= old.valid_to:
                raise _rule(
                    "contract_ends_on",
                    "extension_not_longer",
                    _("The contract ends by %(d)s, within the certificate's term: nothing to extend (003 §16).")
                    % {"d": f"{old.valid_to:%d.%m.%Y}"},
                )
            previous = old.valid_to
            old.valid_to, old.extensions, old.last_extended_on = new_valid_to, old.extensions + 1, today
            old.employer = app.employer or old.employer
            if contract_ends_on and contract_ends_on != app.contract_ends_on:
                app.contract_ends_on = contract_ends_on
                app.save(update_fields=["contract_ends_on"])
            certificate = old
            _certificate_changed(
                certificate,
                "extend",
                actor=actor,
                reason=_(
                    "Extended to %(to)s for the labour contract's term, at most %(y)d years (003 §16); "
                    "application No. %(a)s"
                )
                % {"to": f"{new_valid_to:%d.%m.%Y}", "y": version.extension_max_years, "a": app.number},
                details={"valid_to": [str(previous), str(new_valid_to)], "application": app.number},
            )
        elif app.kind == rules.REISSUE:
            certificate = Certificate.objects.create(
                number=_next_certificate_number(today.year),
                unit=old.unit,
                holder=app.applicant,
                profession=old.profession,
                employer=app.employer or old.employer,
                basis=_("Re-issue of certificate No. %(n)s (%(why)s); application No. %(a)s")
                % {"n": old.number, "why": app.get_reissue_reason_display(), "a": app.number},
                issued_on=today,
                valid_from=today,
                valid_to=old.valid_to,
                application=app,
                signed_by=signer,
                replaces=old,
            )
            record_history(
                certificate,
                transition="reissue",
                from_state="",
                to_state=certificate.status,
                actor=actor,
                reason=certificate.basis,
                details={"replaces": old.number, "clause": "003 §22"},
            )
            _certificate_step(
                old,
                "supersede",
                actor=actor,
                reason=_("Re-issued as No. %(n)s (003 §22)") % {"n": certificate.number},
                details={"superseded_by": certificate.number},
                end_reason=_("re-issued as No. %(n)s (003 §22)") % {"n": certificate.number},
            )
        else:  # duplicate
            old.duplicates, old.last_duplicate_on = old.duplicates + 1, today
            certificate = old
            _certificate_changed(
                certificate,
                "duplicate",
                actor=actor,
                reason=_("Duplicate given, same number (003 §22-1); application No. %(a)s") % {"a": app.number},
                details={"application": app.number},
            )

        run_transition(
            CertificateApplication,
            app.pk,
            "issue",
            actor=actor,
            reason=reason or certificate.number,
            expected_state=app.status,
            details={"certificate": certificate.number, "valid_to": str(certificate.valid_to)},
            in_transaction=[lambda a: in_transaction("on_issued", a, certificate)],
            certificate=certificate,
            decided_by=signer,
        )
    return certificate


def refuse_application(
    application: Any,
    *,
    actor: Actor,
    ground: str,
    motivation: str,
    reason: str = "",
    expected_version: int | None = None,
) -> CertificateApplication:
    """The motivated refusal (003 §11, §12) on a ground of annex 2 row 9: the profession/qualification
    does not meet the list (p.1), the score is below six points (p.2), unreliable documents (p.3). For an
    issue the ground must agree with the Commission's protocol."""
    with transaction.atomic():
        app = _locked_application(_pk(application))
        if expected_version is not None and app.version != expected_version:
            raise StaleVersion()
        if actor.is_clerk and not actor_may(app, "refuse", actor):
            raise NotPermitted()
        protocol = CommissionProtocol.objects.filter(application=app).first()
        _check_refusal_ground(
            app,
            ground,
            motivation,
            protocol.confirmed_points if protocol else None,
            protocol.profession_matches if protocol else None,
        )
        if app.status not in (Status.REGISTERED, Status.ASSESSED):
            raise NotAllowedInState(_("'refuse' is not possible while the case is '%(s)s'.") % {"s": app.status})
        number = NumberSequence.next_number("QCR", timezone.localdate().year)
        text = f"{rules.REFUSAL_GROUNDS[ground]}: {motivation.strip()}"
        return run_transition(
            CertificateApplication,
            app.pk,
            "refuse",
            actor=actor,
            reason=reason or text,
            expected_state=app.status,
            details={"ground": ground, "refusal_number": number},
            in_transaction=[lambda a: in_transaction("on_refused", a)],
            ground=ground,
            motivation=motivation.strip(),
            number=number,
            decided_by=actor.user,
        )


# Under the name the issue uses for the step.
refuse = refuse_application


# --------------------------------------------------------------------------------------------------
# Certificate lifecycle
# --------------------------------------------------------------------------------------------------


def _locked_certificate(certificate: Any) -> Certificate:
    try:
        return Certificate.objects.select_for_update().select_related("unit").get(pk=_pk(certificate))
    except Certificate.DoesNotExist:
        raise CaseNotFound(_("No such certificate.")) from None


def revoke_certificate(
    certificate: Any,
    *,
    actor: Actor,
    act_number: str,
    act_date: dt.date,
    control_body: str,
    details: str = "",
    expected_version: int | None = None,
) -> Revocation:
    """Revocation for work in a profession the certificate does not cover, on the act of a labour or
    migration control body (003 §21, §23 2))."""
    params = []
    if not (act_number or "").strip():
        params.append(_param("act_number", "required", _("The control body's act number is required (003 §21).")))
    if not (control_body or "").strip():
        params.append(_param("control_body", "required", _("The control body is required (003 §21).")))
    if not isinstance(act_date, dt.date):
        params.append(_param("act_date", "required", _("The act's date is required (003 §21).")))
    elif act_date > timezone.localdate():
        params.append(_param("act_date", "invalid_date", _("The act's date is in the future.")))
    _raise_params(params)
    with transaction.atomic():
        certificate = _locked_certificate(certificate)
        if expected_version is not None and certificate.version != expected_version:
            raise StaleVersion()
        reason = _(
            "Revoked on act No. %(n)s of %(d)s of %(b)s: work in a profession the certificate does not cover (003 §21)"
        ) % {"n": act_number.strip(), "d": f"{act_date:%d.%m.%Y}", "b": control_body.strip()}
        _certificate_step(
            certificate,
            "revoke",
            actor=actor,
            reason=reason,
            details={"act_number": act_number.strip(), "act_date": str(act_date)},
            end_reason=reason,
        )
        return Revocation.objects.create(
            certificate=certificate,
            act_number=act_number.strip(),
            act_date=act_date,
            control_body=control_body.strip(),
            details=details.strip(),
            revoked_on=timezone.localdate(),
            recorded_by=actor.label[:150],
        )


def terminate_certificate(
    certificate: Any, *, actor: Actor, reason: str, expected_version: int | None = None
) -> Certificate:
    """Termination when work in a profession the certificate does not cover is established otherwise than
    by a control body's act (003 §23 2)); the reason is required."""
    if not (reason or "").strip():
        raise _rule("reason", "required", _("Give the reason for terminating the certificate (003 §23)."))
    with transaction.atomic():
        certificate = _locked_certificate(certificate)
        if expected_version is not None and certificate.version != expected_version:
            raise StaleVersion()
        return _certificate_step(
            certificate, "terminate", actor=actor, reason=reason.strip(), end_reason=reason.strip()
        )


def expire_certificate(certificate: Any, *, actor: Actor | None = None, today: dt.date | None = None) -> bool:
    """End a certificate whose term is over (003 §23 1)). Idempotent and safe to run concurrently: a
    certificate another worker holds is skipped (it is being expired there), one already ended is left
    alone; returns whether this call expired it."""
    today = today or timezone.localdate()
    actor = actor or Actor.job("expire_certificates")
    with transaction.atomic():
        current = (
            Certificate.objects.select_for_update(skip_locked=True)
            .select_related("unit")
            .filter(pk=_pk(certificate), status=Certificate.Status.ACTIVE, valid_to__lt=today)
            .first()
        )
        if current is None:
            return False
        _certificate_step(
            current,
            "expire",
            actor=actor,
            reason=_("Term ended on %(d)s (003 §23 1))") % {"d": f"{current.valid_to:%d.%m.%Y}"},
        )
    return True


def expire_due_certificates(today: dt.date | None = None, batch: int = 50_000) -> int:
    """One batch of active certificates whose ``valid_to`` has passed (003 §23 1)), set-based.

    The same outcome as ``expire_certificate`` for each of them — status expired, ``ended_on`` = the last
    valid day, the same end reason, version + 1, one history row by the same job actor and reason, the
    certificate's documents marked expired — in two statements per batch (``casework.expiry.end_due``: on
    PostgreSQL one UPDATE … RETURNING on the partial index of active certificates by ``valid_to`` with the
    history as INSERT … SELECT in the same statement; then one UPDATE of the documents): the time grows
    with the number ending, not with the million in force (bench/jobs_scale.py).

    Safe twice and concurrently, like the per-row version: the batch is locked with
    ``FOR UPDATE SKIP LOCKED`` (a second job takes other rows or none), the UPDATE repeats the
    ``status = active`` condition, and a rolled-back batch leaves neither status nor history behind.
    No FSM call: ``Certificate.expire`` only sets the fields this UPDATE sets (keep them in step).
    Returns how many certificates this call expired (``certificates.tasks.expire_certificates`` loops).
    """
    from django.db.models import F

    from casework.expiry import end_due
    from casework.models.issued import DocumentKind, DocumentStatus
    from casework.pdf import set_status_of_documents

    today = today or timezone.localdate()
    end_reason = str(_("term ended (003 §23 1))"))  # as Certificate.expire() writes it
    with transaction.atomic():
        ended = end_due(
            Certificate,
            today=today,
            batch=batch,
            actor=Actor.job("expire_certificates"),
            reason=_("Term ended on %(d)s (003 §23 1))"),
            from_state=Certificate.Status.ACTIVE,
            to_state=Certificate.Status.EXPIRED,
            changes={
                "ended_on": F("valid_to"),
                "end_reason": end_reason,
                "version": F("version") + 1,
                "updated_at": timezone.now(),
            },
        )
        if ended:
            # on_certificate_ended's document status, for the whole batch in one UPDATE and in the same
            # transaction (the per-row hook ran after commit; a status UPDATE cannot fail like a rendering).
            set_status_of_documents(
                Certificate,
                [e.pk for e in ended],
                DocumentStatus.EXPIRED,
                kinds=[DocumentKind.CERTIFICATE],
                reason=end_reason,
            )
    return len(ended)


def send_expiry_reminders(today: dt.date | None = None) -> int:
    """Remind holders ``expiry_reminder_days`` (10) calendar days before the end of the term, so they can
    extend it on a new labour contract (003 §16–17). One reminder per certificate and end date (the
    unique ``Notification.key``; an extension moves the end date and earns a new reminder); a missed day
    is caught up; a second or concurrent run sends nothing twice. Sent by e-mail, else SMS, through
    ``casework.notifications``; a reminder whose sending failed stays unsent and is retried next run."""
    from casework import notifications

    today = today or timezone.localdate()
    version = rules.regulation_on(today)
    last_day = dt.date.fromordinal(today.toordinal() + version.expiry_reminder_days)
    candidates = (
        Certificate.objects.filter(status=Certificate.Status.ACTIVE, valid_to__gte=today, valid_to__lte=last_day)
        .select_related("holder", "profession")
        .order_by("valid_to", "pk")
    )
    sent = 0
    for certificate in candidates.iterator():
        key = f"expiry_reminder:{certificate.number}:{certificate.valid_to:%Y-%m-%d}"
        holder = certificate.holder
        subject = _("Your qualification certificate No. %(n)s ends on %(d)s") % {
            "n": certificate.number,
            "d": f"{certificate.valid_to:%d.%m.%Y}",
        }
        body = _(
            "Certificate No. %(n)s (%(p)s) is valid to %(d)s. With a labour contract you may apply to extend it "
            "for the contract's term, at most 3 years, within 5 working days of concluding the contract "
            "(003 §16–17)."
        ) % {"n": certificate.number, "p": certificate.profession.name, "d": f"{certificate.valid_to:%d.%m.%Y}"}
        notification, _created = Notification.objects.get_or_create(
            key=key,
            defaults={
                "certificate": certificate,
                "kind": Notification.Kind.EXPIRY_REMINDER,
                "recipient": holder.email or holder.phone,
                "subject": subject,
                "body": body,
            },
        )
        # Claim the sending: only the run whose conditional update wins sends (concurrent runs agree).
        if notification.sent_at is not None or not Notification.objects.filter(
            pk=notification.pk, sent_at__isnull=True
        ).update(sent_at=timezone.now()):
            continue
        if notification.recipient:
            channel = notifications.EMAIL if "@" in notification.recipient else notifications.SMS
            try:
                notifications.send(
                    notifications.Message(
                        channel=channel,
                        to=notification.recipient,
                        body=body,
                        subject=subject,
                        reference=certificate.number,
                    )
                )
            except notifications.NotificationError:
                Notification.objects.filter(pk=notification.pk).update(sent_at=None)
                logger.warning("expiry reminder for %s not sent; retried next run", certificate.number)
                continue
        sent += 1
    return sent


# --------------------------------------------------------------------------------------------------
# Holder notices (003 §18, §20)
# --------------------------------------------------------------------------------------------------


def record_notice(
    *,
    certificate_number: str,
    kind: str,
    event_date: dt.date | str,
    actor: Actor,
    employer: Mapping[str, Any] | None = None,
    received_at: dt.datetime | None = None,
    channel: str = Channel.PORTAL,
    text: str = "",
) -> HolderNotice:
    """Record a holder's written notice: a new employer (003 §18) or a terminated labour contract (§20),
    each due within 5 working days of the event; lateness is computed and recorded. A termination
    notice does not by itself end the certificate (§23 lists what does); a new employer leads to a
    re-issue application (§19)."""
    params: list[dict] = []
    received_at = received_at or timezone.now()
    if kind not in rules.NOTICE_KINDS:
        params.append(_param("kind", "invalid_choice", _("One of: %(k)s.") % {"k": ", ".join(rules.NOTICE_KINDS)}))
    event = _as_date(event_date, "event_date", params, required=True)
    if event and event > timezone.localdate(received_at):
        params.append(_param("event_date", "invalid_date", _("The date of the event is in the future.")))
    employer_data = _clean_employer(employer, params)
    if (
        kind == rules.NOTICE_EMPLOYER_CHANGE
        and employer_data is None
        and not any(p["name"].startswith("employer") for p in params)
    ):
        params.append(_param("employer", "required", _("The new employer is required (003 §18).")))
    if not (certificate_number or "").strip():
        params.append(_param("certificate_number", "required", _("This field is required.")))
    _raise_params(params)
    certificate = _find_certificate(certificate_number.strip())
    version = rules.regulation_on(calendar.registration_date(received_at))  # the notice's own registration day
    days = (
        version.employer_change_notice_working_days
        if kind == rules.NOTICE_EMPLOYER_CHANGE
        else version.termination_notice_working_days
    )
    term = calendar.deadline_after(
        event,
        working_days=days,
        event=str(
            _("new labour contract (003 §18)")
            if kind == rules.NOTICE_EMPLOYER_CHANGE
            else _("termination of the labour contract (003 §20)")
        ),
    )
    filed_on = timezone.localdate(received_at)
    with transaction.atomic():
        notice = HolderNotice.objects.create(
            certificate=certificate,
            kind=kind,
            employer=_get_or_create_employer(employer_data) if employer_data else None,
            event_date=event,
            received_at=received_at,
            filed_on=filed_on,
            due_on=term.due,
            late=filed_on > term.due,
            deadline_explanation=term.explanation,
            channel=channel,
            text=(text or "").strip(),
            recorded_by=actor.label[:150],
        )
        record_history(
            certificate,
            transition=f"notice_{kind}",
            from_state=certificate.status,
            to_state=certificate.status,
            actor=actor,
            reason=(_("Notice filed late: due by %(d)s") if notice.late else _("Notice due by %(d)s"))
            % {"d": f"{term.due:%d.%m.%Y}"},
            deadline=term.due,
            deadline_breached=notice.late,
            details={"event_date": str(event), "filed_on": str(filed_on)},
        )
    return notice


# --------------------------------------------------------------------------------------------------
# Step deadlines: due soon / overdue (the queue's flag)
# --------------------------------------------------------------------------------------------------


def due_soon_limit(today: dt.date) -> dt.date:
    """A step is due soon when its deadline is today or the next working day."""
    return calendar.add_working_days(today, 1)


def flag_step_deadlines(today: dt.date | None = None) -> dict[str, int]:
    """Set ``deadline_flag`` of open applications with three set-based UPDATEs on the indexed
    (status, step_deadline) pair; only rows whose flag changes are written, so a second run writes
    nothing and concurrent runs agree."""
    today = today or timezone.localdate()
    soon = due_soon_limit(today)
    open_apps = CertificateApplication.objects.filter(status__in=CertificateApplication.OPEN_STATES)
    flag = CertificateApplication.DeadlineFlag
    overdue = (
        open_apps.filter(step_deadline__lt=today).exclude(deadline_flag=flag.OVERDUE).update(deadline_flag=flag.OVERDUE)
    )
    due_soon = (
        open_apps.filter(step_deadline__gte=today, step_deadline__lte=soon)
        .exclude(deadline_flag=flag.DUE_SOON)
        .update(deadline_flag=flag.DUE_SOON)
    )
    on_time = (
        open_apps.filter(Q(step_deadline__gt=soon) | Q(step_deadline__isnull=True))
        .exclude(deadline_flag=flag.ON_TIME)
        .update(deadline_flag=flag.ON_TIME)
    )
    closed = (
        CertificateApplication.objects.filter(status__in=CertificateApplication.FINAL_STATES)
        .exclude(deadline_flag=flag.ON_TIME)
        .update(deadline_flag=flag.ON_TIME)
    )
    return {"overdue": overdue, "due_soon": due_soon, "on_time": on_time + closed}


__all__ = [
    "DocumentUpload",
    "InvalidApplication",
    "CertificateNotFound",
    "submit_application",
    "register_application",
    "reopen_after_complaint",
    "refuse_to_accept",
    "refer_to_commission",
    "record_protocol",
    "issue_certificate",
    "refuse_application",
    "refuse",
    "revoke_certificate",
    "terminate_certificate",
    "expire_certificate",
    "expire_due_certificates",
    "send_expiry_reminders",
    "record_notice",
    "flag_step_deadlines",
    "provider_unit",
    "eligible_members",
]


def reopen_after_complaint(application: Any, complaint: Any, actor: Actor) -> CertificateApplication:
    """A granted complaint reverses a refusal (003 §24–§26): the application is examined again in place,
    with its whole history and new deadlines; the refusal document is void from then on."""
    reopened = run_transition(
        CertificateApplication,
        _pk(application),
        "reopen",
        actor=actor,
        reason=_("Reopened after complaint %(number)s was granted.") % {"number": complaint.number},
        details={"complaint": complaint.number},
    )
    from casework.models.issued import DocumentKind, DocumentStatus
    from casework.pdf import set_document_status

    set_document_status(
        reopened,
        DocumentStatus.VOID,
        kinds=[DocumentKind.REFUSAL, DocumentKind.REFUSAL_TO_ACCEPT],
        reason=f"complaint {complaint.number} granted",
    )
    return reopened
