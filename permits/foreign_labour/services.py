"""The only code that changes foreign-labour permit applications, permits, the Commission's protocols, fee
payments and the service journal (seed 000). Status changes go through casework.services.run_transition;
step deadlines through casework.deadlines (working days from workcalendar); quota counters through
permits.quota; documents are rendered after commit (permits.foreign_labour.documents); the employer is told
through casework.notifications by a Celery task after commit.

Every service takes the moment it acts (``at``) or the day (``on``), defaulting to now / today, so the
flows can be replayed with the dates that matter (tests, imports of paper cases).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from casework import deadlines
from casework.actors import Actor
from casework.documents import attach, attach_many, validate_document
from casework.exceptions import CaseNotFound, NotAllowedInState, RuleViolation, TransitionConflict
from casework.models import Channel, NumberSequence, Organisation, TerritorialUnit
from casework.services import record_history, run_transition
from workcalendar import services as workcalendar

from .. import quota as quotas
from .. import signatures
from ..models import Quota
from ..services import person_from, unit_by_code
from . import rules
from .models import (
    AgendaItem,
    CommissionMeeting,
    CommissionMember,
    EmployerNotice,
    FeePayment,
    FLPermitStatus,
    FLPStatus,
    ForeignLabourPermit,
    ForeignLabourPermitApplication,
    RequestedWorker,
    ServiceJournalEntry,
)

Application = ForeignLabourPermitApplication
Permit = ForeignLabourPermit

PERMIT_PREFIX = "FLPM"
PROTOCOL_PREFIX = "FLPC"
JOURNAL_PREFIX = "FLPJ"
CHANNELS = (Channel.OFFICE, Channel.PORTAL, Channel.WEB_FORM)  # 000 §1: the office and the portal

# Events the employer is told about (casework.notifications), one message each per application.
NOTICE_LETTER = "letter"
NOTICE_ISSUED = "issued"
NOTICE_REFUSED = "refused"
NOTICE_FEE_LAPSED = "fee_lapsed"
NOTICE_FEE_REJECTED = "fee_rejected"


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _day(at: datetime) -> date:
    return timezone.localtime(at).date()


def _number(prefix: str, day: date) -> str:
    return NumberSequence.next_number(prefix, day.year)


def _after_commit(func, *args) -> None:
    transaction.on_commit(lambda: func(*args), robust=True)


def _render(name: str, *args) -> None:
    """Ask for a document in the service's transaction: casework.pdf.schedule_documents records the request with
    the change and renders after commit, so a PDF failure never undoes the decision and a render lost with the
    broker down is done by the render sweep."""
    from . import documents

    getattr(documents, name)(*args)


def _tell_employer(app_id: int, event: str) -> None:
    from ..tasks import notify_foreign_labour_employer

    _after_commit(notify_foreign_labour_employer.delay, app_id, event)


# --------------------------------------------------------------------------------------------------
# Parties
# --------------------------------------------------------------------------------------------------


def employer_from(data: dict) -> Organisation:
    """000 §1: the employer — a legal entity by BIN, or an individual entrepreneur by IIN."""
    bin_, iin = (data.get("bin") or "").strip(), (data.get("iin") or "").strip()
    if not bin_ and not iin:
        raise rules.violation(
            rules.EMPLOYER_IDENTIFIER_REQUIRED,
            _("The employer is identified by its BIN (legal entity) or IIN (individual entrepreneur)."),
            "employer.bin",
        )
    if bin_:
        kind, lookup = Organisation.Kind.LEGAL_ENTITY, {"bin": bin_}
    else:
        kind, lookup = Organisation.Kind.ENTREPRENEUR, {"iin": iin, "kind": Organisation.Kind.ENTREPRENEUR}
    org = Organisation.objects.filter(**lookup).order_by("pk").first() or Organisation(**{"kind": kind, **lookup})
    org.name = data.get("name") or org.name or (bin_ or iin)
    for attr in ("address", "phone", "email"):
        if data.get(attr):
            setattr(org, attr, data[attr])
    org.full_clean()
    org.save()
    return org


def employer_identifier(data: dict) -> str:
    return (data.get("bin") or data.get("iin") or "").strip()


def permit_by_number(number: str, field: str = "permit_number") -> Permit:
    permit = Permit.objects.select_related("employer", "unit").filter(number=number).first()
    if permit is None:
        raise rules.violation(rules.PERMIT_NOT_FOUND, _("No foreign-labour permit %(n)s.") % {"n": number}, field)
    return permit


# --------------------------------------------------------------------------------------------------
# Registration (000 §5(1), §8(1): the office registers, gives the tear-off receipt — 20 minutes)
# --------------------------------------------------------------------------------------------------


@dataclass
class ForeignLabourApplicationInput:
    """What an employer files, whatever the channel (API, public form, office).

    ``workers`` (ordinary issue): [{"profession", "qualification_category", "count", "territory": KATO code}].
    ``transferees`` (intra-corporate issue): [{"person": {identity fields of API.md}, "profession",
    "qualification_category", "territory"}]. Re-issue / extension name the ``permit_number``; a re-issue may
    carry ``changes`` (``employer_name``) and new ``workers`` / ``transferees`` lists, which replace the
    permit's. ``documents``: [{"type", "filename", "content": bytes}]. ``signature`` / ``signed_body``: the
    portal's EDS over the request (000 §9).
    """

    kind: str
    unit: TerritorialUnit
    employer: dict
    channel: str
    intra_corporate: bool = False
    term_months: int | None = None
    workers: list[dict] = field(default_factory=list)
    transferees: list[dict] = field(default_factory=list)
    sending_company: str = ""
    permit_number: str = ""
    reissue_reason: str = ""
    changes: dict = field(default_factory=dict)
    documents: list[dict] = field(default_factory=list)
    signature: dict | None = None
    signed_body: dict | None = None
    received_at: datetime | None = None
    registered_at: datetime | None = None  # the office: when the receipt was given (default: now)


def _territory(code: str, unit: TerritorialUnit, field_name: str) -> TerritorialUnit:
    territory = unit if not code or code == unit.code else unit_by_code(code, field_name)
    if not unit.contains(territory):
        raise rules.violation(
            rules.TERRITORY_OUTSIDE_UNIT,
            _("The place of work %(t)s lies outside %(u)s, the unit the permit is asked for.")
            % {"t": territory, "u": unit},
            field_name,
        )
    return territory


def _check_lines(data: ForeignLabourApplicationInput) -> list[tuple[dict, TerritorialUnit]]:
    """The requested workers (ordinary) or named transferees (intra-corporate), their territories checked."""
    lines = []
    if data.intra_corporate:
        if data.workers:
            raise rules.violation(
                rules.TRANSFEREES_ONLY,
                _("An intra-corporate transfer names its transferees; give them in 'transferees'."),
                "workers",
            )
        for i, item in enumerate(data.transferees):
            lines.append((item, _territory(item.get("territory") or "", data.unit, f"transferees.{i}.territory")))
        if data.kind == rules.ISSUE and not lines:
            raise rules.violation(
                rules.TRANSFEREES_REQUIRED,
                _("An intra-corporate transfer names at least one transferee."),
                "transferees",
            )
    else:
        if data.transferees:
            raise rules.violation(
                rules.TRANSFEREES_ONLY,
                _("Named transferees belong to an intra-corporate transfer (intra_corporate: true)."),
                "transferees",
            )
        for i, item in enumerate(data.workers):
            lines.append((item, _territory(item.get("territory") or "", data.unit, f"workers.{i}.territory")))
        if data.kind == rules.ISSUE and not lines:
            raise rules.violation(
                rules.WORKERS_REQUIRED,
                _("Give the foreign workers asked for: profession, qualification category, number, territory."),
                "workers",
            )
    return lines


def _workers_total(lines) -> int:
    return sum(int(item.get("count") or 1) for item, _t in lines)


def _check_follow_up_permit(data: ForeignLabourApplicationInput, filed_on: date) -> Permit:
    permit = permit_by_number(data.permit_number)
    if permit.status != FLPermitStatus.ACTIVE or permit.valid_to < filed_on:
        raise rules.violation(
            rules.PERMIT_NOT_ACTIVE, _("The permit %(n)s is not in force.") % {"n": permit.number}, "permit_number"
        )
    if permit.employer.identifier != employer_identifier(data.employer):
        raise rules.violation(
            rules.PERMIT_OF_ANOTHER_EMPLOYER,
            _("The permit %(n)s was issued to another employer.") % {"n": permit.number},
            "permit_number",
        )
    if permit.intra_corporate != bool(data.intra_corporate):
        raise rules.violation(
            rules.PERMIT_KIND_MISMATCH,
            _("The permit %(n)s is %(k)s; re-issue or extend it as such (intra_corporate: %(v)s).")
            % {
                "n": permit.number,
                "k": _("an intra-corporate transfer permit") if permit.intra_corporate else _("an ordinary permit"),
                "v": "true" if permit.intra_corporate else "false",
            },
            "intra_corporate",
        )
    if permit.follow_up_applications.filter(status__in=Application.OPEN_STATES).exists():
        raise NotAllowedInState(
            _("An application on the permit %(n)s is already under way.") % {"n": permit.number},
            code="application_in_progress",
        )
    return permit


def submit_foreign_labour_application(
    data: ForeignLabourApplicationInput, *, actor: Actor, api_client=None
) -> tuple[ForeignLabourPermitApplication, str]:
    """File and register an employer's application (000 §5(1)): number ``FLP-YYYY-NNNNNN``, the tear-off
    receipt (kk/ru PDF), the check step with its deadline, the expected result date.

    The one entry point for every channel — the portal API (EDS-signed, 000 §9), the public web form and the
    office. Raises ``RuleViolation`` (422, a stable ``code``; nothing is created) for each rule the request
    breaks, ``InvalidDocument`` (400) for an unacceptable file, ``NotAllowedInState`` (409) when another
    application on the same permit is under way. Returns the registered application (status ``under_check``)
    and its access code (shown once to the applicant, only its hash is kept; as certificates.services
    .submit_application): every channel can follow the application by number and code.
    """
    received_at = _now(data.received_at)
    filed_on = _day(received_at)
    # The version in force on the registration date governs the application to the end (casework.regulations).
    reg = rules.regulation_on(workcalendar.registration_date(received_at))
    if data.kind not in rules.KINDS:
        raise rules.violation("invalid_kind", _("Unknown kind of application."), "kind")
    if data.channel not in CHANNELS:
        raise rules.violation(
            rules.CHANNEL_NOT_AVAILABLE,
            _("This service takes applications at the provider's office and through the portal (000 §1)."),
            "channel",
        )
    if data.unit.level != TerritorialUnit.Level.REGION:
        raise rules.violation(
            rules.UNIT_NOT_A_REGION,
            _("The permits are issued by the region's employment coordination department (000 §1)."),
            "unit",
        )
    flow = rules.flow(data.kind, data.intra_corporate, reg)
    if not employer_identifier(data.employer):
        employer_from(data.employer)  # raises employer_identifier_required
    for i, doc in enumerate(data.documents):
        validate_document(doc["type"], doc.get("filename", ""), doc["content"], field=f"documents.{i}")

    lines = _check_lines(data)
    current_permit = None
    if data.kind == rules.ISSUE:
        rules.check_term(data.term_months, data.intra_corporate, reg)
        units = _workers_total(lines)
        if not (data.intra_corporate and not reg.quota_counts_transfers):
            quota = quotas.quota_for(data.unit, filed_on, Quota.Purpose.FOREIGN_LABOUR)
            if quota is not None and quota.free < units:  # ruling (rules.Regulation): counted when allocated
                raise rules.violation(
                    rules.QUOTA_EXHAUSTED,
                    _("The foreign-labour quota of %(u)s has %(free)s free places; %(n)s were asked.")
                    % {"u": data.unit, "free": quota.free, "n": units},
                    "workers",
                )
    else:
        if not data.permit_number:
            raise rules.violation(rules.PERMIT_NOT_FOUND, _("Name the permit to re-issue or extend."), "permit_number")
        current_permit = _check_follow_up_permit(data, filed_on)
        if data.kind == rules.EXTEND:
            rules.check_term(data.term_months, data.intra_corporate, reg, extension=True)
    missing = rules.missing_documents(data.kind, data.intra_corporate, [d["type"] for d in data.documents])
    if missing:
        names = "; ".join(" | ".join(str(rules.DOCUMENT_TYPES[t]) for t in m.split("|")) for m in missing)
        raise RuleViolation(
            _("The package of documents is incomplete: %(m)s.") % {"m": names},
            code="documents_incomplete",
            invalid_params=[{"name": "documents", "code": "documents_incomplete", "reason": names}],
        )
    signed = {}
    if data.channel == Channel.PORTAL:  # 000 §9(5)–(7)
        signed = signatures.verify_applicant_signature(
            data.signed_body or {}, data.signature, applicant_id=employer_identifier(data.employer)
        )

    registered_at = max(_now(data.registered_at), received_at)
    registered_on = workcalendar.registration_date(received_at)
    with transaction.atomic():
        app = Application(
            number=_number(Application.NUMBER_PREFIX, registered_on),
            kind=data.kind,
            intra_corporate=bool(data.intra_corporate),
            channel=data.channel,
            regulation_version=reg.version,
            unit=data.unit,
            received_at=received_at,
            registered_on=registered_on,
            registered_at=registered_at,
            employer=employer_from(data.employer),
            term_months=data.term_months if data.kind != rules.REISSUE else None,
            sending_company=data.sending_company,
            current_permit=current_permit,
            reissue_reason=data.reissue_reason,
            changes=data.changes or {},
            signed_payload=data.signed_body if signed else None,
            signer_id=signed.get("signer_id", ""),
            signature=signed,
            submitted_by=api_client,
        )
        deadlines.set_step(app, "check", registered_on, flow.check_working_days, event=_("registration"))
        deadlines.set_due(app, registered_on, flow.total_working_days)
        access_code = app.issue_access_code()
        app.save()
        for item, territory in lines:
            RequestedWorker.objects.create(
                application=app,
                profession=item["profession"],
                qualification_category=item["qualification_category"],
                count=1 if data.intra_corporate else int(item.get("count") or 1),
                territory=territory,
                transferee=person_from(item["person"]) if data.intra_corporate else None,
            )
        attach_many(
            app,
            [
                (doc["type"], doc.get("filename", ""), doc["content"], f"documents.{i}")
                for i, doc in enumerate(data.documents)
            ],
            uploaded_by=actor.label,
        )
        minutes = app.registration_minutes
        record_history(
            app,
            transition="register",
            from_state="",
            to_state=app.status,
            actor=actor,
            reason=_("Registered, tear-off receipt given (000 §5(1)); check within %(n)s working days.")
            % {"n": flow.check_working_days},
            deadline=app.step_deadline,
            details={
                "received_at": received_at.isoformat(),
                "registered_at": registered_at.isoformat(),
                "registration_minutes": minutes,
                "registration_in_time": minutes <= flow.registration_minutes,
                "signer_id": app.signer_id,
            },
        )
        _render("render_receipt", app.pk)
    return app, access_code


# --------------------------------------------------------------------------------------------------
# The officer's check and review (000 §8(2); re-issue, extension: "check and review")
# --------------------------------------------------------------------------------------------------


def complete_check(
    app_id: int, *, actor: Actor, on: date | None = None, at: datetime | None = None, expected_version=None
) -> Application:
    """The documents comply: issue → refer to the Commission (4 WD); ordinary extension → the letter (1 WD);
    re-issue and intra-corporate re-issue / extension → the head's signature (15 min)."""
    at = _now(at)
    on = on or _day(at)
    app = Application.objects.filter(pk=app_id).first()
    if app is None:
        raise CaseNotFound()
    if app.flow.needs_commission:
        name, kwargs = "refer_to_commission", {"on": on}
        reason = _("Documents comply with the law; referred to the Commission (000 §8(2)).")
    elif app.flow.needs_letter:
        name, kwargs = "approve_for_letter", {"on": on}
        reason = _("Check and review complete (000 §5); the employer is to be notified by letter.")
    else:
        name = "approve_for_signature"
        kwargs = {"on": on, "at": at, "due_at": rules.minutes_after(at, app.flow.signature_minutes)}
        reason = _("Check and review complete (000 §5); to the head's signature.")
    return run_transition(
        Application, app_id, name, actor=actor, reason=reason, expected_version=expected_version, **kwargs
    )


# --------------------------------------------------------------------------------------------------
# The Commission (000 §7(3), §8(3)): meetings, the agenda, the protocol
# --------------------------------------------------------------------------------------------------


def schedule_meeting(*, unit: TerritorialUnit, held_on: date, place: str = "", actor: Actor) -> CommissionMeeting:
    with transaction.atomic():
        return CommissionMeeting.objects.create(
            number=_number(PROTOCOL_PREFIX, held_on), unit=unit, held_on=held_on, place=place
        )


def put_on_agenda(meeting_id: int, app_id: int, *, actor: Actor) -> AgendaItem:
    """An application referred to the Commission goes on a planned meeting's agenda (once)."""
    with transaction.atomic():
        meeting = CommissionMeeting.objects.select_for_update().get(pk=meeting_id)
        app = Application.objects.get(pk=app_id)
        if meeting.status != CommissionMeeting.Status.PLANNED:
            raise NotAllowedInState(
                _("The protocol of this meeting is already recorded."), code=rules.PROTOCOL_ALREADY_RECORDED
            )
        if app.status != FLPStatus.REFERRED:
            raise NotAllowedInState(
                _("Only an application referred to the Commission goes on its agenda (it is '%(s)s').")
                % {"s": app.get_status_display()},
                code="not_referred",
            )
        if AgendaItem.objects.filter(application=app, meeting__status=CommissionMeeting.Status.PLANNED).exists():
            raise NotAllowedInState(_("The application is already on an agenda."), code=rules.ALREADY_ON_AGENDA)
        position = meeting.agenda.count() + 1
        return AgendaItem.objects.create(meeting=meeting, application=app, position=position)


@dataclass
class Decision:
    decision: str  # AgendaItem.Decision.APPROVE / REFUSE
    reasons: str = ""


def record_protocol(
    meeting_id: int,
    *,
    decisions: dict[int, Decision],
    members_present: list[int],
    actor: Actor,
    at: datetime | None = None,
) -> CommissionMeeting:
    """000 §8(3): the Commission reviews the referred applications and writes the protocol — each decision with
    its reasons. All or nothing: every agenda item is decided, a refusal gives its reasons. Approved ordinary
    applications go to the letter (1 WD), approved transfers to the head's signature; refusals are motivated
    refusals citing the protocol. ``decisions``: {application id: Decision}."""
    at = _now(at)
    on = _day(at)
    with transaction.atomic():
        meeting = CommissionMeeting.objects.select_for_update().get(pk=meeting_id)
        if meeting.status != CommissionMeeting.Status.PLANNED:
            raise NotAllowedInState(
                _("The protocol of this meeting is already recorded."), code=rules.PROTOCOL_ALREADY_RECORDED
            )
        members = list(CommissionMember.objects.filter(pk__in=members_present, is_active=True))
        if not members:
            raise rules.violation(
                rules.MEMBERS_REQUIRED, _("Name the members present at the meeting."), "members_present"
            )
        items = list(meeting.agenda.select_related("application"))
        if not items:
            raise rules.violation(rules.NOT_ON_AGENDA, _("The agenda is empty."), "decisions")
        for item in items:
            decision = decisions.get(item.application_id)
            if decision is None or decision.decision not in (AgendaItem.Decision.APPROVE, AgendaItem.Decision.REFUSE):
                raise rules.violation(
                    rules.DECISION_MISSING,
                    _("Record the Commission's decision on %(n)s.") % {"n": item.application.number},
                    f"decisions.{item.application.number}",
                )
            if decision.decision == AgendaItem.Decision.REFUSE and not decision.reasons.strip():
                raise rules.violation(
                    rules.REFUSAL_REASON_REQUIRED,
                    _("A refusal states its reasons (000 §3): %(n)s.") % {"n": item.application.number},
                    f"decisions.{item.application.number}",
                )
        unknown = set(decisions) - {item.application_id for item in items}
        if unknown:
            raise rules.violation(
                rules.NOT_ON_AGENDA, _("A decision was given for an application not on the agenda."), "decisions"
            )
        for item in items:
            decision = decisions[item.application_id]
            item.decision, item.reasons = decision.decision, decision.reasons.strip()
            item.save(update_fields=["decision", "reasons"])
            app = item.application
            protocol = _("Commission protocol %(p)s of %(d)s") % {
                "p": meeting.number,
                "d": f"{meeting.held_on:%d.%m.%Y}",
            }
            if decision.decision == AgendaItem.Decision.APPROVE:
                if app.flow.needs_letter:
                    run_transition(
                        Application,
                        app.pk,
                        "commission_approves",
                        actor=actor,
                        on=on,
                        reason=f"{protocol}: {item.reasons or _('issue the permit')}",
                        details={"protocol": meeting.number},
                    )
                else:
                    run_transition(
                        Application,
                        app.pk,
                        "commission_approves_transfer",
                        actor=actor,
                        on=on,
                        at=at,
                        due_at=rules.minutes_after(at, app.flow.signature_minutes),
                        reason=f"{protocol}: {item.reasons or _('issue the permit')}",
                        details={"protocol": meeting.number},
                    )
            else:
                _refuse(
                    app.pk,
                    reason=f"{protocol}: {item.reasons}",
                    actor=actor,
                    on=on,
                    details={"protocol": meeting.number},
                )
        meeting.members_present.set(members)
        meeting.status = CommissionMeeting.Status.HELD
        meeting.protocol_recorded_at = at
        meeting.protocol_recorded_by = actor.label[:150]
        meeting.version += 1
        meeting.save()
        _render("render_protocol", meeting.pk)
    return meeting


# --------------------------------------------------------------------------------------------------
# The letter (000 §8(4)) and the fee (000 §5: copies of the payment within 10 WD of the letter)
# --------------------------------------------------------------------------------------------------


def send_letter(app_id: int, *, actor: Actor, on: date | None = None, expected_version=None) -> Application:
    """The officer notifies the employer by letter (1 WD after the protocol / the review). From the letter: the
    fee payment's copies within 10 WD, the issue within 11 WD (000 §5)."""
    on = on or timezone.localdate()
    app = Application.objects.filter(pk=app_id).first()
    if app is None:
        raise CaseNotFound()
    flow = app.flow
    fee_due = rules.step_deadline(on, flow.fee_working_days or 0, event=_("letter to the employer"))
    with transaction.atomic():
        app = run_transition(
            Application,
            app_id,
            "send_letter",
            actor=actor,
            on=on,
            fee_due=fee_due,
            expected_version=expected_version,
            reason=_("Letter sent; the fee payment is due by %(f)s, the issue by the %(n)s-th working day (000 §5).")
            % {"f": f"{fee_due.due:%d.%m.%Y}", "n": flow.issue_working_days},
            details={"fee_due_on": fee_due.due.isoformat(), "fee_due_explanation": fee_due.explanation},
        )
        _render("render_letter", app.pk)
        _tell_employer(app.pk, NOTICE_LETTER)
    return app


def submit_fee_proof(
    app_id: int,
    *,
    filename: str,
    content: bytes,
    channel: str,
    actor: Actor,
    amount=None,
    paid_on: date | None = None,
    payment_reference: str = "",
    at: datetime | None = None,
    expected_version: int | None = None,
) -> FeePayment:
    """The employer's copy of the fee payment (API, public form, or at the office). Accepted while the
    application awaits the fee and not after the 10th working day from the letter (``fee_window_closed``);
    a clerk then confirms it (``confirm_fee``). The status does not change here."""
    from casework.exceptions import StaleVersion

    at = _now(at)
    validate_document("fee_payment_proof", filename, content, field="document")
    with transaction.atomic():
        app = Application.objects.select_for_update().filter(pk=app_id).first()
        if app is None:
            raise CaseNotFound()
        if expected_version is not None and app.version != expected_version:
            raise StaleVersion()
        if app.status != FLPStatus.AWAITING_FEE:
            raise NotAllowedInState(
                _("The application %(n)s does not await a fee payment (it is '%(s)s').")
                % {"n": app.number, "s": app.get_status_display()},
                code=rules.NOT_AWAITING_FEE,
            )
        if _day(at) > app.fee_due_on:
            raise rules.violation(
                rules.FEE_WINDOW_CLOSED,
                _("The fee payment was due by %(d)s, within 10 working days of the letter (000 §5).")
                % {"d": f"{app.fee_due_on:%d.%m.%Y}"},
                "document",
            )
        attachment = attach(app, "fee_payment_proof", filename, content, uploaded_by=actor.label, field="document")
        payment = FeePayment.objects.create(
            application=app,
            attachment=attachment,
            amount=amount,
            paid_on=paid_on,
            payment_reference=payment_reference,
            channel=channel,
            submitted_at=at,
            submitted_by=actor.label[:150],
        )
        record_history(
            app,
            transition="fee_proof_submitted",
            from_state=app.status,
            to_state=app.status,
            actor=actor,
            reason=_("Copy of the fee payment received (%(c)s).") % {"c": channel},
            deadline=app.fee_due_on,
            details={"fee_payment": payment.pk, "amount": str(amount) if amount is not None else None},
        )
    return payment


def confirm_fee(payment_id: int, *, actor: Actor, at: datetime | None = None) -> Application:
    """A clerk confirms the payment: the application goes to the head's signature (15 min)."""
    at = _now(at)
    with transaction.atomic():
        payment = FeePayment.objects.select_for_update(of=("self",)).select_related("application").get(pk=payment_id)
        if payment.status != FeePayment.Status.SUBMITTED:
            raise NotAllowedInState(
                _("This fee payment is already %(s)s.") % {"s": payment.get_status_display()},
                code=rules.FEE_PROOF_NOT_PENDING,
            )
        FeePayment.objects.filter(pk=payment.pk).update(
            status=FeePayment.Status.CONFIRMED, reviewed_at=at, reviewed_by=actor.label[:150]
        )
        app = payment.application
        return run_transition(
            Application,
            app.pk,
            "fee_paid",
            actor=actor,
            on=_day(at),
            at=at,
            due_at=rules.minutes_after(at, app.flow.signature_minutes),
            reason=_("Fee payment confirmed; to the head's signature."),
            details={"fee_payment": payment.pk},
        )


def reject_fee(payment_id: int, *, reason: str, actor: Actor, at: datetime | None = None) -> FeePayment:
    """A clerk rejects a copy (wrong amount, unreadable...): the employer may send another within the term."""
    from casework.services import actor_may

    at = _now(at)
    if not reason.strip():
        raise rules.violation(rules.REFUSAL_REASON_REQUIRED, _("Say why the payment is rejected."), "reason")
    with transaction.atomic():
        payment = FeePayment.objects.select_for_update(of=("self",)).select_related("application").get(pk=payment_id)
        app = payment.application
        if not actor_may(app, "fee_paid", actor):
            from casework.exceptions import NotPermitted

            raise NotPermitted()
        if payment.status != FeePayment.Status.SUBMITTED:
            raise NotAllowedInState(
                _("This fee payment is already %(s)s.") % {"s": payment.get_status_display()},
                code=rules.FEE_PROOF_NOT_PENDING,
            )
        FeePayment.objects.filter(pk=payment.pk).update(
            status=FeePayment.Status.REJECTED, reviewed_at=at, reviewed_by=actor.label[:150], rejection_reason=reason
        )
        record_history(
            app,
            transition="fee_proof_rejected",
            from_state=app.status,
            to_state=app.status,
            actor=actor,
            reason=reason,
            deadline=app.fee_due_on,
            details={"fee_payment": payment.pk},
        )
        _tell_employer(app.pk, NOTICE_FEE_REJECTED)
    return FeePayment.objects.get(pk=payment_id)


def lapse_unpaid_applications(today: date | None = None) -> int:
    """DOMAIN.md §5 ruling: no copy of the fee payment within 10 WD of the letter → ``fee_lapsed``, no permit,
    the employer is told. A copy received in time and still awaiting the clerk keeps the application.
    Idempotent: a lapsed application is no longer awaiting the fee, so a second run lapses nothing."""
    today = today or timezone.localdate()
    job = Actor.job("lapse_unpaid_foreign_labour_applications")
    candidates = Application.objects.filter(status=FLPStatus.AWAITING_FEE, fee_due_on__lt=today).values_list(
        "pk", "fee_due_on"
    )
    count = 0
    for pk, due in list(candidates):
        in_time = FeePayment.objects.filter(
            application_id=pk, status__in=(FeePayment.Status.SUBMITTED, FeePayment.Status.CONFIRMED)
        )
        if any(_day(p.submitted_at) <= due for p in in_time):
            continue
        try:
            with transaction.atomic():
                run_transition(
                    Application,
                    pk,
                    "lapse",
                    actor=job,
                    expected_state=FLPStatus.AWAITING_FEE,
                    on=today,
                    reason=_("No copy of the fee payment by %(d)s, 10 working days after the letter (000 §5).")
                    % {"d": f"{due:%d.%m.%Y}"},
                )
                _tell_employer(pk, NOTICE_FEE_LAPSED)
        except (NotAllowedInState, TransitionConflict, CaseNotFound):
            continue  # lapsed or paid meanwhile (another run, a clerk): nothing to do
        count += 1
    return count


# --------------------------------------------------------------------------------------------------
# The head's signature (000 §8(5): 15 minutes) and the issue against signature (000 §8(6))
# --------------------------------------------------------------------------------------------------


def _lines_of(app: Application) -> list[dict]:
    return [w.as_dict() for w in app.workers.select_related("territory", "transferee")]


def sign_permit(app_id: int, *, actor: Actor, at: datetime | None = None, expected_version=None) -> Application:
    """The head signs. Issue: the permit is created (numbered ``FLPM-YYYY-NNNNNN``, valid from the day of
    signing for the term asked; an ordinary permit takes its workers' places in the foreign-labour quota when
    one is allocated). Re-issue: the permit's document is replaced, its term kept. Extension: its term is
    lengthened. Either way a new permit document supersedes the previous one."""
    at = _now(at)
    today = _day(at)
    with transaction.atomic():
        app = Application.objects.select_for_update(of=("self",)).select_related("employer", "unit").get(pk=app_id)
        if app.status != FLPStatus.AWAITING_SIGNATURE:
            return run_transition(
                Application, app_id, "sign", actor=actor, at=at, by=actor.label, expected_version=expected_version
            )
        reg = app.regulation
        if app.kind == rules.ISSUE:
            lines = _lines_of(app)
            total = sum(line["count"] for line in lines)
            quota, units = None, 0
            if not (app.intra_corporate and not reg.quota_counts_transfers):
                if quotas.quota_for(app.unit, today, Quota.Purpose.FOREIGN_LABOUR) is not None:
                    quota = quotas.consume_free_unit(app.unit, today, Quota.Purpose.FOREIGN_LABOUR, units=total)
                    units = total
            valid_from, valid_to = rules.validity(today, app.term_months)
            permit = Permit.objects.create(
                number=_number(PERMIT_PREFIX, today),
                unit=app.unit,
                employer=app.employer,
                employer_name=app.employer.name,
                application=app,
                intra_corporate=app.intra_corporate,
                workers=lines,
                workers_total=total,
                term_months=app.term_months,
                valid_from=valid_from,
                valid_to=valid_to,
                issued_on=today,
                quota=quota,
                quota_units=units,
            )
            what = _("Permit %(n)s valid %(a)s–%(b)s") % {
                "n": permit.number,
                "a": f"{valid_from:%d.%m.%Y}",
                "b": f"{valid_to:%d.%m.%Y}",
            }
        else:
            permit = Permit.objects.select_for_update().get(pk=app.current_permit_id)
            if permit.status != FLPermitStatus.ACTIVE:
                raise NotAllowedInState(
                    _("The permit %(n)s is no longer in force.") % {"n": permit.number}, code=rules.PERMIT_NOT_ACTIVE
                )
            before = {"valid_to": permit.valid_to.isoformat(), "employer_name": permit.employer_name}
            if app.kind == rules.EXTEND:
                permit.valid_to = rules.extended_validity(permit.valid_to, app.term_months)
                permit.term_months += app.term_months
                permit.extensions += 1
            else:  # re-issue: the new data, the same term
                permit.employer_name = (app.changes or {}).get("employer_name") or app.employer.name
                lines = _lines_of(app)
                if lines:
                    permit.workers, permit.workers_total = lines, sum(line["count"] for line in lines)
                permit.reissues += 1
            permit.last_change = app.kind
            permit.version += 1
            permit.save()
            record_history(
                permit,
                transition=app.kind,
                from_state=permit.status,
                to_state=permit.status,
                actor=actor,
                reason=_("%(k)s on application %(a)s") % {"k": rules.KIND_LABELS[app.kind], "a": app.number},
                details={"before": before, "valid_to": permit.valid_to.isoformat(), "application": app.number},
            )
            what = _("Permit %(n)s %(k)s; valid to %(b)s") % {
                "n": permit.number,
                "k": rules.KIND_LABELS[app.kind],
                "b": f"{permit.valid_to:%d.%m.%Y}",
            }
        app = run_transition(
            Application,
            app_id,
            "sign",
            actor=actor,
            at=at,
            by=actor.label[:150],
            expected_version=expected_version,
            reason=what,
            details={
                "permit": permit.number,
                "signature_due_at": app.signature_due_at.isoformat() if app.signature_due_at else None,
                "signed_in_time": bool(app.signature_due_at and at <= app.signature_due_at),
            },
        )
        Application.objects.filter(pk=app_id).update(result_permit=permit)
        app.result_permit = permit
        _render("render_permit", permit.pk)
    return app


def issue_permit(
    app_id: int,
    *,
    collected_by: str,
    actor: Actor,
    collector_document: str = "",
    power_of_attorney: str = "",
    at: datetime | None = None,
    expected_version=None,
) -> Application:
    """000 §8(6): the office hands the signed permit to the employer against signature in the service journal
    (who collected, when, which document) and notifies the employer."""
    at = _now(at)
    if not (collected_by or "").strip():
        raise rules.violation(
            rules.COLLECTOR_REQUIRED,
            _("Who collected the permit signs the service journal (000 §6(6))."),
            "collected_by",
        )
    from casework.models.issued import DocumentKind
    from casework.pdf import latest_document

    with transaction.atomic():
        app = Application.objects.select_for_update(of=("self",)).select_related("result_permit", "unit").get(pk=app_id)
        if app.status != FLPStatus.SIGNED:
            return run_transition(Application, app_id, "issue", actor=actor, at=at, expected_version=expected_version)
        permit = app.result_permit
        document = latest_document(permit, DocumentKind.PERMIT)
        entry = ServiceJournalEntry.objects.create(
            number=_number(JOURNAL_PREFIX, _day(at)),
            unit=app.unit,
            application=app,
            permit=permit,
            document_number=document.number if document else permit.number,
            collected_by=collected_by.strip(),
            collector_document=collector_document,
            power_of_attorney=power_of_attorney,
            collected_at=at,
            recorded_by=actor.label[:150],
        )
        app = run_transition(
            Application,
            app_id,
            "issue",
            actor=actor,
            permit=permit,
            at=at,
            expected_version=expected_version,
            reason=_("Issued to %(w)s against signature in the service journal, entry %(e)s.")
            % {"w": entry.collected_by, "e": entry.number},
            details={"journal_entry": entry.number, "document_number": entry.document_number},
        )
        _render("render_journal_extract", entry.pk)
        _tell_employer(app.pk, NOTICE_ISSUED)
    return app


# --------------------------------------------------------------------------------------------------
# Refusal (000 §3: a motivated refusal, at any step)
# --------------------------------------------------------------------------------------------------


def _refuse(app_id: int, *, reason: str, actor: Actor, on: date, details: dict | None = None, expected_version=None):
    app = run_transition(
        Application,
        app_id,
        "refuse",
        actor=actor,
        reason=reason,
        grounds=reason,
        on=on,
        expected_version=expected_version,
        details=details,
    )
    _render("render_refusal", app.pk)
    _tell_employer(app.pk, NOTICE_REFUSED)
    return app


def refuse_application(
    app_id: int, *, reason: str, actor: Actor, on: date | None = None, expected_version=None
) -> Application:
    """A motivated refusal (000 §3) at the check, the Commission (through its protocol), before the letter,
    while the fee is awaited, or at the head's signature. The reasons are required and printed."""
    if not (reason or "").strip():
        raise rules.violation(rules.REFUSAL_REASON_REQUIRED, _("A refusal states its reasons (000 §3)."), "reason")
    with transaction.atomic():
        app = _refuse(
            app_id, reason=reason.strip(), actor=actor, on=on or timezone.localdate(), expected_version=expected_version
        )
    return app


# --------------------------------------------------------------------------------------------------
# The permit's lifecycle: active → expired | revoked. Each releases its quota places.
# --------------------------------------------------------------------------------------------------


def _end_permit(permit_id: int, transition_name: str, *, actor: Actor, ended_on: date, reason: str) -> Permit:
    # One transaction: the permit ends, its quota places are free and its documents stop certifying it together.
    with transaction.atomic():
        permit = run_transition(Permit, permit_id, transition_name, actor=actor, ended_on=ended_on, reason=reason)
        if permit.quota_id and Permit.objects.filter(pk=permit_id, quota_units__gt=0).update(quota_units=0):
            quotas.release_issued(permit.quota_id, units=permit.quota_units)
        _mark_documents(permit.pk, transition_name, reason)
    return permit


def _mark_documents(permit_id: int, transition_name: str, reason: str) -> None:
    from casework.models.issued import DocumentStatus
    from casework.pdf import set_document_status

    status = {"expire": DocumentStatus.EXPIRED, "revoke": DocumentStatus.REVOKED}[transition_name]
    set_document_status(Permit.objects.get(pk=permit_id), status, reason=reason)


def expire_permits(today: date | None = None) -> int:
    """Permits whose last valid day has passed become expired (idempotent)."""
    today = today or timezone.localdate()
    count = 0
    for pk, valid_to in list(
        Permit.objects.filter(status=FLPermitStatus.ACTIVE, valid_to__lt=today).values_list("pk", "valid_to")
    ):
        with transaction.atomic():
            if not Permit.objects.filter(pk=pk, status=FLPermitStatus.ACTIVE).exists():
                continue
            _end_permit(
                pk,
                "expire",
                actor=Actor.job("expire_permits"),
                ended_on=valid_to,
                reason=_("The term ended on %(d)s.") % {"d": f"{valid_to:%d.%m.%Y}"},
            )
            count += 1
    return count


def revoke_permit(permit_id: int, *, reason: str, actor: Actor, on: date | None = None) -> Permit:
    """Revocation of a permit in force (by the provider's decision, with its reasons)."""
    if not (reason or "").strip():
        raise rules.violation(rules.REFUSAL_REASON_REQUIRED, _("Give the reasons of the revocation."), "reason")
    with transaction.atomic():
        return _end_permit(permit_id, "revoke", actor=actor, ended_on=on or timezone.localdate(), reason=reason.strip())


# --------------------------------------------------------------------------------------------------
# Telling the employer (casework.notifications; called by a Celery task after commit)
# --------------------------------------------------------------------------------------------------


def notice_text(app: Application, event: str) -> tuple[str, str]:
    """The message in Kazakh and Russian (the languages the office writes in), whatever the worker's language."""
    from django.utils import translation

    permit = app.result_permit
    texts = {
        NOTICE_LETTER: gettext_noop(
            "Application %(n)s: a permit to attract foreign labour will be issued. Submit a copy of the fee "
            "payment by %(d)s (000 §5); without it the application lapses."
        ),
        NOTICE_ISSUED: gettext_noop("Application %(n)s: the permit %(p)s has been issued."),
        NOTICE_REFUSED: gettext_noop("Application %(n)s is refused: %(r)s"),
        NOTICE_FEE_LAPSED: gettext_noop(
            "Application %(n)s has lapsed: no copy of the fee payment was received by %(d)s (000 §5)."
        ),
        NOTICE_FEE_REJECTED: gettext_noop(
            "Application %(n)s: the copy of the fee payment was not accepted. Send another by %(d)s."
        ),
    }
    values = {
        "n": app.number,
        "d": f"{app.fee_due_on:%d.%m.%Y}" if app.fee_due_on else "—",
        "p": permit.number if permit else "—",
        "r": app.refusal_reason,
    }
    subjects, bodies = [], []
    for language in ("kk", "ru"):
        with translation.override(language):
            subjects.append(str(_("Permit to attract foreign labour")))
            bodies.append(_(texts[event]) % values)
    return " / ".join(subjects), "\n\n".join(bodies)


def notify_employer(app_id: int, event: str) -> str:
    """Send one message of this kind about this application (idempotent: never twice)."""
    from casework import notifications

    with transaction.atomic():
        app = Application.objects.select_related("employer", "result_permit").get(pk=app_id)
        notice, _created = EmployerNotice.objects.get_or_create(application=app, event=event)
        notice = EmployerNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.sent_at:
            return notice.reference
        employer = app.employer
        if employer.email:
            channel, to = notifications.EMAIL, employer.email
        elif employer.phone:
            channel, to = notifications.SMS, employer.phone
        else:
            channel, to = "", ""
        reference = ""
        if to:
            subject, body = notice_text(app, event)
            reference = notifications.send(
                notifications.Message(channel=channel, to=to, subject=subject, body=body, reference=app.number)
            )
        notice.reference = (reference or "no contact details")[:100]
        notice.sent_at = timezone.now()
        notice.save(update_fields=["reference", "sent_at"])
    return notice.reference
