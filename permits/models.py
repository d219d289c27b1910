"""Labour-immigrant permits (seed 004; DOMAIN.md §4) and the quota they are issued within.

``Quota`` is shared by design: the foreign-labour permits to employers (seed 000) that will land in this
app count against quotas too (``Quota.Purpose``); its counters only change through ``permits.quota``.

Status changes of applications, permits and revocations go through casework.services.run_transition;
the FSM transitions below only set fields (no I/O), their conditions explain themselves.
"""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition

from casework import deadlines
from casework.models import Case, Organisation, Person, TerritorialUnit, TransitionLog
from casework.services import condition

from . import rules


class Quota(models.Model):
    """The number of permits the authorised body allows in one administrative-territorial unit for one
    period (004 §20). ``reserved`` counts units held by agreements of intent (004 §12), ``issued`` units held
    by permits in force. Invariant, enforced by a CHECK constraint: reserved + issued ≤ total."""

    class Purpose(models.TextChoices):
        LABOUR_IMMIGRANT = "labour_immigrant", _("labour immigrants (household employers)")
        FOREIGN_LABOUR = "foreign_labour", _("foreign labour attracted by employers (seed 000)")

    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices, default=Purpose.LABOUR_IMMIGRANT)
    unit = models.ForeignKey(
        TerritorialUnit, verbose_name=_("territorial unit"), on_delete=models.PROTECT, related_name="quotas"
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    total = models.PositiveIntegerField(_("quota"))
    reserved = models.PositiveIntegerField(_("reserved"), default=0, editable=False)
    issued = models.PositiveIntegerField(_("issued"), default=0, editable=False)
    basis = models.CharField(_("act of the authorised body"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        ordering = ["unit__path", "-period_start"]
        constraints = [
            # Backstop of permits.quota's conditional UPDATEs: the database itself refuses an overrun.
            models.CheckConstraint(
                condition=Q(reserved__gte=0) & Q(issued__gte=0) & Q(total__gte=F("reserved") + F("issued")),
                name="quota_used_within_total",
            ),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="quota_period_ordered"),
            models.UniqueConstraint(fields=["purpose", "unit", "period_start"], name="quota_unique_unit_period"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.period_start:%d.%m.%Y}–{self.period_end:%d.%m.%Y}: {self.total}"

    @property
    def free(self) -> int:
        return self.total - self.reserved - self.issued


class IntentionAgreement(models.Model):
    """Agreement of intent to conclude an employment contract (004 §11, annex 3) between an individual
    employer and a labour immigrant. It reserves one quota unit for 10 calendar days (004 §12)."""

    class Status(models.TextChoices):
        RESERVED = "reserved", _("quota unit reserved")
        USED = "used", _("permit issued")
        LAPSED = "lapsed", _("lapsed (reservation released)")
        CANCELLED = "cancelled", _("cancelled (reservation released)")

    DOCUMENT_PREFIX = "LIP"  # numbers of its annex 3 document (casework.pdf)

    number = models.CharField(_("number"), max_length=40, unique=True, editable=False)
    unit = models.ForeignKey(
        TerritorialUnit, verbose_name=_("territorial unit"), on_delete=models.PROTECT, related_name="+"
    )
    employer = models.ForeignKey(Organisation, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="+")
    immigrant = models.ForeignKey(
        Person, verbose_name=_("labour immigrant"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("place of signing"), max_length=200, blank=True)
    signed_on = models.DateField(_("signed on"))
    vacancy_published_on = models.DateField(_("vacancy published on enbek.kz"))
    occupation = models.CharField(_("occupation in the household"), max_length=200, blank=True)
    wage = models.DecimalField(_("wage, tenge"), max_digits=12, decimal_places=2, null=True, blank=True)
    quota = models.ForeignKey(Quota, verbose_name=_("quota"), on_delete=models.PROTECT, related_name="agreements")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RESERVED, editable=False
    )
    reserved_until = models.DateField(_("reserved until"), editable=False)
    reservation_explanation = models.TextField(_("how the reservation was counted"), blank=True, editable=False)
    released_at = models.DateTimeField(_("reservation released at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agreement of intent")
        verbose_name_plural = _("agreements of intent")
        ordering = ["-signed_on", "-id"]
        indexes = [models.Index(fields=["status", "reserved_until"])]

    def __str__(self) -> str:
        return self.number


# --- applications ---------------------------------------------------------------------------------


class ApplicationKind(models.TextChoices):
    """What the application asks for (004 §5, §24, §27): shown by its label, never the raw value, on kk/ru pages."""

    ISSUE = rules.ISSUE, pgettext_lazy("permit application kind", "issue")
    EXTEND = rules.EXTEND, pgettext_lazy("permit application kind", "extension")
    DUPLICATE = rules.DUPLICATE, pgettext_lazy("permit application kind", "duplicate (lost or damaged permit)")


class ApplicationStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    REFUSED_TO_ACCEPT = "refused_to_accept", _("refused to accept (incomplete or expired documents)")
    UNDER_POLICE_CHECK = "under_police_check", _("under check by internal affairs")
    UNDER_REVIEW = "under_review", _("under review")
    ISSUED = "issued", _("issued")
    REFUSED = "refused", _("refused")


class PoliceCheck(models.TextChoices):
    PENDING = "pending", _("pending")
    POSITIVE = "positive", _("positive (no objections)")
    NEGATIVE = "negative", _("negative")


@condition(_("The police check must have come back positive before a permit is issued (004 §6, §16)."))
def police_check_positive(app) -> bool:
    return app.police_check == PoliceCheck.POSITIVE


@condition(_("Only a duplicate is handed out on the day of the request (004 §27)."))
def is_duplicate(app) -> bool:
    return app.kind == rules.DUPLICATE


@condition(_("A duplicate goes no further than the copy of the permit (004 §27)."))
def is_not_duplicate(app) -> bool:
    return app.kind != rules.DUPLICATE


class LabourImmigrantPermitApplication(Case):
    """An application for the issue, extension or a duplicate of a labour-immigrant permit (annex 1)."""

    NUMBER_PREFIX = "LIP"
    REGULATION_SERVICE = rules.SERVICE  # casework.regulations: the versions ``regulation_version`` names
    OPEN_STATES = (ApplicationStatus.RECEIVED, ApplicationStatus.UNDER_POLICE_CHECK, ApplicationStatus.UNDER_REVIEW)
    Status = ApplicationStatus

    status = FSMField(
        _("status"), default=ApplicationStatus.RECEIVED, choices=ApplicationStatus.choices, protected=True
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ApplicationKind.choices)
    applicant = models.ForeignKey(
        Person, verbose_name=_("labour immigrant"), on_delete=models.PROTECT, related_name="+"
    )
    employer = models.ForeignKey(
        Organisation, verbose_name=_("employer (individual)"), on_delete=models.PROTECT, related_name="+"
    )
    term_months = models.PositiveSmallIntegerField(_("term, months"), null=True, blank=True)
    place_of_birth = models.CharField(_("place of birth"), max_length=200, blank=True)
    family_composition = models.CharField(_("family composition"), max_length=300, blank=True)
    property_address = models.CharField(_("address of the employer's real estate"), max_length=300, blank=True)
    property_unit = models.ForeignKey(
        TerritorialUnit,
        verbose_name=_("unit of the employer's real estate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    intention_agreement = models.ForeignKey(
        IntentionAgreement,
        verbose_name=_("agreement of intent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    current_permit = models.ForeignKey(
        "LabourImmigrantPermit",
        verbose_name=_("permit extended, copied or followed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_up_applications",
        help_text=_("extend / duplicate: the permit concerned; issue: the previous permit after 12 months (004 §26)"),
    )
    result_permit = models.ForeignKey(
        "LabourImmigrantPermit",
        verbose_name=_("permit issued"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    medical_certificate_issued_on = models.DateField(_("medical certificate 028/e issued on"), null=True, blank=True)
    border_crossed_on = models.DateField(_("border crossed on (passport mark)"), null=True, blank=True)
    insurance_valid_until = models.DateField(_("medical insurance valid until"), null=True, blank=True)
    signatures = models.JSONField(_("electronic signatures"), default=list, blank=True, editable=False)
    police_check = models.CharField(
        _("police check"), max_length=10, choices=PoliceCheck.choices, default=PoliceCheck.PENDING, editable=False
    )
    police_check_reference = models.CharField(_("police check reference"), max_length=100, blank=True, editable=False)
    police_check_comment = models.TextField(_("police check comment"), blank=True, editable=False)
    police_checked_at = models.DateTimeField(_("police check returned at"), null=True, blank=True, editable=False)
    not_accepted_reasons = models.JSONField(_("reasons of refusal to accept"), default=list, blank=True, editable=False)
    refusal_ground = models.CharField(_("ground of refusal"), max_length=4, blank=True, editable=False)
    refusal_details = models.TextField(_("full description of the refusal"), blank=True, editable=False)
    decided_on = models.DateField(_("decided on"), null=True, blank=True, editable=False)
    deadline_missed_on = models.DateField(_("deadline missed (flagged on)"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        "casework.ApiClient", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("labour-immigrant permit application")
        verbose_name_plural = _("labour-immigrant permit applications")
        ordering = ["-received_at"]
        permissions = [
            ("register_lip_application", _("Can register and accept labour-immigrant permit applications")),
            ("record_police_check_lip", _("Can record the police check of a labour-immigrant permit application")),
            ("decide_lip_application", _("Can issue or refuse labour-immigrant permits")),
        ]

    # -- transitions (no I/O; permits.services runs them through casework.services.run_transition) --

    @transition(
        field=status,
        source=ApplicationStatus.RECEIVED,
        target=ApplicationStatus.UNDER_POLICE_CHECK,
        conditions=[is_not_duplicate],
        permission="permits.register_lip_application",
        custom={"label": _("Accept and send to the police check")},
    )
    def accept(self):
        """004 §15–16: complete documents go automatically to the Migration Police system, which checks
        them within 1 working day of registration."""
        deadlines.set_step(
            self, "police_check", self.registered_on, self.regulation.police_check_working_days, event=_("registration")
        )

    @transition(
        field=status,
        source=ApplicationStatus.RECEIVED,
        target=ApplicationStatus.REFUSED_TO_ACCEPT,
        permission="permits.register_lip_application",
        custom={"label": _("Refuse to accept (annex 4)")},
    )
    def refuse_to_accept(self, reasons: list[str] | None = None):
        """004 §17: incomplete or expired documents."""
        self.not_accepted_reasons = list(reasons or [])
        deadlines.clear_step(self)

    @transition(
        field=status,
        source=ApplicationStatus.UNDER_POLICE_CHECK,
        target=ApplicationStatus.UNDER_REVIEW,
        permission="permits.record_police_check_lip",
        custom={"label": _("Record the police check result")},
    )
    def record_police_check(
        self, result: str = PoliceCheck.POSITIVE, reference: str = "", comment: str = "", checked_at=None
    ):
        self.police_check = result
        self.police_check_reference = reference
        self.police_check_comment = comment
        self.police_checked_at = checked_at
        # 004 §7: the decision within 2 working days, not counting the day of application.
        deadlines.set_step(
            self, "decision", self.registered_on, self.regulation.decision_working_days, event=_("registration")
        )

    @transition(
        field=status,
        source=ApplicationStatus.UNDER_REVIEW,
        target=ApplicationStatus.ISSUED,
        conditions=[police_check_positive, is_not_duplicate],
        permission="permits.decide_lip_application",
        custom={"label": _("Issue / extend the permit (annex 5)")},
    )
    def issue(self, permit=None, decided_on=None):
        self.result_permit = permit
        self.decided_on = decided_on
        deadlines.clear_step(self)

    @transition(
        field=status,
        source=ApplicationStatus.RECEIVED,
        target=ApplicationStatus.ISSUED,
        conditions=[is_duplicate],
        permission="permits.register_lip_application",
        custom={"label": _("Hand out the duplicate")},
    )
    def issue_duplicate(self, permit=None, decided_on=None):
        self.result_permit = permit
        self.decided_on = decided_on
        deadlines.clear_step(self)

    @transition(
        field=status,
        source=[ApplicationStatus.UNDER_POLICE_CHECK, ApplicationStatus.UNDER_REVIEW],
        target=ApplicationStatus.REFUSED,
        permission="permits.decide_lip_application",
        custom={"label": _("Refuse (annex 7)")},
    )
    def refuse(self, ground: str = "", details: str = "", decided_on=None):
        self.refusal_ground = ground
        self.refusal_details = details
        self.decided_on = decided_on
        deadlines.clear_step(self)

    @property
    def filed_on(self):
        from django.utils import timezone

        return timezone.localtime(self.received_at).date()

    @property
    def regulation(self) -> rules.Regulation:
        return rules.regulation(self.regulation_version)


# --- permits --------------------------------------------------------------------------------------


class PermitStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    EXPIRED = "expired", _("expired")
    TERMINATED = "terminated", _("terminated (labour contract ended)")
    REVOKED = "revoked", _("revoked")


class LabourImmigrantPermit(models.Model):
    """A permit to a labour immigrant (annex 5): valid only in the issuing unit, not transferable (004 §22).

    An extension is a new permit (annex 5 "number of the permit being extended") that follows the one it
    extends: ``extends`` links them, ``chain_root`` is the first permit of the chain, and the chain's months
    never exceed 12 (004 §19). The chain holds one quota unit (004 §21): it moves to the extension.
    """

    STATE_FIELD = "status"
    OPEN_STATES: tuple[str, ...] = ()
    DOCUMENT_PREFIX = "LIP"
    Status = PermitStatus
    step_deadline = None  # run_transition records the step deadline of a case; a permit has no procedural step

    number = models.CharField(_("permit number"), max_length=40, unique=True, editable=False)
    unit = models.ForeignKey(
        TerritorialUnit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="+"
    )
    holder = models.ForeignKey(Person, verbose_name=_("labour immigrant"), on_delete=models.PROTECT, related_name="+")
    employer = models.ForeignKey(
        Organisation, verbose_name=_("employer (individual)"), on_delete=models.PROTECT, related_name="+"
    )
    application = models.ForeignKey(
        LabourImmigrantPermitApplication, verbose_name=_("application"), on_delete=models.PROTECT, related_name="+"
    )
    extends = models.ForeignKey(
        "self",
        verbose_name=_("extends permit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="extensions",
    )
    chain_root = models.ForeignKey(
        "self",
        verbose_name=_("first permit of the chain"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    months = models.PositiveSmallIntegerField(_("term, months"))
    chain_months = models.PositiveSmallIntegerField(_("months with the extended permits"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    issued_on = models.DateField(_("issued on"))
    property_address = models.CharField(_("address of the employer's real estate"), max_length=300, blank=True)
    quota = models.ForeignKey(
        Quota, verbose_name=_("quota"), null=True, blank=True, on_delete=models.PROTECT, related_name="permits"
    )
    holds_quota_unit = models.BooleanField(_("holds a quota unit"), default=False, editable=False)
    status = FSMField(_("status"), default=PermitStatus.ACTIVE, choices=PermitStatus.choices, protected=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True, editable=False)
    duplicates_issued = models.PositiveSmallIntegerField(_("duplicates issued"), default=0, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = GenericRelation(TransitionLog, content_type_field="case_type", object_id_field="case_id")

    class Meta:
        verbose_name = _("labour-immigrant permit")
        verbose_name_plural = _("labour-immigrant permits")
        ordering = ["-issued_on", "-id"]
        permissions = [
            ("terminate_labourimmigrantpermit", _("Can record the end of a labour-immigrant's contract")),
            ("revoke_labourimmigrantpermit", _("Can revoke labour-immigrant permits")),
        ]
        indexes = [
            # the expiry job and the extension reminders look only at active permits by their last valid day;
            # partial, so an ended permit leaves the index (bench/jobs_scale.py)
            models.Index(fields=["valid_to"], condition=models.Q(status="active"), name="lip_active_valid_to")
        ]

    def __str__(self) -> str:
        return self.number

    @transition(field=status, source=PermitStatus.ACTIVE, target=PermitStatus.EXPIRED)
    def expire(self, ended_on=None):
        self.ended_on = ended_on

    @transition(
        field=status,
        source=PermitStatus.ACTIVE,
        target=PermitStatus.TERMINATED,
        permission="permits.terminate_labourimmigrantpermit",
    )
    def terminate(self, ended_on=None):
        self.ended_on = ended_on

    @transition(
        field=status,
        source=PermitStatus.ACTIVE,
        target=PermitStatus.REVOKED,
        permission="permits.revoke_labourimmigrantpermit",
    )
    def revoke(self, ended_on=None):
        self.ended_on = ended_on

    @property
    def root_id(self) -> int:
        return self.chain_root_id or self.pk


class PermitReminder(models.Model):
    """One reminder of one kind per permit (the reminder job is idempotent)."""

    permit = models.ForeignKey(LabourImmigrantPermit, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=30)
    sent_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["permit", "kind"], name="permit_reminder_once")]

    def __str__(self) -> str:
        return f"{self.permit_id}: {self.kind}"


# --- notices and revocations ----------------------------------------------------------------------


class NoticeStatus(models.TextChoices):
    PENDING = "pending_confirmation", _("awaiting the office's confirmation")
    CONFIRMED = "confirmed", _("confirmed: the permit ended")
    REJECTED = "rejected", _("rejected")


class TerminationNotice(models.Model):
    """The employer's notice that the labour contract with the labour immigrant ended (004 §28, annex 6).

    Through an authenticated channel (the portal's API, EDS-backed; a clerk at the office) the notice ends the
    permit at once (``confirmed``). Through the public web form anyone may type the facts, so the notice is
    registered ``pending_confirmation`` and waits in the clerks' queue: a clerk confirms it (the permit ends as
    from the notice, its lateness counted from when it was sent) or rejects it with a reason. Status changes go
    through casework.services.run_transition (row lock, permission, unit, history).
    """

    DOCUMENT_PREFIX = "LIP"
    STATE_FIELD = "status"
    OPEN_STATES = (NoticeStatus.PENDING,)
    Status = NoticeStatus
    step_deadline = None  # run_transition records the step deadline of a case; a notice has none

    number = models.CharField(_("number"), max_length=40, unique=True, editable=False)
    permit = models.ForeignKey(
        LabourImmigrantPermit, verbose_name=_("permit"), on_delete=models.PROTECT, related_name="termination_notices"
    )
    unit = models.ForeignKey(
        TerritorialUnit,
        verbose_name=_("issuing unit"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        help_text=_("the permit's unit: the clerks who confirm the notice"),
    )
    employer = models.ForeignKey(Organisation, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="+")
    contract_ended_on = models.DateField(_("contract terminated on"))
    received_at = models.DateTimeField(_("received at"))
    channel = models.CharField(_("channel"), max_length=20)
    due_on = models.DateField(_("due by"))
    due_explanation = models.TextField(_("how the due date was counted"), blank=True)
    is_late = models.BooleanField(_("late"), default=False)
    submitted_by = models.ForeignKey(
        "casework.ApiClient", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.CharField(_("recorded by"), max_length=150, blank=True)
    status = FSMField(_("status"), default=NoticeStatus.CONFIRMED, choices=NoticeStatus.choices, protected=True)
    declared = models.JSONField(
        _("what the notifier declared"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("the names and numbers typed on the public form, for the clerk who checks the notice"),
    )
    decided_at = models.DateTimeField(_("confirmed or rejected at"), null=True, blank=True, editable=False)
    decided_by = models.CharField(_("confirmed or rejected by"), max_length=150, blank=True, editable=False)
    rejection_reason = models.TextField(_("reason of the rejection"), blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = GenericRelation(TransitionLog, content_type_field="case_type", object_id_field="case_id")

    class Meta:
        verbose_name = _("termination notice")
        verbose_name_plural = _("termination notices")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["status", "received_at"], name="lit_notice_status_idx")]

    def __str__(self) -> str:
        return self.number

    @transition(
        field=status,
        source=NoticeStatus.PENDING,
        target=NoticeStatus.CONFIRMED,
        permission="permits.terminate_labourimmigrantpermit",
        custom={"label": _("Confirm: the permit ends (004 §28)")},
    )
    def confirm(self, decided_at=None, decided_by: str = ""):
        self.decided_at = decided_at
        self.decided_by = decided_by

    @transition(
        field=status,
        source=NoticeStatus.PENDING,
        target=NoticeStatus.REJECTED,
        permission="permits.terminate_labourimmigrantpermit",
        custom={"label": _("Reject the notice")},
    )
    def reject(self, rejection: str = "", decided_at=None, decided_by: str = ""):
        self.rejection_reason = rejection
        self.decided_at = decided_at
        self.decided_by = decided_by

    @property
    def is_pending(self) -> bool:
        return self.status == NoticeStatus.PENDING


class RevocationStatus(models.TextChoices):
    PENDING_DELIVERY = "pending_delivery", _("information to internal affairs pending")
    DELIVERED = "delivered", _("information delivered to internal affairs")


class Revocation(Case):
    """Revocation of a permit on a control body's act (004 §36–§40). As a case, its step is the delivery of
    the annex 9 information to internal affairs within 2 working days (004 §39): overdue when not delivered."""

    NUMBER_PREFIX = "LIR"
    REGULATION_SERVICE = rules.SERVICE
    OPEN_STATES = (RevocationStatus.PENDING_DELIVERY,)
    Status = RevocationStatus

    class Ground(models.TextChoices):
        NON_HOUSEHOLD_WORK = (
            "non_household_work",
            _("labour activity not related to household work for the individual employer (004 §36)"),
        )

    status = FSMField(
        _("status"), default=RevocationStatus.PENDING_DELIVERY, choices=RevocationStatus.choices, protected=True
    )
    permit = models.ForeignKey(
        LabourImmigrantPermit, verbose_name=_("permit"), on_delete=models.PROTECT, related_name="revocations"
    )
    act_number = models.CharField(_("number of the control body's act"), max_length=100)
    act_date = models.DateField(_("date of the act"))
    act_body = models.CharField(_("control body"), max_length=300)
    ground = models.CharField(_("ground"), max_length=30, choices=Ground.choices, default=Ground.NON_HOUSEHOLD_WORK)
    revoked_on = models.DateField(_("revoked on"))
    leave_by = models.DateField(_("to leave the country by"))
    police_body = models.CharField(_("territorial internal affairs body"), max_length=300, blank=True)
    outbox_event_id = models.UUIDField(null=True, blank=True, editable=False)
    delivered_at = models.DateTimeField(_("delivered to internal affairs at"), null=True, blank=True, editable=False)
    delivery_channel = models.CharField(_("delivered through"), max_length=20, blank=True, editable=False)
    deadline_missed_on = models.DateField(_("deadline missed (flagged on)"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("permit revocation")
        verbose_name_plural = _("permit revocations")
        ordering = ["-revoked_on", "-id"]
        permissions = [("confirm_revocation_delivery", _("Can confirm delivery of revocation information"))]

    @transition(
        field=status,
        source=RevocationStatus.PENDING_DELIVERY,
        target=RevocationStatus.DELIVERED,
        permission="permits.confirm_revocation_delivery",
        custom={"label": _("Confirm delivery to internal affairs (annex 9)")},
    )
    def confirm_delivery(self, channel: str = "manual", at=None):
        self.delivery_channel = channel
        self.delivered_at = at
        deadlines.clear_step(self)

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return (
            self.status == RevocationStatus.PENDING_DELIVERY
            and self.step_deadline is not None
            and self.step_deadline < timezone.localdate()
        )


# --- foreign-labour permits to employers (seed 000): their own module, models of this app -----------------

from .foreign_labour.models import (  # noqa: E402, F401
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
