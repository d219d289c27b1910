"""Job seekers and the unemployed (seed 002): two applications, each with its state machine, and the
timing of every step against the regulation's norm.

Only ``casework.services.run_transition`` changes a status (``jobseekers.services`` wraps it). Transition
methods are small: source, target, the step deadline from the calendar, the facts the clerk gave; no I/O.
Step timings and documents follow each transition through ``jobseekers.services.on_transition``
(django-fsm's post_transition signal), so the admin buttons and the API record them the same way.

A person holds at most one open registration of each kind: partial unique indexes on the IIN and on the
passport (``*_one_open_per_*``) whatever the status of the rest of the table.
"""

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, transition

from casework import deadlines, regulations
from casework.exceptions import RuleViolation
from casework.models import Case, Person, TerritorialUnit
from casework.services import condition

from . import rules

REGISTER = "register"
REFUSE = "refuse"
DECISIONS = ((REGISTER, _("register")), (REFUSE, _("refuse")))


def one_open_registration_per_person(prefix: str, active_states: list[str]) -> list[models.UniqueConstraint]:
    """A person cannot be registered twice at once (002): one active registration per IIN and per passport."""
    active = Q(status__in=active_states)
    return [
        models.UniqueConstraint(
            fields=["applicant_iin"], name=f"{prefix}_one_open_per_iin", condition=active & ~Q(applicant_iin="")
        ),
        models.UniqueConstraint(
            fields=["applicant_passport_key"],
            name=f"{prefix}_one_open_per_passport",
            condition=active & ~Q(applicant_passport_key=""),
        ),
    ]


class StepTiming(models.Model):
    """One step of one application: when it really started and ended, against the regulation's norm.

    Minute norms (002-1 §5, 002-2 §5(1)–(2)) are compared with the duration; working-day norms
    (002-2 §5(3)–(4)) with the step deadline the calendar gave.
    """

    case_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    case_id = models.PositiveBigIntegerField()
    case = GenericForeignKey("case_type", "case_id")
    case_number = models.CharField(_("case number"), max_length=40, db_index=True)
    unit = models.ForeignKey(
        TerritorialUnit, verbose_name=_("territorial unit"), on_delete=models.PROTECT, related_name="+"
    )
    regulation_version = models.CharField(_("regulation version"), max_length=40)
    position = models.PositiveSmallIntegerField(_("step No."))
    step = models.CharField(_("step"), max_length=30)
    norm_amount = models.PositiveSmallIntegerField(_("norm"))
    norm_unit = models.CharField(
        _("norm unit"), max_length=15, choices=((rules.MINUTES, _("minutes")), (rules.WORKING_DAYS, _("working days")))
    )
    clause = models.CharField(_("clause"), max_length=30)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("took, seconds"), null=True, blank=True)
    over_norm = models.BooleanField(_("over the norm"), default=False, db_index=True)

    class Meta:
        verbose_name = _("step timing")
        verbose_name_plural = _("step timings")
        ordering = ["case_type_id", "case_id", "position"]
        indexes = [models.Index(fields=["case_type", "case_id"]), models.Index(fields=["started_at"])]
        constraints = [
            models.UniqueConstraint(fields=["case_type", "case_id", "step"], name="jobseekers_step_once_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.case_number}: {self.step}"

    @property
    def label(self) -> str:
        for service_key in (rules.JOB_SEEKER_SERVICE, rules.UNEMPLOYED_SERVICE):
            try:
                item = regulations.entry(service_key, self.regulation_version, reload_on_miss=False)
                return str(item.regulation.step(self.step).label)
            except (LookupError, KeyError):
                continue
        return self.step

    @property
    def norm_seconds(self) -> int | None:
        return self.norm_amount * 60 if self.norm_unit == rules.MINUTES else None

    def elapsed_seconds(self, now=None) -> int:
        end = self.finished_at or now or timezone.now()
        return max(0, int((end - self.started_at).total_seconds()))

    def is_over_norm(self, now=None) -> bool:
        """Finished: as recorded. Still running: already past the norm (minutes) or the deadline (days)."""
        if self.finished_at is not None:
            return self.over_norm
        if self.norm_unit == rules.MINUTES:
            return self.elapsed_seconds(now) > self.norm_seconds
        today = timezone.localdate(now) if now else timezone.localdate()
        return bool(self.deadline and today > self.deadline)

    def finish(self, at) -> None:
        self.finished_at = at
        self.duration_seconds = self.elapsed_seconds(at)
        if self.norm_unit == rules.MINUTES:
            self.over_norm = self.duration_seconds > self.norm_seconds
        else:
            self.over_norm = bool(self.deadline and timezone.localtime(at).date() > self.deadline)

    def display(self, now=None) -> str:
        """ "12/25 min", "3/2 WD" — how long it took (so far) against the norm."""
        if self.norm_unit == rules.MINUTES:
            minutes = round(self.elapsed_seconds(now) / 60)
            return _("%(took)d/%(norm)d min") % {"took": minutes, "norm": self.norm_amount}
        if self.deadline is None:
            return _("norm %(norm)d WD") % {"norm": self.norm_amount}
        end = timezone.localtime(self.finished_at).date() if self.finished_at else None
        shown = end.strftime("%d.%m") if end else "…"
        return _("%(end)s (by %(deadline)s)") % {"end": shown, "deadline": self.deadline.strftime("%d.%m")}


# --------------------------------------------------------------------------------------------------
# Conditions (each explains itself).
# --------------------------------------------------------------------------------------------------


@condition(_("The notice must say whether the person is registered or refused (002-1 §6(2))."))
def notice_decided(case) -> bool:
    return case.decision in (REGISTER, REFUSE)


@condition(_("The department's decision must be recorded before the person is informed (002-2 §5(3)–(4))."))
def department_decided(case) -> bool:
    return case.decision in (REGISTER, REFUSE)


def _require_ground(decision: str, refusal_ground: str) -> None:
    if decision not in (REGISTER, REFUSE):
        raise RuleViolation(
            _("Decision must be 'register' or 'refuse'."),
            code="invalid_decision",
            invalid_params=[
                {
                    "name": "decision",
                    "code": "invalid_decision",
                    "reason": str(_("Decision must be 'register' or 'refuse'.")),
                }
            ],
        )
    if decision == REFUSE and refusal_ground not in rules.REFUSAL_GROUND_LABELS:
        reason = str(_("A refusal needs its ground (standard §10)."))
        raise RuleViolation(
            reason,
            code="refusal_ground_required",
            invalid_params=[{"name": "refusal_ground", "code": "refusal_ground_required", "reason": reason}],
        )


def _require_end_reason(end_reason: str) -> None:
    if end_reason not in dict(rules.END_REASONS):
        reason = str(_("Say why the registration ends: employment found, own request or deregistration."))
        raise RuleViolation(
            reason,
            code="end_reason_required",
            invalid_params=[{"name": "end_reason", "code": "end_reason_required", "reason": reason}],
        )


# --------------------------------------------------------------------------------------------------
# What both applications share.
# --------------------------------------------------------------------------------------------------


class PersonRegistration(Case):
    """A person's registration: who they are, on what residence basis, and how it ended."""

    REGULATION_SERVICE = ""  # casework.regulations: the versions ``regulation_version`` names
    KIND = ""

    applicant = models.ForeignKey(Person, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="+")
    residency = models.CharField(_("residence basis"), max_length=20, choices=rules.RESIDENCY_CHOICES)
    residence_document_number = models.CharField(
        _("residence permit / kandas certificate No."), max_length=30, blank=True
    )
    # Copies of the applicant's identifiers, for the "one open registration" indexes and the admin search.
    applicant_iin = models.CharField(_("IIN"), max_length=12, blank=True, db_index=True, editable=False)
    applicant_passport_key = models.CharField(_("passport"), max_length=40, blank=True, editable=False)
    applicant_name = models.CharField(_("full name"), max_length=310, blank=True, editable=False)

    decision = models.CharField(_("decision"), max_length=10, choices=DECISIONS, blank=True, editable=False)
    refusal_ground = models.CharField(
        _("refusal ground"), max_length=30, choices=rules.REFUSAL_GROUNDS, blank=True, editable=False
    )
    registered_from = models.DateField(_("registered from"), null=True, blank=True, editable=False)
    end_reason = models.CharField(
        _("ended because"), max_length=20, choices=rules.END_REASONS, blank=True, editable=False
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True, editable=False)

    step_timings = GenericRelation(StepTiming, content_type_field="case_type", object_id_field="case_id")

    class Meta:
        abstract = True

    @property
    def regulation(self) -> rules.Regulation:
        return regulations.regulation(self.REGULATION_SERVICE, self.regulation_version)

    def copy_applicant_identifiers(self) -> None:
        person = self.applicant
        self.applicant_iin = person.iin or ""
        self.applicant_passport_key = (
            f"{person.citizenship}:{person.passport_number}".upper().replace(" ", "") if person.passport_number else ""
        )
        self.applicant_name = person.full_name[:310]

    def _start_step(self, code: str, start=None) -> None:
        step = self.regulation.step(code)
        start = start or timezone.localdate()
        days = step.amount if step.unit == rules.WORKING_DAYS else 0  # minute steps: the same working day
        deadlines.set_step(self, code, start, days, deadlines.WORKING, event=str(step.label))

    @property
    def refusal_ground_label(self) -> str:
        return str(rules.REFUSAL_GROUND_LABELS.get(self.refusal_ground, ""))


# --------------------------------------------------------------------------------------------------
# Registration of job seekers (annex 1).
# --------------------------------------------------------------------------------------------------


class JobSeekerRegistration(PersonRegistration):
    """A job seeker's registration at the employment centre (002-1).

    received → data_entered → notice_prepared → notice_signed → registered | refused; registered → ended.
    The four steps happen on the registration day, each against its minute norm (002-1 §5).
    """

    NUMBER_PREFIX = "JS"
    KIND = "job_seeker"
    REGULATION_SERVICE = rules.JOB_SEEKER_SERVICE

    class Status(models.TextChoices):
        RECEIVED = "received", _("received: register and enter the data")
        DATA_ENTERED = "data_entered", _("data entered: prepare the notice")
        NOTICE_PREPARED = "notice_prepared", _("notice prepared: head to sign")
        NOTICE_SIGNED = "notice_signed", _("notice signed: hand it over")
        REGISTERED = "registered", _("registered as a job seeker")
        REFUSED = "refused", _("registration refused")
        ENDED = "ended", _("registration ended")

    OPEN_STATES = (Status.RECEIVED, Status.DATA_ENTERED, Status.NOTICE_PREPARED, Status.NOTICE_SIGNED)
    # The registration is "open" for the one-per-person rule until refused or ended.
    ACTIVE_STATES = (*OPEN_STATES, Status.REGISTERED)

    status = FSMField(_("status"), default=Status.RECEIVED, choices=Status.choices, protected=True)
    notice_signed_at = models.DateTimeField(_("notice signed at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("job-seeker registration")
        verbose_name_plural = _("job-seeker registrations")
        permissions = [
            ("process_jobseekerregistration", _("Can register job seekers and prepare notices")),
            ("sign_jobseekerregistration", _("Can sign job-seeker notices (head)")),
            ("end_jobseekerregistration", _("Can end a job-seeker registration")),
        ]
        constraints = one_open_registration_per_person(
            "jobseeker", ["received", "data_entered", "notice_prepared", "notice_signed", "registered"]
        )
        indexes = [models.Index(fields=["applicant_name"])]

    # 002-1 §5(1): registered and the data entered with EDS.
    @transition(
        field=status,
        source=Status.RECEIVED,
        target=Status.DATA_ENTERED,
        permission="jobseekers.process_jobseekerregistration",
        custom={"label": _("Data entered (EDS)")},
    )
    def enter_data(self):
        self._start_step(rules.JS_PREPARE_NOTICE)

    # 002-1 §5(2): the notice of registration (standard annex 1) or of refusal (annex 2, ground of §10).
    @transition(
        field=status,
        source=Status.DATA_ENTERED,
        target=Status.NOTICE_PREPARED,
        permission="jobseekers.process_jobseekerregistration",
        custom={"label": _("Notice prepared")},
    )
    def prepare_notice(self, decision: str = REGISTER, refusal_ground: str = ""):
        _require_ground(decision, refusal_ground)
        self.decision = decision
        self.refusal_ground = refusal_ground if decision == REFUSE else ""
        self._start_step(rules.JS_SIGN_NOTICE)

    # 002-1 §5(3): the head signs; the notice goes into the outgoing-mail journal.
    @transition(
        field=status,
        source=Status.NOTICE_PREPARED,
        target=Status.NOTICE_SIGNED,
        conditions=[notice_decided],
        permission="jobseekers.sign_jobseekerregistration",
        custom={"label": _("Sign the notice (head)")},
    )
    def sign_notice(self):
        self.notice_signed_at = timezone.now()
        if self.decision == REGISTER:
            self.registered_from = timezone.localdate()
        self._start_step(rules.JS_HAND_OVER)

    # 002-1 §5(4): the notice handed over; the result of the service.
    @transition(
        field=status,
        source=Status.NOTICE_SIGNED,
        target=RETURN_VALUE(Status.REGISTERED, Status.REFUSED),
        conditions=[notice_decided],
        permission="jobseekers.process_jobseekerregistration",
        custom={"label": _("Notice handed over")},
    )
    def hand_over(self):
        deadlines.clear_step(self)
        return self.Status.REGISTERED if self.decision == REGISTER else self.Status.REFUSED

    @transition(
        field=status,
        source=Status.REGISTERED,
        target=Status.ENDED,
        permission="jobseekers.end_jobseekerregistration",
        custom={"label": _("End the registration")},
    )
    def end_registration(self, end_reason: str = ""):
        _require_end_reason(end_reason)
        self.end_reason = end_reason
        self.ended_on = timezone.localdate()


# --------------------------------------------------------------------------------------------------
# Registration as unemployed (annex 2).
# --------------------------------------------------------------------------------------------------


class UnemployedRegistration(PersonRegistration):
    """Registration as unemployed: decided by the social welfare department, through the centre (002-2).

    received → data_entered → forwarded → decided → registered | refused; registered → ended.
    """

    NUMBER_PREFIX = "UE"
    KIND = "unemployed"
    REGULATION_SERVICE = rules.UNEMPLOYED_SERVICE

    class Status(models.TextChoices):
        RECEIVED = "received", _("received: centre enters the data")
        DATA_ENTERED = "data_entered", _("data entered: centre forwards")
        FORWARDED = "forwarded", _("with the social welfare department")
        DECIDED = "decided", _("decided: centre informs the person")
        REGISTERED = "registered", _("registered as unemployed")
        REFUSED = "refused", _("registration refused")
        ENDED = "ended", _("registration ended")

    OPEN_STATES = (Status.RECEIVED, Status.DATA_ENTERED, Status.FORWARDED, Status.DECIDED)
    ACTIVE_STATES = (*OPEN_STATES, Status.REGISTERED)

    status = FSMField(_("status"), default=Status.RECEIVED, choices=Status.choices, protected=True)
    notify_by = models.CharField(_("inform by"), max_length=10, choices=rules.NOTIFY_CHANNELS)
    decided_on = models.DateField(_("decided on"), null=True, blank=True, editable=False)
    informed_at = models.DateTimeField(_("informed at"), null=True, blank=True, editable=False)
    notification_reference = models.CharField(_("notification reference"), max_length=100, blank=True, editable=False)

    class Meta:
        verbose_name = _("registration as unemployed")
        verbose_name_plural = _("registrations as unemployed")
        permissions = [
            ("process_unemployedregistration", _("Can enter, forward and inform (employment centre)")),
            ("decide_unemployedregistration", _("Can decide on registration as unemployed (department)")),
            ("end_unemployedregistration", _("Can end a registration as unemployed")),
        ]
        constraints = one_open_registration_per_person(
            "unemployed", ["received", "data_entered", "forwarded", "decided", "registered"]
        )
        indexes = [models.Index(fields=["applicant_name"])]

    # 002-2 §5(1): the centre requests the data and enters it with EDS (15 minutes).
    @transition(
        field=status,
        source=Status.RECEIVED,
        target=Status.DATA_ENTERED,
        permission="jobseekers.process_unemployedregistration",
        custom={"label": _("Data entered (EDS)")},
    )
    def enter_data(self):
        self._start_step(rules.UE_FORWARD)

    # 002-2 §5(2)–(3): forwarded; the department decides within 2 working days from today.
    @transition(
        field=status,
        source=Status.DATA_ENTERED,
        target=Status.FORWARDED,
        permission="jobseekers.process_unemployedregistration",
        custom={"label": _("Forward to the social welfare department")},
    )
    def forward(self):
        self._start_step(rules.UE_DECIDE)

    # 002-2 §5(3): registration (with its date) or refusal (ground of standard §10); the centre then has
    # 1 working day to inform (§5(4)).
    @transition(
        field=status,
        source=Status.FORWARDED,
        target=Status.DECIDED,
        permission="jobseekers.decide_unemployedregistration",
        custom={"label": _("Record the decision")},
    )
    def decide(self, decision: str = REGISTER, refusal_ground: str = "", registered_from=None):
        _require_ground(decision, refusal_ground)
        self.decision = decision
        self.refusal_ground = refusal_ground if decision == REFUSE else ""
        self.decided_on = timezone.localdate()
        # Ruling: without a date from the department, the person is registered as unemployed from the day
        # the application was registered at the centre.
        self.registered_from = (registered_from or self.registered_on) if decision == REGISTER else None
        self._start_step(rules.UE_INFORM)

    # 002-2 §3, §5(4): the centre informs the person (SMS / e-mail; refusal on standard annex 10).
    @transition(
        field=status,
        source=Status.DECIDED,
        target=RETURN_VALUE(Status.REGISTERED, Status.REFUSED),
        conditions=[department_decided],
        permission="jobseekers.process_unemployedregistration",
        custom={"label": _("Inform the person")},
    )
    def inform(self):
        deadlines.clear_step(self)
        self.informed_at = timezone.now()
        return self.Status.REGISTERED if self.decision == REGISTER else self.Status.REFUSED

    @transition(
        field=status,
        source=Status.REGISTERED,
        target=Status.ENDED,
        permission="jobseekers.end_unemployedregistration",
        custom={"label": _("End the registration")},
    )
    def end_registration(self, end_reason: str = ""):
        _require_end_reason(end_reason)
        self.end_reason = end_reason
        self.ended_on = timezone.localdate()
