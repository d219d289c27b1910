"""The only code that changes labour-immigrant permits, their applications, agreements, notices and
revocations (STYLE.md "The shape of an app"). Status changes go through casework.services.run_transition;
quota counters through permits.quota; documents are rendered after commit (permits.documents).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import deadlines
from casework.actors import Actor
from casework.documents import attach_many, validate_document
from casework.exceptions import CaseNotFound, NotAllowedInState, RuleViolation
from casework.models import Channel, NumberSequence, Organisation, OutboxMessage, Person, TerritorialUnit
from casework.services import record_history, run_transition
from workcalendar import services as workcalendar

from . import quota as quotas
from . import rules, signatures
from .models import (
    ApplicationStatus,
    ForeignLabourPermitApplication,
    IntentionAgreement,
    LabourImmigrantPermit,
    LabourImmigrantPermitApplication,
    NoticeStatus,
    PermitReminder,
    PermitStatus,
    PoliceCheck,
    Revocation,
    RevocationStatus,
    TerminationNotice,
)

Application = LabourImmigrantPermitApplication
Permit = LabourImmigrantPermit

PERMIT_PREFIX = "LIPM"
AGREEMENT_PREFIX = "LIA"
NOTICE_PREFIX = "LIT"

EVENT_REVOKED = "labour_immigrant_permit.revoked"
EVENT_REMINDER = "labour_immigrant_permit.extension_reminder"


def _number(prefix: str, day: date) -> str:
    return NumberSequence.next_number(prefix, day.year)


def _render(name: str, *args) -> None:
    """Ask for an annex form in the service's transaction: casework.pdf.schedule_documents records the request
    with the change and renders after commit, so a PDF failure never undoes the decision and a render lost with
    the broker down is done by the render sweep."""
    from . import documents

    getattr(documents, name)(*args)


# --------------------------------------------------------------------------------------------------
# Parties
# --------------------------------------------------------------------------------------------------

PERSON_FIELDS = (
    "surname",
    "given_name",
    "patronymic",
    "birth_date",
    "citizenship",
    "passport_number",
    "passport_issued_on",
    "passport_issuer",
    "iin",
    "address",
    "residence_country_address",
    "phone",
    "email",
)


def person_from(data: dict) -> Person:
    values = {k: (data.get(k) if data.get(k) is not None else "") for k in PERSON_FIELDS}
    values["birth_date"] = data["birth_date"]
    values["passport_issued_on"] = data.get("passport_issued_on")
    person = Person(**values)
    person.full_clean()
    person.save()
    return person


def employer_from(data: dict) -> Organisation:
    """004 §2(3): the employer is an individual, identified by IIN."""
    iin = (data.get("iin") or "").strip()
    if not iin:
        raise rules.violation(
            rules.EMPLOYER_NOT_INDIVIDUAL,
            _("The employer of a labour immigrant is an individual with an IIN (004 §2)."),
            "employer.iin",
        )
    org = Organisation.objects.filter(kind=Organisation.Kind.INDIVIDUAL, iin=iin).order_by("pk").first()
    if org is None:
        org = Organisation(kind=Organisation.Kind.INDIVIDUAL, iin=iin)
    org.name = data.get("name") or org.name or iin
    for attr in ("address", "phone", "email"):
        if data.get(attr):
            setattr(org, attr, data[attr])
    org.full_clean()
    org.save()
    return org


def unit_by_code(code: str, field: str = "unit") -> TerritorialUnit:
    unit = TerritorialUnit.objects.filter(code=code).first()
    if unit is None:
        raise rules.violation(rules.UNKNOWN_UNIT, _("Unknown territorial unit (KATO code) %(c)s.") % {"c": code}, field)
    return unit


def permit_by_number(number: str, field: str = "permit_number") -> Permit:
    permit = Permit.objects.select_related("holder", "employer", "unit").filter(number=number).first()
    if permit is None:
        raise rules.violation(rules.PERMIT_NOT_FOUND, _("No labour-immigrant permit %(n)s.") % {"n": number}, field)
    return permit


def chain_active(permit: Permit):
    """The permit's chain (the first permit and its extensions) still in force."""
    root = permit.root_id
    return Permit.objects.filter(Q(chain_root_id=root) | Q(pk=root), status=PermitStatus.ACTIVE)


def latest_in_chain(permit: Permit) -> Permit:
    root = permit.root_id
    return Permit.objects.filter(chain_root_id=root).order_by("-valid_to", "-pk").first() or Permit.objects.get(pk=root)


# --------------------------------------------------------------------------------------------------
# Agreements of intent (004 §10–12, annex 3)
# --------------------------------------------------------------------------------------------------


def sign_intention_agreement(
    *,
    unit: TerritorialUnit,
    employer: dict,
    immigrant: dict,
    signed_on: date,
    vacancy_published_on: date,
    occupation: str = "",
    wage=None,
    place: str = "",
    actor: Actor,
) -> IntentionAgreement:
    """Record an agreement of intent and reserve a quota unit for 10 calendar days (004 §12)."""
    reg = rules.regulation_on(signed_on)  # the act as in force on the day the agreement was signed
    rules.check_vacancy_search(vacancy_published_on, signed_on, reg)  # 004 §10
    with transaction.atomic():
        employer_org = employer_from(employer)
        person = person_from(immigrant)
        quota = quotas.reserve_unit(unit, signed_on)  # 004 §12, §20
        until = rules.reservation_ends_on(signed_on, reg)
        agreement = IntentionAgreement.objects.create(
            number=_number(AGREEMENT_PREFIX, signed_on),
            unit=unit,
            employer=employer_org,
            immigrant=person,
            place=place,
            signed_on=signed_on,
            vacancy_published_on=vacancy_published_on,
            occupation=occupation,
            wage=wage,
            quota=quota,
            reserved_until=until.due,
            reservation_explanation=until.explanation,
        )
        _render("render_agreement", agreement.pk)  # annex 3
    return agreement


def _end_reservation(agreement_id: int, status: str) -> bool:
    """Flip the agreement out of ``reserved`` and give its unit back; idempotent."""
    agreement = IntentionAgreement.objects.filter(pk=agreement_id).values("quota_id").first()
    flipped = IntentionAgreement.objects.filter(pk=agreement_id, status=IntentionAgreement.Status.RESERVED).update(
        status=status, released_at=timezone.now()
    )
    if flipped:
        quotas.release_reservation(agreement["quota_id"])
    return bool(flipped)


def release_lapsed_reservations(today: date | None = None) -> int:
    """004 §12: a reservation lasts 10 calendar days. It lapses after ``reserved_until`` unless an application
    filed on it is still open (its decision will use it or end it)."""
    today = today or timezone.localdate()
    open_apps = Application.objects.filter(status__in=Application.OPEN_STATES, intention_agreement_id__isnull=False)
    lapsed = (
        IntentionAgreement.objects.filter(status=IntentionAgreement.Status.RESERVED, reserved_until__lt=today)
        .exclude(pk__in=open_apps.values("intention_agreement_id"))
        .values_list("pk", flat=True)
    )
    count = 0
    for pk in list(lapsed):
        with transaction.atomic():
            count += _end_reservation(pk, IntentionAgreement.Status.LAPSED)
    return count


def cancel_intention_agreement(agreement_id: int) -> bool:
    with transaction.atomic():
        return _end_reservation(agreement_id, IntentionAgreement.Status.CANCELLED)


# --------------------------------------------------------------------------------------------------
# Applications (annex 1): registration
# --------------------------------------------------------------------------------------------------


@dataclass
class ApplicationInput:
    kind: str
    unit: TerritorialUnit
    applicant: dict
    employer: dict
    channel: str
    term_months: int | None = None
    permit_number: str = ""
    previous_permit_number: str = ""
    intention_agreement_number: str = ""
    property_address: str = ""
    property_unit_code: str = ""
    medical_certificate_issued_on: date | None = None
    border_crossed_on: date | None = None
    insurance_valid_until: date | None = None
    documents: list[dict] = field(default_factory=list)  # {"type", "filename", "content": bytes}
    signatures: list[dict] = field(default_factory=list)
    signed_body: dict | None = None  # what the signatures cover (portal)
    received_at: datetime | None = None


def _same_person(permit: Permit, applicant: dict) -> bool:
    holder = permit.holder
    return holder.passport_number.replace(" ", "").upper() == (applicant.get("passport_number") or "").replace(
        " ", ""
    ).upper() and holder.citizenship == applicant.get("citizenship")


def _check_permit_for_follow_up(permit: Permit, data: ApplicationInput, filed_on: date) -> None:
    """004 §22: valid only in the issuing unit and not transferable (same holder, same employer)."""
    if permit.status != PermitStatus.ACTIVE or permit.valid_to < filed_on:
        raise rules.violation(
            rules.PERMIT_NOT_ACTIVE, _("The permit %(n)s is not in force.") % {"n": permit.number}, "permit_number"
        )
    if not _same_person(permit, data.applicant):
        raise rules.violation(
            rules.PERMIT_NOT_TRANSFERABLE,
            _("A permit is not transferable to another person (004 §22)."),
            "applicant.passport_number",
        )
    if permit.unit_id != data.unit.pk:
        raise rules.violation(
            rules.PERMIT_NOT_VALID_IN_UNIT,
            _("A permit is valid only in the unit that issued it (004 §22): apply to %(u)s.") % {"u": permit.unit},
            "unit",
        )


def _acceptance_problems(
    data: ApplicationInput, reg: rules.Regulation, filed_on: date, term_end: date | None
) -> list[RuleViolation]:
    """004 §17: the package is complete (annex 2 row 8) and no document's validity has run out."""
    problems: list[RuleViolation] = []
    missing = rules.missing_documents(data.kind, data.channel, [d["type"] for d in data.documents])
    if missing:
        params = [
            {
                "name": "documents",
                "code": rules.DOCUMENTS_INCOMPLETE,
                "reason": _("missing: %(t)s")
                % {"t": " | ".join(str(rules.DOCUMENT_TYPES.get(t, t)) for t in m.split("|"))},
            }
            for m in missing
        ]
        problems.append(
            RuleViolation(
                _("The package of documents is incomplete (004 §17, annex 2 row 8): %(m)s.")
                % {
                    "m": "; ".join(
                        " | ".join(str(rules.DOCUMENT_TYPES.get(t, t)) for t in m.split("|")) for m in missing
                    )
                },
                code=rules.DOCUMENTS_INCOMPLETE,
                invalid_params=params,
            )
        )
    checks = []
    if data.kind == rules.ISSUE:
        checks.append(lambda: rules.check_medical_certificate(data.medical_certificate_issued_on, filed_on, reg))
    if data.kind in (rules.ISSUE, rules.EXTEND):
        checks.append(lambda: rules.check_border_crossing(data.border_crossed_on, filed_on, reg))
        checks.append(lambda: rules.check_insurance(data.insurance_valid_until, term_end))
    for check in checks:
        try:
            check()
        except RuleViolation as exc:
            problems.append(exc)
    return problems


def register_application(data: ApplicationInput, *, actor: Actor, api_client=None) -> tuple[Application, str]:
    """Register an application (annex 1) and send it on: to the police check (004 §16), to a refusal to
    accept at the State Corporation (004 §17, annex 4), or — a duplicate — straight to the copy (004 §27).

    Returns the application and its access code (shown once to the applicant, only its hash is kept; as
    certificates.services.submit_application): every channel — portal, public form, office — can follow
    the application by number and code.

    Raises RuleViolation (nothing is created) for every rule the request breaks; on the electronic
    channels also for incomplete or expired documents, which at the State Corporation counter produce an
    annex 4 receipt instead (the act gives that receipt to the person standing there).
    """
    received_at = data.received_at or timezone.now()
    filed_on = timezone.localtime(received_at).date()
    # The version in force on the registration date (004 §14: the next working day after hours) governs the
    # application to the end (casework.regulations).
    reg = rules.regulation_on(workcalendar.registration_date(received_at))
    registration = workcalendar.deadline(received_at, working_days=reg.decision_working_days)  # 004 §7, §14
    if data.kind not in rules.KINDS:
        raise rules.violation("invalid_kind", _("Unknown kind of application."), "kind")
    if data.unit.level != TerritorialUnit.Level.DISTRICT:
        raise rules.violation(
            rules.NOT_A_DISTRICT,
            _("Permits are issued by the body of a district or a city of regional significance (004 §4)."),
            "unit",
        )
    for doc in data.documents:  # by content, before anything else is decided
        validate_document(doc["type"], doc.get("filename", ""), doc["content"], field=f"documents.{doc['type']}")

    current_permit = None
    agreement = None
    term_end = None
    if data.kind in (rules.ISSUE, rules.EXTEND):
        if data.term_months is None:
            raise rules.violation(rules.TERM_OUT_OF_RANGE, _("Give the term in months (004 §19)."), "term_months")
        rules.check_term(data.term_months, reg)  # 004 §19
        property_unit = unit_by_code(data.property_unit_code, "employer.property_unit")
        rules.check_property_in_unit(property_unit.code, data.unit.code)  # 004 §23

    if data.kind == rules.ISSUE:
        if data.previous_permit_number:  # 004 §26: a new permit after 12 months
            previous = permit_by_number(data.previous_permit_number, "previous_permit_number")
            latest = latest_in_chain(previous)
            if latest.chain_months >= reg.max_term_months:
                rules.check_new_permit_window(filed_on, latest.valid_to, reg)
            current_permit = latest
        if data.intention_agreement_number:
            agreement = (
                IntentionAgreement.objects.select_related("employer", "immigrant")
                .filter(number=data.intention_agreement_number)
                .first()
            )
            if agreement is None:
                raise rules.violation(
                    rules.AGREEMENT_NOT_FOUND, _("No such agreement of intent."), "intention_agreement_number"
                )
            if (
                agreement.unit_id != data.unit.pk
                or agreement.employer.iin != data.employer.get("iin")
                or agreement.immigrant.passport_number != data.applicant.get("passport_number")
            ):
                raise rules.violation(
                    rules.AGREEMENT_MISMATCH,
                    _(
                        "The agreement of intent was signed by another employer or immigrant, or in another unit "
                        "(004 §11)."
                    ),
                    "intention_agreement_number",
                )
            live = agreement.status == IntentionAgreement.Status.RESERVED and agreement.reserved_until >= filed_on
            if not live and not quotas.has_free_unit(data.unit, filed_on):
                raise rules.violation(
                    rules.AGREEMENT_LAPSED,
                    _(
                        "The quota unit was reserved for 10 calendar days from signing the agreement, until %(d)s "
                        "(004 §12), and no free unit is left."
                    )
                    % {"d": f"{agreement.reserved_until:%d.%m.%Y}"},
                    "intention_agreement_number",
                )
        elif not quotas.has_free_unit(data.unit, filed_on):  # fail early; the decision takes the unit (004 §20)
            raise quotas._exhausted(data.unit, filed_on, quotas.quota_for(data.unit, filed_on))
        # The term starts on the decision day, at the latest the due date: the worst case for the insurance.
        term_end = rules.validity(registration.due, data.term_months)[1]

    elif data.kind == rules.EXTEND:
        permit = permit_by_number(data.permit_number)
        _check_permit_for_follow_up(permit, data, filed_on)
        if permit.extensions.exists():
            raise rules.violation(
                "permit_already_extended",
                _("This permit has been extended already; extend the latest permit of the chain."),
                "permit_number",
            )
        if permit.employer.iin != data.employer.get("iin"):
            raise rules.violation(
                rules.PERMIT_NOT_TRANSFERABLE,
                _("A permit is not transferable (004 §22): a new employer needs a new permit."),
                "employer.iin",
            )
        rules.check_total_term(permit.chain_months, data.term_months, reg)  # 004 §19
        rules.check_extension_window(filed_on, permit.valid_to, reg)  # 004 §24–25
        current_permit = permit
        term_end = rules.validity(rules.next_day(permit.valid_to), data.term_months)[1]

    else:  # duplicate, 004 §27
        permit = permit_by_number(data.permit_number)
        _check_permit_for_follow_up(permit, data, filed_on)
        current_permit = permit

    signed = []
    if rules.needs_both_signatures(data.kind, data.channel):  # 001 §13
        signed = signatures.verify_signatures(
            data.signed_body or {},
            data.signatures,
            immigrant_iin=data.applicant.get("iin") or data.applicant.get("passport_number", ""),
            employer_iin=data.employer.get("iin", ""),
        )

    problems = _acceptance_problems(data, reg, filed_on, term_end)
    paper = rules.channel_family(data.channel) == "paper"
    if problems and not paper:
        first = problems[0]
        raise RuleViolation(
            first.detail, code=first.code, invalid_params=[p for exc in problems for p in exc.invalid_params]
        )

    with transaction.atomic():
        app = Application(
            number=_number(Application.NUMBER_PREFIX, registration.registered_on),
            kind=data.kind,
            channel=data.channel,
            regulation_version=reg.version,
            unit=data.unit,
            received_at=received_at,
            registered_on=registration.registered_on,
            applicant=person_from(data.applicant),
            employer=employer_from(data.employer),
            term_months=data.term_months if data.kind != rules.DUPLICATE else None,
            place_of_birth=data.applicant.get("place_of_birth") or "",
            family_composition=data.applicant.get("family_composition") or "",
            property_address=data.property_address,
            property_unit=TerritorialUnit.objects.filter(code=data.property_unit_code).first()
            if data.property_unit_code
            else None,
            intention_agreement=agreement,
            current_permit=current_permit,
            medical_certificate_issued_on=data.medical_certificate_issued_on,
            border_crossed_on=data.border_crossed_on,
            insurance_valid_until=data.insurance_valid_until,
            signatures=signed,
            submitted_by=api_client,
        )
        if data.kind == rules.DUPLICATE:
            deadlines.set_due(app, registration.registered_on, reg.duplicate_working_days)  # 004 §27: same day
            deadlines.set_step(app, "duplicate", registration.registered_on, reg.duplicate_working_days)
        else:
            deadlines.set_due(app, registration.registered_on, reg.decision_working_days)  # 004 §7
            deadlines.set_step(app, "acceptance", registration.registered_on, 0)  # 004 §15: on the day of arrival
        access_code = app.issue_access_code()
        app.save()
        attach_many(
            app,
            [
                (doc["type"], doc.get("filename", ""), doc["content"], f"documents.{doc['type']}")
                for doc in data.documents
            ],
            uploaded_by=actor.label,
        )
        record_history(
            app,
            transition="register",
            from_state="",
            to_state=app.status,
            actor=actor,
            reason=registration.explanation,
            deadline=app.step_deadline,
        )
        _render("render_application_form", app.pk)  # annex 1
        if problems:  # paper channel: the annex 4 receipt (004 §17)
            reasons = [str(p.detail) for p in problems]
            app = run_transition(
                Application, app.pk, "refuse_to_accept", actor=actor, reasons=reasons, reason="; ".join(reasons)
            )
            _render("render_refusal_to_accept", app.pk)
        elif data.kind == rules.DUPLICATE:
            app = _hand_out_duplicate(app, actor)
        else:
            app = run_transition(
                Application,
                app.pk,
                "accept",
                actor=actor,
                reason=_("Documents complete; sent to the police check (004 §16)."),
            )
    return app, access_code


def _hand_out_duplicate(app: Application, actor: Actor) -> Application:
    """004 §27: the copy is issued on the day of the request."""
    permit = Permit.objects.select_for_update().get(pk=app.current_permit_id)
    permit.duplicates_issued += 1
    permit.save(update_fields=["duplicates_issued"])
    app = run_transition(
        Application,
        app.pk,
        "issue_duplicate",
        actor=actor,
        permit=permit,
        # The day of the request is its registration day (004 §14: after office hours or on a day off, the next
        # working day), so the decision never predates the registration and meets its same-day term.
        decided_on=app.registered_on,
        reason=_("Duplicate issued on the day of the request (004 §27)."),
    )
    _render("render_permit", permit.pk, app.pk)
    return app


def refuse_to_accept(
    app_id: int, reasons: list[str], *, actor: Actor, expected_version: int | None = None
) -> Application:
    """004 §17 at the counter: the clerk refuses to accept, naming each missing or expired document (annex 4)."""
    app = run_transition(
        Application,
        app_id,
        "refuse_to_accept",
        actor=actor,
        reasons=reasons,
        reason="; ".join(reasons),
        expected_version=expected_version,
    )
    _render("render_refusal_to_accept", app.pk)
    return app


# --------------------------------------------------------------------------------------------------
# Police check (004 §16) and the decision (004 §7, §18–21, §31)
# --------------------------------------------------------------------------------------------------


def record_police_check(
    app_id: int,
    *,
    result: str,
    reference: str = "",
    comment: str = "",
    actor: Actor,
    expected_version: int | None = None,
) -> Application:
    if result not in (PoliceCheck.POSITIVE, PoliceCheck.NEGATIVE):
        raise rules.violation("invalid_result", _("The result is positive or negative."), "result")
    current = Application.objects.filter(pk=app_id).values_list("status", flat=True).first()
    if current is None:
        raise CaseNotFound()
    if current != ApplicationStatus.UNDER_POLICE_CHECK:
        raise NotAllowedInState(
            _("The police check of this application is not awaited (it is '%(s)s').") % {"s": current},
            code=rules.POLICE_CHECK_ALREADY_RECORDED,
        )
    return run_transition(
        Application,
        app_id,
        "record_police_check",
        actor=actor,
        result=result,
        reference=reference,
        comment=comment,
        checked_at=timezone.now(),
        expected_version=expected_version,
        reason=comment or result,
        details={"police_check": result, "reference": reference},
    )


def issue_permit(app_id: int, *, actor: Actor, expected_version: int | None = None) -> Application:
    """Issue or extend (annex 5) within the quota (004 §18–21). One transaction: the quota unit, the permit
    and the status change commit together or not at all."""
    with transaction.atomic():
        app = Application.objects.select_for_update().select_related("unit").get(pk=app_id)
        if app.status != ApplicationStatus.UNDER_REVIEW:
            # run_transition gives the standard answer (conflict / not allowed) without touching the quota.
            return run_transition(Application, app_id, "issue", actor=actor, expected_version=expected_version)
        reg = app.regulation
        today = timezone.localdate()
        if app.kind == rules.ISSUE:
            valid_from, valid_to = rules.validity(today, app.term_months)
            rules.check_insurance(app.insurance_valid_until, valid_to)
            quota_id = None
            agreement = app.intention_agreement
            if agreement is not None and IntentionAgreement.objects.filter(
                pk=agreement.pk, status=IntentionAgreement.Status.RESERVED
            ).update(status=IntentionAgreement.Status.USED):
                if quotas.consume_reservation(agreement.quota_id):  # 004 §12: the reserved unit becomes the permit's
                    quota_id = agreement.quota_id
            if quota_id is None:
                quota_id = quotas.consume_free_unit(app.unit, today).pk  # 004 §20
            extends, root_id, chain_months, holds = None, None, app.term_months, True
        elif app.kind == rules.EXTEND:
            old = Permit.objects.select_for_update().get(pk=app.current_permit_id)
            if old.status != PermitStatus.ACTIVE or old.extensions.exists():
                raise rules.violation(rules.PERMIT_NOT_ACTIVE, _("The permit being extended is no longer in force."))
            rules.check_total_term(old.chain_months, app.term_months, reg)  # 004 §19
            valid_from, valid_to = rules.validity(rules.next_day(old.valid_to), app.term_months)
            rules.check_insurance(app.insurance_valid_until, valid_to)
            # 004 §21 ruling: the extension takes no new unit — the old permit's unit moves to the extension.
            holds = bool(Permit.objects.filter(pk=old.pk, holds_quota_unit=True).update(holds_quota_unit=False))
            quota_id, extends, root_id = old.quota_id, old, old.root_id
            chain_months = old.chain_months + app.term_months
        else:
            raise NotAllowedInState(_("A duplicate is handed out at registration (004 §27)."))
        permit = Permit.objects.create(
            number=_number(PERMIT_PREFIX, today),
            unit=app.unit,
            holder=app.applicant,
            employer=app.employer,
            application=app,
            extends=extends,
            chain_root_id=root_id,
            months=app.term_months,
            chain_months=chain_months,
            valid_from=valid_from,
            valid_to=valid_to,
            issued_on=today,
            property_address=app.property_address,
            quota_id=quota_id,
            holds_quota_unit=holds,
        )
        app = run_transition(
            Application,
            app_id,
            "issue",
            actor=actor,
            expected_version=expected_version,
            permit=permit,
            decided_on=today,
            reason=_("Permit %(n)s valid %(a)s–%(b)s")
            % {"n": permit.number, "a": f"{valid_from:%d.%m.%Y}", "b": f"{valid_to:%d.%m.%Y}"},
            details={"permit": permit.number, "quota_id": quota_id},
        )
        _render("render_permit", permit.pk, app.pk)
    return app


def refuse_application(
    app_id: int, *, ground: str, details: str = "", actor: Actor, expected_version: int | None = None
) -> Application:
    """004 §31, annex 7: a motivated refusal on a ground of annex 2 row 9 (G1–G9)."""
    if ground not in rules.REFUSAL_GROUNDS:
        raise rules.violation(rules.REFUSAL_GROUND_UNKNOWN, _("Choose a ground of annex 2 row 9 (G1–G9)."), "ground")
    with transaction.atomic():
        app = run_transition(
            Application,
            app_id,
            "refuse",
            actor=actor,
            expected_version=expected_version,
            ground=ground,
            details=details,
            decided_on=timezone.localdate(),
            reason=f"{ground}: {rules.REFUSAL_GROUNDS[ground]}. {details}".strip(),
        )
        _render("render_refusal", app.pk)
    return app


# --------------------------------------------------------------------------------------------------
# The permit's end: expiry, termination (004 §28), revocation (004 §36–40). Each releases the unit.
# --------------------------------------------------------------------------------------------------


def _end_permit(
    permit_id: int, transition_name: str, *, actor: Actor, ended_on: date, reason: str = "", details: dict | None = None
) -> Permit:
    # One transaction: the permit ends, its quota unit is free and its documents stop certifying it together
    # (after the commit, a crash in between left the public verify page saying "valid" for an ended permit).
    with transaction.atomic():
        permit = run_transition(
            Permit, permit_id, transition_name, actor=actor, ended_on=ended_on, reason=reason, details=details
        )
        if Permit.objects.filter(pk=permit_id, holds_quota_unit=True).update(holds_quota_unit=False):
            quotas.release_issued(permit.quota_id)  # the unit is free again
        _set_document_status(permit.pk, transition_name, reason)
    return permit


def _set_document_status(permit_id: int, transition_name: str, reason: str) -> None:
    from . import documents

    documents.mark_permit_documents(permit_id, transition_name, reason)


def expire_permits(today: date | None = None, batch: int = 50_000) -> int:
    """The permit's last valid day has passed (``valid_to`` < today): expired; its quota unit is free again.

    Set-based, batch by batch: what ``_end_permit(pk, "expire")`` does for one permit through
    run_transition — status, ``ended_on`` = the last valid day, version + 1, one history row (job actor,
    the same reason), the status webhook through the outbox, the quota unit released, the annex 5
    documents marked expired — done for a whole batch in a few statements: on PostgreSQL one UPDATE …
    RETURNING on the partial index of active permits by ``valid_to`` with the history as INSERT … SELECT
    in the same statement (``casework.expiry.end_due``), one grouped UPDATE of the quotas, one INSERT of
    the webhook events, one UPDATE of the documents. The time grows with the number ending, not with the
    permits in force (bench/jobs_scale.py). Safe twice and concurrently: the batch is locked
    ``FOR UPDATE SKIP LOCKED`` and the UPDATE repeats ``status = active``; ``holds_quota_unit`` is
    cleared in the same UPDATE (its old value comes back with the row), so a unit is released once.
    ``LabourImmigrantPermit.expire`` sets only ``ended_on`` (keep them in step).
    """
    from django.db.models import F

    from casework.expiry import end_due
    from casework.models.issued import DocumentStatus
    from casework.outbox import publish_status_changed_many
    from casework.pdf import set_status_of_documents

    today = today or timezone.localdate()
    actor = Actor.job("expire_permits")
    total = 0
    while True:
        with transaction.atomic():
            ended = end_due(
                Permit,
                today=today,
                batch=batch,
                actor=actor,
                reason=_("The term ended on %(d)s."),
                from_state=PermitStatus.ACTIVE,
                to_state=PermitStatus.EXPIRED,
                changes={"ended_on": F("valid_to"), "holds_quota_unit": False, "version": F("version") + 1},
                keep=("quota_id", "holds_quota_unit"),
            )
            if not ended:
                return total
            released: dict[int, int] = {}
            for e in ended:
                if e.old["holds_quota_unit"] and e.old["quota_id"]:
                    released[e.old["quota_id"]] = released.get(e.old["quota_id"], 0) + 1
            quotas.release_issued_many(released)  # the units are free again
            publish_status_changed_many([(e.number, PermitStatus.EXPIRED) for e in ended])
            by_day: dict[date, list[int]] = {}
            for e in ended:
                by_day.setdefault(e.last_day, []).append(e.pk)
            for last_day, ids in by_day.items():  # one reason per last valid day (one day in a daily run)
                reason = _("The term ended on %(d)s.") % {"d": f"{last_day:%d.%m.%Y}"}
                set_status_of_documents(Permit, ids, DocumentStatus.EXPIRED, reason=reason)
        total += len(ended)
        if len(ended) < batch:
            return total


def submit_termination_notice(
    *,
    permit_number: str,
    employer_iin: str,
    contract_ended_on: date,
    channel: str,
    actor: Actor,
    api_client=None,
    received_at: datetime | None = None,
    needs_confirmation: bool | None = None,
    declared: dict | None = None,
) -> TerminationNotice:
    """004 §28, annex 6: the employer's notice that the labour contract ended. The permit (and any extension
    following it) ends as ``terminated`` and its quota unit is released (ruling, DOMAIN.md §4). A notice
    after the 2 working days is still recorded — as late.

    Through an authenticated channel (the portal's API client, EDS-backed; a clerk at the office) the permit
    ends at once. Through the public web form nobody is authenticated — anyone who knows the facts printed on
    a permit could end it — so the notice is registered ``pending_confirmation`` (``needs_confirmation``;
    None: decided by ``channel``, see ``notice_needs_confirmation``) and changes nothing until a clerk confirms
    it (``confirm_termination_notice``) or rejects it (``reject_termination_notice``). ``declared``: what the
    notifier typed (names, numbers), kept for the clerk who checks it."""
    received_at = received_at or timezone.now()
    filed_on = timezone.localtime(received_at).date()
    permit = permit_by_number(permit_number)
    if permit.employer.iin != employer_iin:
        raise rules.violation(
            rules.EMPLOYER_MISMATCH,
            _("The notice comes from the employer named in the permit (004 §28)."),
            "employer.iin",
        )
    if contract_ended_on > filed_on:
        raise rules.violation(
            rules.TERMINATION_DATE_IN_FUTURE,
            _("The contract cannot be reported as terminated on a future date."),
            "contract_ended_on",
        )
    if contract_ended_on < permit.valid_from:
        raise rules.violation(
            rules.TERMINATION_BEFORE_PERMIT, _("The contract's end is before the permit's start."), "contract_ended_on"
        )
    due = rules.termination_notice_due(contract_ended_on, rules.regulation_on(filed_on))
    with transaction.atomic():
        active = list(chain_active(permit).select_for_update().values_list("pk", flat=True))
        if not active:
            raise NotAllowedInState(
                _("The permit %(n)s is no longer in force.") % {"n": permit.number}, code=rules.PERMIT_NOT_ACTIVE
            )
        # Ruling: the day that counts is the day the employer sent the notice (office-local), not its registration
        # nor, for a web-form notice, its confirmation.
        late = filed_on > due.due
        pending = notice_needs_confirmation(channel) if needs_confirmation is None else needs_confirmation
        notice = TerminationNotice.objects.create(
            number=_number(NOTICE_PREFIX, filed_on),
            permit=permit,
            unit_id=permit.unit_id,
            employer=permit.employer,
            contract_ended_on=contract_ended_on,
            received_at=received_at,
            channel=channel,
            due_on=due.due,
            due_explanation=due.explanation,
            is_late=late,
            submitted_by=api_client,
            recorded_by=actor.label[:150],
            status=NoticeStatus.PENDING if pending else NoticeStatus.CONFIRMED,
            declared=declared or {},
            decided_at=None if pending else received_at,
        )
        record_history(
            notice,
            transition="receive",
            from_state="",
            to_state=notice.status,
            actor=actor,
            reason=(
                _("Received through the public web form: the permit ends only once the office confirms the notice.")
                if pending
                else _("Received from an authenticated sender: the permit ends with the notice.")
            ),
            details={"channel": channel, "late": late, "due_on": str(due.due)},
        )
        if pending:
            record_history(
                permit,
                transition="termination_notice_received",
                from_state=permit.status,
                to_state=permit.status,
                actor=actor,
                reason=_("Termination notice %(n)s received through the public web form; awaiting confirmation.")
                % {"n": notice.number},
                details={"termination_notice": notice.number},
            )
            return notice
        _terminate_on_notice(notice, active, actor)
    return notice


def notice_needs_confirmation(channel: str) -> bool:
    """Ruling (004 §28 read with DOMAIN.md §8 "personal data"): a notice through the public web form comes from
    nobody authenticated, so a clerk confirms it before the permit ends; the portal's API clients (EDS-backed,
    API.md) and the office's clerks are authenticated and end the permit directly."""
    return channel == Channel.WEB_FORM


def _terminate_on_notice(notice: TerminationNotice, active: list[int], actor: Actor) -> None:
    """End the permit's chain on a confirmed notice: ``terminated`` as from the contract's end, unit released."""
    late_text = _(" (late: due by %(d)s, 004 §28)") % {"d": f"{notice.due_on:%d.%m.%Y}"} if notice.is_late else ""
    for pk in sorted(active):
        _end_permit(
            pk,
            "terminate",
            actor=actor,
            ended_on=notice.contract_ended_on,
            reason=_("Termination notice %(n)s%(late)s") % {"n": notice.number, "late": late_text},
            details={"termination_notice": notice.number, "late": notice.is_late},
        )
    _render("render_termination_notice", notice.pk)
    _close_other_pending_notices(notice, [notice.permit_id, *active], actor)


def _close_other_pending_notices(notice: TerminationNotice, permit_ids: list[int], actor: Actor) -> None:
    """Other web-form notices still awaiting confirmation for the permit that has just ended have nothing left to
    end: each is rejected, naming the notice that ended it (a clerk no longer has to reject them one by one)."""
    others = (
        TerminationNotice.objects.filter(permit_id__in=permit_ids, status=NoticeStatus.PENDING)
        .exclude(pk=notice.pk)
        .order_by("pk")
    )
    text = _("The permit already ended with termination notice %(n)s.") % {"n": notice.number}
    for pk in others.values_list("pk", flat=True):
        _reject_notice(pk, text, actor=actor, details={"ended_by": notice.number})


def _reject_notice(
    notice_id: int, reason: str, *, actor: Actor, expected_version: int | None = None, details: dict | None = None
) -> TerminationNotice:
    notice = run_transition(
        TerminationNotice,
        notice_id,
        "reject",
        actor=actor,
        expected_version=expected_version,
        reason=reason,
        details=details,
        rejection=reason,
        decided_at=timezone.now(),
        decided_by=actor.label[:150],
    )
    permit = Permit.objects.get(pk=notice.permit_id)
    record_history(
        permit,
        transition="termination_notice_rejected",
        from_state=permit.status,
        to_state=permit.status,
        actor=actor,
        reason=_("Termination notice %(n)s rejected: %(r)s") % {"n": notice.number, "r": reason},
        details={"termination_notice": notice.number},
    )
    return notice


def _pending_notice(notice_id: int) -> TerminationNotice:
    """The notice, row-locked, still awaiting confirmation (else the standard 404 / 409)."""
    notice = TerminationNotice.objects.select_for_update().filter(pk=notice_id).first()
    if notice is None:
        raise CaseNotFound()
    if notice.status != NoticeStatus.PENDING:
        raise NotAllowedInState(
            _("The notice %(n)s is already %(s)s.") % {"n": notice.number, "s": notice.get_status_display()}
        )
    return notice


def confirm_termination_notice(
    notice_id: int, *, actor: Actor, expected_version: int | None = None
) -> TerminationNotice:
    """A clerk confirms a web-form notice (004 §28): the permit ends as if the notice had come from an
    authenticated sender — ``terminated`` as from the contract's end, its lateness as counted when it was sent."""
    with transaction.atomic():
        notice = _pending_notice(notice_id)
        permit = Permit.objects.get(pk=notice.permit_id)
        active = list(chain_active(permit).select_for_update().values_list("pk", flat=True))
        if not active:
            raise NotAllowedInState(
                _("The permit %(n)s is no longer in force: reject the notice instead.") % {"n": permit.number},
                code=rules.PERMIT_NOT_ACTIVE,
            )
        notice = run_transition(
            TerminationNotice,
            notice.pk,
            "confirm",
            actor=actor,
            expected_version=expected_version,
            decided_at=timezone.now(),
            decided_by=actor.label[:150],
            reason=_("Confirmed by the office: the permit ends with the notice (004 §28)."),
            details={"late": notice.is_late},
        )
        _terminate_on_notice(notice, active, actor)
    return notice


def reject_termination_notice(
    notice_id: int, *, reason: str, actor: Actor, expected_version: int | None = None
) -> TerminationNotice:
    """A clerk rejects a web-form notice (not from the employer, facts that do not hold): the permit is unchanged."""
    reason = (reason or "").strip()
    if not reason:
        raise rules.violation("reason_required", _("Give the reason of the rejection."), "reason")
    with transaction.atomic():
        notice = _pending_notice(notice_id)
        return _reject_notice(notice.pk, reason, actor=actor, expected_version=expected_version)


def revoke_permit(
    *,
    permit_id: int,
    act_number: str,
    act_date: date,
    act_body: str,
    ground: str = Revocation.Ground.NON_HOUSEHOLD_WORK,
    police_body: str = "",
    actor: Actor,
    revoked_on: date | None = None,
) -> Revocation:
    """004 §36–40: revoke on a control body's act; annex 8 to the holder (leave within 15 calendar days) and
    annex 9 to internal affairs within 2 working days (outbox + the revocations feed)."""
    from casework import outbox

    revoked_on = revoked_on or timezone.localdate()
    reg = rules.regulation_on(revoked_on)
    with transaction.atomic():
        permit = Permit.objects.select_related("holder", "unit").get(pk=permit_id)
        active = list(chain_active(permit).select_for_update().values_list("pk", flat=True))
        if not active:
            raise NotAllowedInState(
                _("The permit %(n)s is not in force.") % {"n": permit.number}, code=rules.PERMIT_NOT_ACTIVE
            )
        now = timezone.now()
        revocation = Revocation(
            number=_number(Revocation.NUMBER_PREFIX, revoked_on),
            kind="revocation",
            channel=Channel.OFFICE,
            regulation_version=reg.version,
            unit=permit.unit,
            received_at=now,
            registered_on=revoked_on,
            permit=permit,
            act_number=act_number,
            act_date=act_date,
            act_body=act_body,
            ground=ground,
            revoked_on=revoked_on,
            leave_by=rules.leave_by(revoked_on, reg),
            police_body=police_body,
        )
        due = rules.revocation_information_due(revoked_on, reg)  # 004 §39
        deadlines.set_step(
            revocation,
            "deliver_to_internal_affairs",
            revoked_on,
            reg.revocation_information_working_days,
            event=_("revocation of the permit"),
        )
        deadlines.set_due(revocation, revoked_on, reg.revocation_information_working_days)
        revocation.save()
        record_history(
            revocation,
            transition="record_revocation",
            from_state="",
            to_state=revocation.status,
            actor=actor,
            reason=f"{act_body} {act_number} {act_date:%d.%m.%Y}",
            deadline=due.due,
        )
        for pk in sorted(active):
            _end_permit(
                pk,
                "revoke",
                actor=actor,
                ended_on=revoked_on,
                reason=_("Revoked: %(r)s") % {"r": revocation.number},
                details={"revocation": revocation.number},
            )
        messages = outbox.publish(EVENT_REVOKED, revocation_payload(revocation), clients=police_clients())
        if messages:
            revocation.outbox_event_id = messages[0].event_id
            revocation.save(update_fields=["outbox_event_id"])
        _render("render_revocation", revocation.pk)
    return revocation


def police_clients():
    from casework.models import ApiClient

    return ApiClient.objects.filter(kind=ApiClient.Kind.POLICE_LIAISON, is_active=True)


def revocation_payload(rev: Revocation) -> dict:
    """Annex 9 as data: the immigrant, passport, permit number, issue date, expiry, IIN, and the leave-by date."""
    permit, holder = rev.permit, rev.permit.holder
    return {
        "number": rev.number,
        "revoked_on": rev.revoked_on.isoformat(),
        "leave_by": rev.leave_by.isoformat(),
        "ground": rev.ground,
        "act": {"number": rev.act_number, "date": rev.act_date.isoformat(), "body": rev.act_body},
        "provider": {"unit": rev.unit.code, "name": rev.unit.name_ru},
        "police_body": rev.police_body,
        "immigrant": {
            "surname": holder.surname,
            "given_name": holder.given_name,
            "patronymic": holder.patronymic,
            "passport_number": holder.passport_number,
            "passport_issued_on": holder.passport_issued_on.isoformat() if holder.passport_issued_on else None,
            "citizenship": holder.citizenship,
            "iin": holder.iin or None,
        },
        "permit": {
            "number": permit.number,
            "issued_on": permit.issued_on.isoformat(),
            "valid_to": permit.valid_to.isoformat(),
        },
    }


def confirm_revocation_delivery(rev_id: int, *, channel: str, actor: Actor, at: datetime | None = None) -> Revocation:
    return run_transition(
        Revocation,
        rev_id,
        "confirm_delivery",
        actor=actor,
        channel=channel,
        at=at or timezone.now(),
        reason=_("Annex 9 information delivered (%(c)s).") % {"c": channel},
    )


def deliver_revocation_information() -> dict:
    """004 §39: make sure every pending revocation reaches internal affairs. A revocation whose webhook to a
    liaison was acknowledged is delivered; one never published (no liaison subscribed then) is published now.
    The feed (``GET /api/v1/revocations/``) delivers too, when a liaison reads it."""
    from casework import outbox

    counts = {"delivered": 0, "published": 0}
    for rev in Revocation.objects.filter(status=RevocationStatus.PENDING_DELIVERY).select_related(
        "permit__holder", "unit"
    ):
        if (
            rev.outbox_event_id
            and OutboxMessage.objects.filter(
                event_id=rev.outbox_event_id, status=OutboxMessage.Status.DELIVERED
            ).exists()
        ):
            confirm_revocation_delivery(rev.pk, channel="webhook", actor=Actor.job("deliver_revocation_information"))
            counts["delivered"] += 1
        elif not rev.outbox_event_id or not OutboxMessage.objects.filter(event_id=rev.outbox_event_id).exists():
            with transaction.atomic():
                messages = outbox.publish(EVENT_REVOKED, revocation_payload(rev), clients=police_clients())
                if messages:
                    Revocation.objects.filter(pk=rev.pk).update(outbox_event_id=messages[0].event_id)
                    counts["published"] += 1
    return counts


def revocations_read_by_liaison(revocations, api_client) -> int:
    """The liaison fetched these through the feed: the information has reached internal affairs (004 §39)."""
    from casework.models import ApiClient

    if api_client is None or api_client.kind != ApiClient.Kind.POLICE_LIAISON:
        return 0
    count = 0
    for rev in revocations:
        if rev.status == RevocationStatus.PENDING_DELIVERY:
            try:
                confirm_revocation_delivery(rev.pk, channel="feed", actor=Actor.client(api_client))
                count += 1
            except NotAllowedInState:
                pass  # delivered meanwhile by another read or the job
    return count


# --------------------------------------------------------------------------------------------------
# Reminders and the deadline watch
# --------------------------------------------------------------------------------------------------


def send_extension_reminders(today: date | None = None) -> int:
    """Remind holders on the day the extension window opens (30 days before expiry) and 2 days before it closes
    (004 §24). A permit already extended, or whose chain has reached 12 months (004 §26), gets the same
    reminders worded for a new permit. Idempotent: one reminder of each kind per permit."""
    from casework import outbox

    today = today or timezone.localdate()
    sent = 0
    horizon = rules.add_months(today, 2)
    for permit in Permit.objects.filter(
        status=PermitStatus.ACTIVE, valid_to__gte=today, valid_to__lte=horizon, extensions__isnull=True
    ):
        reg = rules.regulation_on(today)
        first, last = rules.extension_window(permit.valid_to, reg)
        for kind, day in rules.reminder_dates(permit.valid_to, reg).items():
            if not day <= today <= last:
                continue
            with transaction.atomic():
                _reminder, created = PermitReminder.objects.get_or_create(
                    permit=permit, kind=kind, defaults={"sent_on": today}
                )
                if not created:
                    continue
                outbox.publish(
                    EVENT_REMINDER,
                    {
                        "number": permit.number,
                        "kind": kind,
                        "valid_to": permit.valid_to.isoformat(),
                        "window_from": first.isoformat(),
                        "window_to": last.isoformat(),
                        "new_permit": permit.chain_months >= reg.max_term_months,
                        "at": timezone.now().isoformat(timespec="seconds"),
                    },
                )
                sent += 1
    return sent


def watch_deadlines(today: date | None = None) -> int:
    """Flag once, in the case's history, every open application (labour-immigrant or foreign-labour permit) or
    revocation whose step deadline passed."""
    today = today or timezone.localdate()
    flagged = 0
    for model in (Application, Revocation, ForeignLabourPermitApplication):
        overdue = model.objects.filter(
            status__in=model.OPEN_STATES, step_deadline__lt=today, deadline_missed_on__isnull=True
        )
        for pk in list(overdue.values_list("pk", flat=True)):
            with transaction.atomic():
                case = model.objects.select_for_update().get(pk=pk)
                if case.deadline_missed_on or case.status not in model.OPEN_STATES:
                    continue
                case.deadline_missed_on = today
                case.save(update_fields=["deadline_missed_on", "updated_at"])
                record_history(
                    case,
                    transition="deadline_missed",
                    from_state=case.status,
                    to_state=case.status,
                    actor=Actor.job("watch_deadlines"),
                    deadline=case.step_deadline,
                    deadline_breached=True,
                    reason=_("The step '%(s)s' was due on %(d)s.")
                    % {"s": case.step_name, "d": f"{case.step_deadline:%d.%m.%Y}"},
                )
                flagged += 1
    return flagged


def case_type(model) -> ContentType:
    return ContentType.objects.get_for_model(model)
