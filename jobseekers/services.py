"""The only code that changes job-seeker and unemployed registrations (STYLE.md "services.py").

- ``register_job_seeker`` / ``register_unemployed``: a new application, numbered, registered on the day
  the calendar says, its first step and expected result date set, refused when the person already holds
  an open registration of that kind (a partial unique index makes that hold under concurrency too).
- ``advance`` / ``prepare_notice`` / ``decide`` / ``end_registration``: status changes, always through
  ``casework.services.run_transition``.
- ``on_transition`` (post_transition signal): closes the step's timing and opens the next, and schedules
  the documents and the notification after commit, whoever pressed the button (admin, API, job).
- ``steps_over_norm``: the report of steps that took longer than the regulation allows.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import deadlines, regulations
from casework.access import scope_to_unit
from casework.actors import Actor
from casework.documents import attach_many
from casework.exceptions import RuleViolation, ServiceError
from casework.models import Channel, NumberSequence, Person, TerritorialUnit
from casework.services import record_history, run_transition
from workcalendar import services as calendar

from . import rules
from .models import REFUSE, JobSeekerRegistration, PersonRegistration, StepTiming, UnemployedRegistration

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
    "phone",
    "email",
)


class InvalidApplicant(ServiceError):  # noqa: N818 - named for what happened, like casework.exceptions
    status_code = 400
    code = "invalid"
    title = _("The applicant's data are not acceptable")


class AlreadyRegistered(RuleViolation):  # noqa: N818
    code = "already_registered"


@dataclass(frozen=True)
class Registered:
    case: PersonRegistration
    access_code: str  # shown once to the applicant (public tracking); only its hash is stored


def _problems_to_error(problems: list[tuple[str, str, str]]) -> InvalidApplicant:
    params = [{"name": name, "code": code, "reason": reason} for name, code, reason in problems]
    detail = "; ".join(f"{p['name']}: {p['reason']}" for p in params)
    return InvalidApplicant(detail, invalid_params=params)


def _open_duplicate(model: type[PersonRegistration], iin: str, passport_key: str) -> PersonRegistration | None:
    match = Q()
    if iin:
        match |= Q(applicant_iin=iin)
    if passport_key:
        match |= Q(applicant_passport_key=passport_key)
    if not match:
        return None
    return model.objects.filter(match, status__in=model.ACTIVE_STATES).first()


def _already_registered(existing: PersonRegistration) -> AlreadyRegistered:
    label = existing._meta.verbose_name
    detail = _("This person already has an open %(what)s (%(number)s); end it before registering again.") % {
        "what": label,
        "number": existing.number,
    }
    return AlreadyRegistered(
        detail, invalid_params=[{"name": "applicant", "code": "already_registered", "reason": detail}]
    )


def _register(
    model: type[PersonRegistration],
    *,
    regulation: rules.Regulation,
    applicant: dict,
    residency: str,
    residence_document_number: str,
    unit: TerritorialUnit,
    channel: str,
    actor: Actor,
    received_at: datetime | None,
    documents: Iterable[dict],
    extra: dict,
) -> Registered:
    applicant = {k: v for k, v in applicant.items() if k in PERSON_FIELDS}
    for key in PERSON_FIELDS:
        if applicant.get(key) is None and key not in ("birth_date", "passport_issued_on"):
            applicant[key] = ""
    applicant["citizenship"] = (applicant.get("citizenship") or "").upper()
    problems = rules.applicant_problems(
        residency, applicant["citizenship"], applicant["iin"], residence_document_number or ""
    )
    if "notify_by" in extra:
        problems += rules.contact_problems(extra["notify_by"], applicant["phone"], applicant["email"])
    if problems:
        raise _problems_to_error(problems)
    if channel not in Channel.values:
        raise InvalidApplicant(
            _("Unknown channel."),
            invalid_params=[{"name": "channel", "code": "invalid_choice", "reason": _("Unknown channel.")}],
        )

    received_at = received_at or timezone.now()
    registered_on = calendar.registration_date(received_at)
    with transaction.atomic():
        person = Person(**applicant)
        person.full_clean()
        case = model(
            kind=model.KIND,
            channel=channel,
            regulation_version=regulation.version,
            unit=unit,
            received_at=received_at,
            registered_on=registered_on,
            applicant=person,
            residency=residency,
            residence_document_number=(residence_document_number or "").strip(),
            **extra,
        )
        case.applicant = person
        case.copy_applicant_identifiers()
        existing = _open_duplicate(model, case.applicant_iin, case.applicant_passport_key)
        if existing is not None:
            raise _already_registered(existing)
        person.save()
        case.applicant = person
        case.number = NumberSequence.next_number(model.NUMBER_PREFIX, timezone.localtime(received_at).year)
        first = regulation.steps[0]
        case._start_step(first.code, start=registered_on)
        deadlines.set_due(case, registered_on, regulation.final_term_working_days)
        access_code = case.issue_access_code()
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError:
            # Lost the race to a simultaneous registration of the same person (the partial unique index).
            existing = _open_duplicate(model, case.applicant_iin, case.applicant_passport_key)
            if existing is None:
                raise
            raise _already_registered(existing) from None
        record_history(
            case,
            transition="receive",
            from_state="",
            to_state=case.status,
            actor=actor,
            reason=_("Application received (%(channel)s).") % {"channel": case.get_channel_display()},
            deadline=case.step_deadline,
        )
        StepTiming.objects.create(
            **_timing_identity(case),
            position=1,
            step=first.code,
            norm_amount=first.amount,
            norm_unit=first.unit,
            clause=first.clause,
            deadline=case.step_deadline,
            started_at=rules.step_one_starts_at(received_at, registered_on, timezone.get_current_timezone()),
        )
        attach_many(
            case,
            [
                (document["type"], document.get("filename", ""), document["content"], f"documents.{index}")
                for index, document in enumerate(documents)
            ],
            uploaded_by=actor.label,
        )
    return Registered(case=case, access_code=access_code)


def _regulation(service_key: str, version: str | None, received_at: datetime) -> rules.Regulation:
    if version:
        return regulations.regulation(service_key, version)
    return rules.regulation_on(service_key, calendar.registration_date(received_at))


def register_job_seeker(
    *,
    applicant: dict,
    residency: str,
    unit: TerritorialUnit,
    channel: str,
    actor: Actor,
    residence_document_number: str = "",
    received_at: datetime | None = None,
    documents: Iterable[dict] = (),
    regulation_version: str | None = None,
) -> Registered:
    """A job seeker's application received at the centre, the State Corporation or the portal (002-1 §1, §4).

    Processed under ``regulation_version`` when given, else the version in force on the registration date."""
    received_at = received_at or timezone.now()
    return _register(
        JobSeekerRegistration,
        regulation=_regulation(rules.JOB_SEEKER_SERVICE, regulation_version, received_at),
        applicant=applicant,
        residency=residency,
        residence_document_number=residence_document_number,
        unit=unit,
        channel=channel,
        actor=actor,
        received_at=received_at,
        documents=documents,
        extra={},
    )


def register_unemployed(
    *,
    applicant: dict,
    residency: str,
    notify_by: str,
    unit: TerritorialUnit,
    channel: str,
    actor: Actor,
    residence_document_number: str = "",
    received_at: datetime | None = None,
    documents: Iterable[dict] = (),
    regulation_version: str | None = None,
) -> Registered:
    """Documents for registration as unemployed, received through the employment centre (002-2 §1, §4).

    Processed under ``regulation_version`` when given, else the version in force on the registration date."""
    received_at = received_at or timezone.now()
    return _register(
        UnemployedRegistration,
        regulation=_regulation(rules.UNEMPLOYED_SERVICE, regulation_version, received_at),
        applicant=applicant,
        residency=residency,
        residence_document_number=residence_document_number,
        unit=unit,
        channel=channel,
        actor=actor,
        received_at=received_at,
        documents=documents,
        extra={"notify_by": notify_by},
    )


# --------------------------------------------------------------------------------------------------
# Status changes.
# --------------------------------------------------------------------------------------------------


def advance(
    model: type[PersonRegistration],
    pk,
    name: str,
    *,
    actor: Actor,
    reason: str = "",
    expected_version: int | None = None,
    **kwargs,
) -> PersonRegistration:
    """Any transition of either registration, through the one transition service."""
    return run_transition(model, pk, name, actor=actor, reason=reason, expected_version=expected_version, **kwargs)


def prepare_notice(
    pk, *, decision: str, actor: Actor, refusal_ground: str = "", reason: str = "", expected_version: int | None = None
) -> JobSeekerRegistration:
    """002-1 §5(2): the notice of registration, or of refusal with its ground (standard annex 1 / 2)."""
    return advance(
        JobSeekerRegistration,
        pk,
        "prepare_notice",
        actor=actor,
        reason=reason,
        expected_version=expected_version,
        decision=decision,
        refusal_ground=refusal_ground,
    )


def decide(
    pk,
    *,
    decision: str,
    actor: Actor,
    refusal_ground: str = "",
    registered_from: date | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> UnemployedRegistration:
    """002-2 §5(3): the social welfare department registers (from a date) or refuses (with its ground)."""
    return advance(
        UnemployedRegistration,
        pk,
        "decide",
        actor=actor,
        reason=reason,
        expected_version=expected_version,
        decision=decision,
        refusal_ground=refusal_ground,
        registered_from=registered_from,
    )


def end_registration(
    model: type[PersonRegistration],
    pk,
    *,
    end_reason: str,
    actor: Actor,
    reason: str = "",
    expected_version: int | None = None,
) -> PersonRegistration:
    """Employment found, own request or deregistration: the registration ends and the person may register again."""
    return advance(
        model,
        pk,
        "end_registration",
        actor=actor,
        reason=reason,
        expected_version=expected_version,
        end_reason=end_reason,
    )


# --------------------------------------------------------------------------------------------------
# What follows every transition (post_transition, inside run_transition's transaction).
# --------------------------------------------------------------------------------------------------

# transition -> the step it completes
COMPLETES_STEP = {
    JobSeekerRegistration: {
        "enter_data": rules.JS_ENTER_DATA,
        "prepare_notice": rules.JS_PREPARE_NOTICE,
        "sign_notice": rules.JS_SIGN_NOTICE,
        "hand_over": rules.JS_HAND_OVER,
    },
    UnemployedRegistration: {
        "enter_data": rules.UE_ENTER_DATA,
        "forward": rules.UE_FORWARD,
        "decide": rules.UE_DECIDE,
        "inform": rules.UE_INFORM,
    },
}


def _timing_identity(case: PersonRegistration) -> dict:
    return {
        "case_type": ContentType.objects.get_for_model(case),
        "case_id": case.pk,
        "case_number": case.number,
        "unit": case.unit,
        "regulation_version": case.regulation_version,
    }


def record_step_completed(case: PersonRegistration, step_code: str, at: datetime | None = None) -> None:
    """Close ``step_code``'s timing and open the next step's, which starts now."""
    at = at or timezone.now()
    identity = _timing_identity(case)
    timing = (
        StepTiming.objects.select_for_update()
        .filter(case_type=identity["case_type"], case_id=case.pk, step=step_code)
        .first()
    )
    if timing is not None and timing.finished_at is None:
        timing.finish(at)
        timing.save(update_fields=["finished_at", "duration_seconds", "over_norm"])
    following = case.regulation.next_step(step_code)
    if following is not None:
        position = [s.code for s in case.regulation.steps].index(following.code) + 1
        StepTiming.objects.get_or_create(
            case_type=identity["case_type"],
            case_id=case.pk,
            step=following.code,
            defaults={
                **identity,
                "position": position,
                "norm_amount": following.amount,
                "norm_unit": following.unit,
                "clause": following.clause,
                "started_at": at,
                "deadline": case.step_deadline,
            },
        )


def on_transition(sender, instance, name, source, target, **kwargs) -> None:
    if kwargs.get("exception") is not None:
        return
    step = COMPLETES_STEP.get(sender, {}).get(name)
    if step is None:
        return
    record_step_completed(instance, step)
    from . import documents, tasks

    if sender is JobSeekerRegistration and name == "sign_notice":
        documents.schedule_result(instance)
    elif sender is UnemployedRegistration and name == "inform":
        documents.schedule_result(instance)
        pk = instance.pk
        transaction.on_commit(lambda: tasks.inform_unemployed.delay(pk), robust=True)


# --------------------------------------------------------------------------------------------------
# Informing the unemployed (002-2 §3, §5(4)).
# --------------------------------------------------------------------------------------------------


def notification_text(case: UnemployedRegistration) -> tuple[str, str]:
    """(subject, body) of the message that tells the person the decision, in the office's language."""
    if case.decision == REFUSE:
        subject = _("Registration as unemployed refused")
        body = _(
            "%(name)s, your application %(number)s for registration as unemployed is refused: %(ground)s. "
            "The notice (standard annex 10) is available at the employment centre."
        ) % {"name": case.applicant_name, "number": case.number, "ground": case.refusal_ground_label}
    else:
        subject = _("Registered as unemployed")
        body = _("%(name)s, you are registered as unemployed from %(date)s (application %(number)s).") % {
            "name": case.applicant_name,
            "date": case.registered_from.strftime("%d.%m.%Y"),
            "number": case.number,
        }
    return str(subject), str(body)


def send_decision_notification(pk) -> str:
    """Send the message by the channel the person chose; idempotent (a sent message is not sent again)."""
    from casework.notifications import Message, send

    with transaction.atomic():
        case = UnemployedRegistration.objects.select_for_update().select_related("applicant").get(pk=pk)
        if case.notification_reference:
            return case.notification_reference
        subject, body = notification_text(case)
        to = case.applicant.phone if case.notify_by == rules.SMS else case.applicant.email
        reference = send(Message(channel=case.notify_by, to=to, subject=subject, body=body, reference=case.number))
        # A fact about delivery, not a status: a plain update (the status and version stay as they are).
        UnemployedRegistration.objects.filter(pk=pk).update(notification_reference=reference[:100])
    return reference


# --------------------------------------------------------------------------------------------------
# Reports.
# --------------------------------------------------------------------------------------------------


def steps_over_norm(
    *, since: date | None = None, until: date | None = None, user=None, now: datetime | None = None
) -> QuerySet[StepTiming]:
    """Steps that took longer than the norm (finished) or are already past it (still running), newest first.

    ``since`` / ``until``: the day the step started (office time); ``user``: only the clerk's units.
    """
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    running_over = Q(pk__in=[])
    norms = (
        StepTiming.objects.filter(finished_at__isnull=True, norm_unit=rules.MINUTES)
        .values_list("norm_amount", flat=True)
        .distinct()
    )
    for minutes in norms:
        running_over |= Q(norm_unit=rules.MINUTES, norm_amount=minutes, started_at__lt=now - timedelta(minutes=minutes))
    running_over |= Q(norm_unit=rules.WORKING_DAYS, deadline__lt=today)
    qs = StepTiming.objects.filter(
        Q(finished_at__isnull=False, over_norm=True) | (Q(finished_at__isnull=True) & running_over)
    )
    zone = timezone.get_current_timezone()
    if since:
        qs = qs.filter(started_at__gte=datetime.combine(since, datetime.min.time(), zone))
    if until:
        next_day = date.fromordinal(until.toordinal() + 1)
        qs = qs.filter(started_at__lt=datetime.combine(next_day, datetime.min.time(), zone))
    if user is not None:
        qs = scope_to_unit(qs, user)
    return qs.select_related("unit").order_by("-started_at")
