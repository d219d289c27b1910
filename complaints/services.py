"""The only code that changes complaints: filing (any channel), forwarding, review and decisions.

Every status change goes through ``casework.services.run_transition`` (row lock, permission, history);
decisions that reopen the challenged case do so in the same transaction (``complaints.reopening``)
and schedule the decision letter (kk/ru) after commit (``complaints.documents``).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import deadlines
from casework.actors import Actor
from casework.documents import attach_many, validate_document
from casework.exceptions import CaseNotFound, NotPermitted, RuleViolation, ServiceError
from casework.identifiers import identifier_error
from casework.models import Case, IssuedDocument, NumberSequence, Organisation, Person, TransitionLog
from casework.services import record_history, run_transition
from workcalendar import services as calendar

from . import rules
from .models import Complaint
from .reopening import reopen_challenged_case

logger = logging.getLogger(__name__)

REGULATION_VERSION = rules.TERMS[-1].version  # the version written in code; a complaint records its own
MAX_TEXT = 20_000


class InvalidComplaint(ServiceError):  # noqa: N818 - the office's name for it
    """The request itself is malformed: each problem is one ``invalid_params`` entry."""

    status_code = 400
    code = "invalid"


class NotAParty(NotPermitted):  # noqa: N818
    """API.md: a complainant who is not the application's applicant (or its employer) → 403."""

    code = "not_a_party"


class ApplicationNotFound(ServiceError):  # noqa: N818
    status_code = 422
    code = "application_not_found"


def _param(name: str, code: str, reason: str) -> dict:
    return {"name": name, "code": code, "reason": str(reason)}


def _raise_params(params: list[dict]) -> None:
    if not params:
        return
    code = params[0]["code"] if len({p["code"] for p in params}) == 1 else InvalidComplaint.code
    raise InvalidComplaint("; ".join(f"{p['name']}: {p['reason']}" for p in params), code=code, invalid_params=params)


def _text(data: Mapping, key: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) else ""


# --------------------------------------------------------------------------------------------------
# The challenged application (any service)
# --------------------------------------------------------------------------------------------------


def find_application(number: str) -> Case | None:
    """The application of any service with this number (``casework.registry``)."""
    from casework import registry

    return registry.find_case(number)


def parties_of(case: Case) -> tuple[list[Person], list[Organisation]]:
    """Who may complain about ``case``: its applicant(s) and employer(s).

    A service may define ``complaint_parties()`` on its model returning (people, organisations);
    otherwise its ``applicant`` (a Person) and ``employer`` (an Organisation) fields are used.
    """
    hook = getattr(case, "complaint_parties", None)
    if callable(hook):
        people, organisations = hook()
        return list(people), list(organisations)
    people = [p for p in (getattr(case, "applicant", None), getattr(case, "holder", None)) if isinstance(p, Person)]
    organisations = [o for o in (getattr(case, "employer", None),) if isinstance(o, Organisation)]
    return people, organisations


def _norm(value: str) -> str:
    return re.sub(r"[\s\-]", "", value or "").upper()


def same_person(identity: Mapping, person: Person) -> bool:
    """The IIN matches, or the passport number and the birth date do."""
    iin = _text(identity, "iin")
    if iin and person.iin and iin == person.iin:
        return True
    birth = identity.get("birth_date")
    return bool(
        _norm(_text(identity, "passport_number"))
        and _norm(_text(identity, "passport_number")) == _norm(person.passport_number)
        and birth == person.birth_date
    )


def same_organisation(identity: Mapping, organisation: Organisation) -> bool:
    ids = {v for v in (_text(identity, "bin"), _text(identity, "iin")) if v}
    return bool(ids & {v for v in (organisation.bin, organisation.iin) if v})


# --------------------------------------------------------------------------------------------------
# Filing
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentUpload:
    type: str
    filename: str
    content: bytes


PERSON_FIELDS = (
    "surname",
    "given_name",
    "patronymic",
    "citizenship",
    "passport_number",
    "iin",
    "phone",
    "email",
    "address",
)


def _clean_identity(
    data: Any, name: str, params: list[dict], *, employer: bool = False, match_only: bool = False
) -> dict:
    """The identity fields of the complainant (or, ``match_only``, just enough to find the applicant)."""
    if not isinstance(data, Mapping):
        params.append(_param(name, "required", _("The complainant's identity is required.")))
        return {}
    out: dict[str, Any] = {key: _text(data, key) for key in (*PERSON_FIELDS, "bin", "name")}
    for key in ("iin", "bin"):
        if out[key]:
            error = identifier_error(out[key])
            if error:
                params.append(_param(f"{name}.{key}", error[0], f"{key.upper()}: {error[1]}"))
    if employer:
        if not out["bin"] and not out["iin"]:
            params.append(_param(f"{name}.bin", "required", _("The employer's BIN (or IIN) is required.")))
        return out
    for key in () if match_only else ("surname", "given_name"):
        if not out[key]:
            params.append(_param(f"{name}.{key}", "required", _("This field is required.")))
    if not out["passport_number"] and not out["iin"]:
        params.append(_param(f"{name}.passport_number", "required", _("The passport number (or IIN) is required.")))
    birth = data.get("birth_date")
    out["birth_date"] = None
    if isinstance(birth, dt.date):
        out["birth_date"] = birth
    elif isinstance(birth, str) and birth:
        try:
            out["birth_date"] = dt.date.fromisoformat(birth)
        except ValueError:
            params.append(_param(f"{name}.birth_date", "invalid_date", _("A date in the form YYYY-MM-DD.")))
    else:
        params.append(_param(f"{name}.birth_date", "required", _("This field is required.")))
    for key, limit in (("surname", 100), ("given_name", 100), ("patronymic", 100), ("passport_number", 30)):
        if len(out[key]) > limit:
            params.append(_param(f"{name}.{key}", "too_long", _("At most %(n)d characters.") % {"n": limit}))
    return out


def _clean_documents(data: Any, params: list[dict]) -> list[DocumentUpload]:
    if data in (None, ""):
        return []
    if not isinstance(data, Sequence) or isinstance(data, str | bytes):
        params.append(_param("documents", "invalid", _("A list of documents is expected.")))
        return []
    uploads = []
    for index, item in enumerate(data):
        field = f"documents.{index}"
        if isinstance(item, DocumentUpload):
            upload = item
        elif isinstance(item, Mapping):
            try:
                content = base64.b64decode(item.get("content_base64") or "", validate=True)
            except (binascii.Error, ValueError, TypeError):
                params.append(_param(f"{field}.content_base64", "invalid_base64", _("Not valid base64.")))
                continue
            upload = DocumentUpload(_text(item, "type"), _text(item, "filename"), content)
        else:
            params.append(_param(field, "invalid", _("An object with type, filename and content_base64.")))
            continue
        try:
            validate_document(upload.type, upload.filename, upload.content, field)
        except ServiceError as exc:
            params.extend(exc.invalid_params or [_param(field, exc.code, exc.detail)])
            continue
        uploads.append(upload)
    return uploads


def _challenged_document(number: str, case: Case, params: list[dict]) -> IssuedDocument | None:
    if not number:
        return None
    document = IssuedDocument.objects.filter(
        number=number, case_type=ContentType.objects.get_for_model(case), case_id=case.pk
    ).first()
    if document is None:
        params.append(
            _param(
                "document_number",
                "document_not_found",
                _("No document with this number was issued on the application."),
            )
        )
    return document


def _challenged_action(action_id: Any, case: Case, params: list[dict]) -> TransitionLog | None:
    if action_id in (None, ""):
        return None
    row = None
    if isinstance(action_id, int) or (isinstance(action_id, str) and action_id.isdigit()):
        row = TransitionLog.objects.filter(
            pk=int(action_id), case_type=ContentType.objects.get_for_model(case), case_id=case.pk
        ).first()
    if row is None:
        params.append(_param("action_id", "action_not_found", _("No such action in the application's history.")))
    return row


def _person_from(identity: dict) -> Person:
    return Person.objects.create(
        surname=identity["surname"],
        given_name=identity["given_name"],
        patronymic=identity["patronymic"],
        birth_date=identity["birth_date"],
        citizenship=identity["citizenship"] or "XXA",
        passport_number=identity["passport_number"],
        iin=identity["iin"],
        phone=identity["phone"][:20],
        email=identity["email"],
        address=identity["address"][:300],
    )


def file_complaint(
    data: Mapping,
    *,
    channel: str,
    actor: Actor,
    received_at: dt.datetime | None = None,
    challenged: Case | None = None,
) -> Complaint:
    """Register a complaint (API body of API.md, also used by the public form and the admin).

    ``data``: application_number, subject, addressee, complainant (identity), text, documents, and
    optionally complainant_role (applicant | representative | employer), on_behalf_of (the applicant's
    identity, for a representative), document_number, action_id. ``challenged``: the case when the
    caller has already established it (the public form, from the applicant's own status page).
    Nothing is created unless every check passes.
    """
    if not isinstance(data, Mapping):
        _raise_params([_param("", "invalid", _("A JSON object is expected."))])
    params: list[dict] = []
    subject, addressee = _text(data, "subject"), _text(data, "addressee")
    if subject not in rules.SUBJECTS:
        params.append(
            _param(
                "subject",
                "invalid_choice" if subject else "required",
                _("One of: %(v)s.") % {"v": ", ".join(rules.SUBJECTS)},
            )
        )
    if addressee not in rules.ADDRESSEES:
        params.append(
            _param(
                "addressee",
                "invalid_choice" if addressee else "required",
                _("One of: %(v)s.") % {"v": ", ".join(rules.ADDRESSEES)},
            )
        )
    complainant_data = data.get("complainant")
    role = (
        _text(data, "complainant_role")
        or (_text(complainant_data, "role") if isinstance(complainant_data, Mapping) else "")
        or rules.APPLICANT
    )
    if role not in rules.COMPLAINANT_ROLES:
        params.append(
            _param(
                "complainant_role", "invalid_choice", _("One of: %(v)s.") % {"v": ", ".join(rules.COMPLAINANT_ROLES)}
            )
        )
        role = rules.APPLICANT
    identity = _clean_identity(data.get("complainant"), "complainant", params, employer=role == rules.EMPLOYER)
    on_behalf_of = (
        _clean_identity(data.get("on_behalf_of"), "on_behalf_of", params, match_only=True)
        if role == rules.REPRESENTATIVE
        else None
    )
    text = _text(data, "text")
    if not text:
        params.append(_param("text", "required", _("Say what you complain about.")))
    elif len(text) > MAX_TEXT:
        params.append(_param("text", "too_long", _("At most %(n)d characters.") % {"n": MAX_TEXT}))
    uploads = _clean_documents(data.get("documents"), params)
    number = _text(data, "application_number")
    if challenged is None and not number:
        params.append(_param("application_number", "required", _("The number of the application is required.")))
    _raise_params(params)

    case = challenged if challenged is not None else find_application(number)
    if case is None:
        raise ApplicationNotFound(
            _("No application with this number."),
            invalid_params=[
                _param("application_number", "application_not_found", _("No application with this number."))
            ],
        )
    if isinstance(case, Complaint):
        # A decision on a complaint is challenged in court, not by another complaint (003 §27–28).
        raise RuleViolation(
            _("A decision on a complaint can be challenged in court (003 §27–28), not by another complaint."),
            code="complaint_about_complaint",
            invalid_params=[_param("application_number", "complaint_about_complaint", _("This is a complaint."))],
        )
    params = []
    document = _challenged_document(_text(data, "document_number"), case, params)
    action = _challenged_action(data.get("action_id"), case, params)
    _raise_params(params)

    # Who may complain: the applicant, their representative with a power of attorney, or the employer.
    people, organisations = parties_of(case)
    matched_person = None
    if role == rules.EMPLOYER:
        matched_org = next((o for o in organisations if same_organisation(identity, o)), None)
        if matched_org is None:
            raise NotAParty(_("The complainant is not the employer of this application."))
    else:
        who = on_behalf_of if role == rules.REPRESENTATIVE else identity
        matched_person = next((p for p in people if same_person(who, p)), None)
        if matched_person is None:
            raise NotAParty(_("The complainant is not the applicant of this application (nor their representative)."))
        if role == rules.REPRESENTATIVE and not any(u.type == rules.POWER_OF_ATTORNEY for u in uploads):
            raise RuleViolation(
                _("A representative must attach the power of attorney."),
                code="power_of_attorney_required",
                invalid_params=[
                    _param(
                        "documents",
                        "power_of_attorney_required",
                        _("Attach the power of attorney (type power_of_attorney)."),
                    )
                ],
            )

    received_at = received_at or timezone.now()
    with transaction.atomic():
        registered_on = calendar.registration_date(received_at)
        terms = rules.terms_on(registered_on)
        complaint = Complaint(
            number=NumberSequence.next_number(Complaint.NUMBER_PREFIX, registered_on.year),
            kind=subject,
            subject=subject,
            addressee=addressee,
            channel=channel,
            regulation_version=terms.version,
            unit=case.unit,
            received_at=received_at,
            registered_on=registered_on,
            challenged_type=ContentType.objects.get_for_model(case),
            challenged_id=case.pk,
            challenged_number=case.number,
            challenged_document=document,
            challenged_action=action,
            complainant_role=role,
            text=text,
        )
        if role == rules.EMPLOYER:
            complaint.complainant_organisation = matched_org
        elif role == rules.APPLICANT:
            complaint.complainant = matched_person
        else:
            complaint.complainant = _person_from(identity)
        # 003 §24 ¶2, 004 §32 ¶2: forward (or settle in full) within 3 WD of receipt.
        deadlines.set_step(
            complaint, "forward_or_grant", registered_on, terms.forward_within, event=_("registration of the complaint")
        )
        # 003 §25–26, 004 §33–34: 5 WD (provider) / 15 WD (quality-control body) from registration.
        deadlines.set_due(complaint, registered_on, terms.review_days(addressee))
        complaint.save()
        attach_many(complaint, [(u.type, u.filename, u.content) for u in uploads], uploaded_by=actor.label)
        record_history(
            complaint,
            transition="register",
            from_state="",
            to_state=complaint.status,
            actor=actor,
            reason=_("Complaint about %(number)s registered.") % {"number": case.number},
            deadline=complaint.step_deadline,
            details={
                "challenged": case.number,
                "document": document.number if document else None,
                "action": action.pk if action else None,
            },
        )
        record_history(
            case,
            transition="complaint_filed",
            from_state=_state(case),
            to_state=_state(case),
            actor=actor,
            reason=_("Complaint %(number)s filed.") % {"number": complaint.number},
            details={"complaint": complaint.number},
        )
    return complaint


def _state(case: Case) -> str:
    return getattr(case, getattr(case, "STATE_FIELD", "status"))


# --------------------------------------------------------------------------------------------------
# Forwarding, review, decisions
# --------------------------------------------------------------------------------------------------


def _pk(complaint: Any) -> Any:
    return complaint.pk if isinstance(complaint, Complaint) else complaint


def forward(
    complaint: Any, *, actor: Actor, reviewing_body: str = "", reason: str = "", expected_version: int | None = None
) -> Complaint:
    """Forward the complaint with the administrative case (003 §24, 004 §32). Late forwarding is
    allowed (the complaint must still reach the reviewing body) but recorded as overdue."""
    return run_transition(
        Complaint,
        _pk(complaint),
        "forward",
        actor=actor,
        reason=reason,
        expected_version=expected_version,
        reviewing_body=reviewing_body.strip(),
    )


def start_review(complaint: Any, *, actor: Actor, reason: str = "", expected_version: int | None = None) -> Complaint:
    return run_transition(
        Complaint, _pk(complaint), "start_review", actor=actor, reason=reason, expected_version=expected_version
    )


def _required(value: str, name: str, code: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise RuleViolation(message, code=code, invalid_params=[_param(name, code, message)])
    return value


def _decide(
    complaint: Any,
    transition: str,
    *,
    actor: Actor,
    decision: str,
    corrective_action: str,
    reopen: bool,
    expected_version: int | None,
    **kwargs: Any,
) -> Complaint:
    with transaction.atomic():
        complaint = run_transition(
            Complaint,
            _pk(complaint),
            transition,
            actor=actor,
            reason=decision,
            expected_version=expected_version,
            decision=decision,
            details={"reopen": reopen, **kwargs},
            **kwargs,
            **({"corrective_action": corrective_action} if transition != "reject" else {}),
        )
        if reopen:
            challenged = complaint.challenged
            if challenged is None:
                raise CaseNotFound()
            reopened = reopen_challenged_case(challenged, complaint, actor)
            complaint.corrective_type = ContentType.objects.get_for_model(reopened)
            complaint.corrective_id = reopened.pk
            complaint.corrective_number = reopened.number
            complaint.save(update_fields=["corrective_type", "corrective_id", "corrective_number", "updated_at"])
            record_history(
                complaint,
                transition="corrective_action",
                from_state=complaint.status,
                to_state=complaint.status,
                actor=actor,
                reason=corrective_action,
                details={"reopened": reopened.number},
            )
        _schedule_decision_letter(complaint)
    return complaint


def grant_by_provider(
    complaint: Any,
    *,
    actor: Actor,
    corrective_action: str,
    decision: str = "",
    reopen: bool = False,
    expected_version: int | None = None,
) -> Complaint:
    """The provider satisfies the complaint in full within 3 WD: it is not forwarded (003 §24 ¶3, 004 §32 ¶3)."""
    corrective_action = _required(
        corrective_action,
        "corrective_action",
        "corrective_action_required",
        _("Record the corrective action that satisfies the complaint."),
    )
    return _decide(
        complaint,
        "grant_by_provider",
        actor=actor,
        decision=decision or corrective_action,
        corrective_action=corrective_action,
        reopen=reopen,
        expected_version=expected_version,
    )


def grant(
    complaint: Any,
    *,
    actor: Actor,
    extent: str,
    corrective_action: str,
    decision: str = "",
    reopen: bool = False,
    expected_version: int | None = None,
) -> Complaint:
    """The reviewing body grants the complaint in full or in part, with the corrective action taken."""
    if extent not in rules.EXTENTS:
        raise RuleViolation(
            _("Granted in full or in part?"),
            code="invalid_extent",
            invalid_params=[_param("extent", "invalid_choice", ", ".join(rules.EXTENTS))],
        )
    corrective_action = _required(
        corrective_action, "corrective_action", "corrective_action_required", _("Record the corrective action taken.")
    )
    return _decide(
        complaint,
        "grant",
        actor=actor,
        decision=decision or corrective_action,
        corrective_action=corrective_action,
        reopen=reopen,
        expected_version=expected_version,
        extent=extent,
    )


def reject(complaint: Any, *, actor: Actor, reasons: str, expected_version: int | None = None) -> Complaint:
    reasons = _required(reasons, "reasons", "reasons_required", _("A rejection must give its reasons."))
    return _decide(
        complaint,
        "reject",
        actor=actor,
        decision=reasons,
        corrective_action="",
        reopen=False,
        expected_version=expected_version,
    )


def _schedule_decision_letter(complaint: Complaint) -> None:
    from casework.pdf import schedule_documents

    from . import documents  # noqa: F401  registers the builder

    schedule_documents(complaint, documents.DECISION)


def complaints_about(case: Case):
    return Complaint.objects.filter(challenged_type=ContentType.objects.get_for_model(case), challenged_id=case.pk)


ACTIONS = {
    "forward": forward,
    "start_review": start_review,
    "grant_by_provider": grant_by_provider,
    "grant": grant,
    "reject": reject,
}
