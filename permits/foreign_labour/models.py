"""Foreign-labour permits to employers (seed 000; DOMAIN.md §5): the application and its six flows, the permit,
the Commission on permits for foreign labour, fee payments and the service journal.

Imported by ``permits.models`` (the models belong to the ``permits`` app). The FSM transitions only set fields
(no I/O); ``permits.foreign_labour.services`` runs them through ``casework.services.run_transition``.
"""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition

from casework import deadlines
from casework.models import Case, Organisation, Person, TerritorialUnit, TransitionLog
from casework.services import condition

from . import rules


class FLPKind(models.TextChoices):
    """What the employer asks for (000 §1): shown by its label, never the raw value, on kk/ru pages."""

    ISSUE = rules.ISSUE, pgettext_lazy("permit application kind", "issue")
    REISSUE = rules.REISSUE, pgettext_lazy("permit application kind", "re-issue")
    EXTEND = rules.EXTEND, pgettext_lazy("permit application kind", "extension")


class FLPStatus(models.TextChoices):
    UNDER_CHECK = "under_check", _("under check by the responsible officer")
    REFERRED = "referred", _("referred to the Commission")
    APPROVED = "approved", _("approved; letter to the employer pending")
    AWAITING_FEE = "awaiting_fee", _("letter sent; awaiting the fee payment")
    AWAITING_SIGNATURE = "awaiting_signature", _("awaiting the head's signature")
    SIGNED = "signed", _("signed; to be issued against signature in the journal")
    ISSUED = "issued", _("issued")
    REFUSED = "refused", _("refused (motivated refusal)")
    FEE_LAPSED = "fee_lapsed", _("lapsed: the fee was not paid in time")


# --- conditions (each explains itself when it stops a transition) ---------------------------------


@condition(_("Only an application for issue goes to the Commission (000 §5, §8)."))
def needs_commission(app) -> bool:
    return app.flow.needs_commission


@condition(_("This flow has no Commission step: the officer's check and review decide (000 §5)."))
def no_commission(app) -> bool:
    return not app.flow.needs_commission


@condition(_("In this flow the employer is notified by letter before the signature (000 §5, §8)."))
def needs_letter(app) -> bool:
    return app.flow.needs_letter


@condition(_("In this flow the permit goes to the head's signature without a letter first (000 §5, §8)."))
def no_letter(app) -> bool:
    return not app.flow.needs_letter


@condition(_("The fee payment has not been confirmed by a clerk (000 §5: copies of the payment)."))
def fee_confirmed(app) -> bool:
    return app.fee_payments.filter(status=FeePayment.Status.CONFIRMED).exists()


class ForeignLabourPermitApplication(Case):
    """An employer's application for the issue, re-issue or extension of a permit to attract foreign labour,
    ordinary or within an intra-corporate transfer (000 §1, §5). Numbers: ``FLP-2026-000001``."""

    NUMBER_PREFIX = "FLP"
    REGULATION_SERVICE = rules.SERVICE  # casework.regulations: the versions ``regulation_version`` names
    Status = FLPStatus
    OPEN_STATES = (
        FLPStatus.UNDER_CHECK,
        FLPStatus.REFERRED,
        FLPStatus.APPROVED,
        FLPStatus.AWAITING_FEE,
        FLPStatus.AWAITING_SIGNATURE,
        FLPStatus.SIGNED,
    )
    REFUSABLE_STATES = (
        FLPStatus.UNDER_CHECK,
        FLPStatus.REFERRED,
        FLPStatus.APPROVED,
        FLPStatus.AWAITING_FEE,
        FLPStatus.AWAITING_SIGNATURE,
    )

    status = FSMField(_("status"), default=FLPStatus.UNDER_CHECK, choices=FLPStatus.choices, protected=True)
    kind = models.CharField(_("kind"), max_length=30, choices=FLPKind.choices)
    intra_corporate = models.BooleanField(_("within an intra-corporate transfer"), default=False)
    employer = models.ForeignKey(Organisation, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="+")
    term_months = models.PositiveSmallIntegerField(_("term, months"), null=True, blank=True)
    sending_company = models.CharField(
        _("foreign company sending the transferees"),
        max_length=300,
        blank=True,
        help_text=_("intra-corporate transfer"),
    )
    current_permit = models.ForeignKey(
        "ForeignLabourPermit",
        verbose_name=_("permit re-issued or extended"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_up_applications",
    )
    result_permit = models.ForeignKey(
        "ForeignLabourPermit",
        verbose_name=_("permit issued"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reissue_reason = models.CharField(_("ground of the re-issue"), max_length=300, blank=True)
    changes = models.JSONField(_("data changed by the re-issue"), default=dict, blank=True)
    # Minute-level steps (000 §5: registration 20 min, signature 15 min) are recorded with timestamps.
    registered_at = models.DateTimeField(_("registered at (receipt given)"), null=True, blank=True, editable=False)
    referred_on = models.DateField(_("referred to the Commission on"), null=True, blank=True, editable=False)
    commission_decided_on = models.DateField(_("Commission protocol of"), null=True, blank=True, editable=False)
    approved_on = models.DateField(_("check / review completed on"), null=True, blank=True, editable=False)
    letter_sent_on = models.DateField(_("letter to the employer sent on"), null=True, blank=True, editable=False)
    fee_due_on = models.DateField(_("fee payment due by"), null=True, blank=True, editable=False)
    fee_due_explanation = models.TextField(_("how the fee term was counted"), blank=True, editable=False)
    signature_requested_at = models.DateTimeField(_("put before the head at"), null=True, blank=True, editable=False)
    signature_due_at = models.DateTimeField(_("signature due by"), null=True, blank=True, editable=False)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True, editable=False)
    signed_by = models.CharField(_("signed by"), max_length=150, blank=True, editable=False)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True, editable=False)
    refused_at_step = models.CharField(_("refused at the step"), max_length=60, blank=True, editable=False)
    refusal_reason = models.TextField(_("reasons of the refusal"), blank=True, editable=False)
    decided_on = models.DateField(_("decided on"), null=True, blank=True, editable=False)
    lapsed_on = models.DateField(_("lapsed on"), null=True, blank=True, editable=False)
    # Portal route (000 §9): the EDS-signed request as received and who signed it.
    signed_payload = models.JSONField(_("signed request (portal)"), null=True, blank=True, editable=False)
    signer_id = models.CharField(_("signer's IIN/BIN"), max_length=12, blank=True, editable=False)
    signature = models.JSONField(_("electronic signature"), default=dict, blank=True, editable=False)
    deadline_missed_on = models.DateField(_("deadline missed (flagged on)"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        "casework.ApiClient", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("foreign-labour permit application")
        verbose_name_plural = _("foreign-labour permit applications")
        ordering = ["-received_at"]
        permissions = [
            ("check_flp_application", _("Can check foreign-labour permit applications and write letters")),
            ("record_flp_commission", _("Can record the foreign-labour Commission's protocol")),
            ("confirm_flp_fee", _("Can confirm foreign-labour permit fee payments")),
            ("sign_flp_permit", _("Can sign foreign-labour permits")),
            ("issue_flp_permit", _("Can issue foreign-labour permits against signature in the journal")),
            ("refuse_flp_application", _("Can refuse foreign-labour permit applications")),
        ]

    @property
    def regulation(self) -> rules.Regulation:
        return rules.regulation(self.regulation_version)

    @property
    def flow(self) -> rules.Flow:
        return rules.flow(self.kind, self.intra_corporate, self.regulation)

    @property
    def registration_minutes(self) -> int | None:
        if not self.registered_at:
            return None
        return int((self.registered_at - self.received_at).total_seconds() // 60)

    @property
    def registered_in_time(self) -> bool | None:
        minutes = self.registration_minutes
        return None if minutes is None else minutes <= self.flow.registration_minutes

    @property
    def signed_in_time(self) -> bool | None:
        if not (self.signed_at and self.signature_due_at):
            return None
        return self.signed_at <= self.signature_due_at

    # -- transitions (no I/O) --------------------------------------------------------------------------

    @transition(
        field=status,
        source=FLPStatus.UNDER_CHECK,
        target=FLPStatus.REFERRED,
        conditions=[needs_commission],
        permission="permits.check_flp_application",
        custom={"label": _("Documents comply: refer to the Commission")},
    )
    def refer_to_commission(self, on=None):
        """000 §8(2): the officer checks the package and sends it to the Commission; it reviews within 4 WD."""
        self.referred_on = on
        deadlines.set_step(
            self, "commission", on, self.flow.commission_working_days, event=_("referral to the Commission")
        )

    @transition(
        field=status,
        source=FLPStatus.UNDER_CHECK,
        target=FLPStatus.APPROVED,
        conditions=[no_commission, needs_letter],
        permission="permits.check_flp_application",
        custom={"label": _("Check and review complete: write the letter")},
    )
    def approve_for_letter(self, on=None):
        """000 §5 extension: check and review 3 WD, then the letter within 1 WD."""
        self.approved_on = on
        deadlines.set_step(self, "letter", on, self.flow.letter_working_days, event=_("check and review"))

    @transition(
        field=status,
        source=FLPStatus.UNDER_CHECK,
        target=FLPStatus.AWAITING_SIGNATURE,
        conditions=[no_commission, no_letter],
        permission="permits.check_flp_application",
        custom={"label": _("Check and review complete: to the head's signature")},
    )
    def approve_for_signature(self, on=None, at=None, due_at=None):
        """000 §5 re-issue; intra-corporate re-issue and extension: check and review 5 WD, then the signature."""
        self.approved_on = on
        self._to_signature(on, at, due_at)

    @transition(
        field=status,
        source=FLPStatus.REFERRED,
        target=FLPStatus.APPROVED,
        conditions=[needs_letter],
        permission="permits.record_flp_commission",
    )
    def commission_approves(self, on=None):
        """000 §8(3)–(4): the protocol recommends the permit; the officer writes to the employer within 1 WD."""
        self.commission_decided_on = on
        deadlines.set_step(self, "letter", on, self.flow.letter_working_days, event=_("Commission protocol"))

    @transition(
        field=status,
        source=FLPStatus.REFERRED,
        target=FLPStatus.AWAITING_SIGNATURE,
        conditions=[no_letter],
        permission="permits.record_flp_commission",
    )
    def commission_approves_transfer(self, on=None, at=None, due_at=None):
        """000 §8 intra-corporate issue: after the protocol the head signs (15 min), then notify and issue."""
        self.commission_decided_on = on
        self._to_signature(on, at, due_at)

    @transition(
        field=status,
        source=FLPStatus.APPROVED,
        target=FLPStatus.AWAITING_FEE,
        permission="permits.check_flp_application",
        custom={"label": _("Letter to the employer sent")},
    )
    def send_letter(self, on=None, fee_due=None):
        """000 §5–§8: issue within 11 WD of the letter; the fee payment's copies within 10 of them."""
        self.letter_sent_on = on
        self.fee_due_on = fee_due.due if fee_due else None
        self.fee_due_explanation = fee_due.explanation if fee_due else ""
        deadlines.set_step(self, "fee_and_issue", on, self.flow.issue_working_days, event=_("letter to the employer"))

    @transition(
        field=status,
        source=FLPStatus.AWAITING_FEE,
        target=FLPStatus.AWAITING_SIGNATURE,
        conditions=[fee_confirmed],
        permission="permits.confirm_flp_fee",
    )
    def fee_paid(self, on=None, at=None, due_at=None):
        """The clerk confirmed the fee payment: the permit goes to the head (the issue term still runs)."""
        self.signature_requested_at = at
        self.signature_due_at = due_at

    @transition(field=status, source=FLPStatus.AWAITING_FEE, target=FLPStatus.FEE_LAPSED)
    def lapse(self, on=None):
        """DOMAIN.md §5 ruling: no fee payment within 10 WD of the letter → the application lapses."""
        self.lapsed_on = on
        deadlines.clear_step(self)

    @transition(
        field=status,
        source=FLPStatus.AWAITING_SIGNATURE,
        target=FLPStatus.SIGNED,
        permission="permits.sign_flp_permit",
        custom={"label": _("Sign the permit (head)")},
    )
    def sign(self, at=None, by=""):
        """000 §8(5): the head reads the documents and signs — 15 minutes."""
        self.signed_at = at
        self.signed_by = by
        if not self.flow.issue_counted_from_letter:
            signed_on = timezone.localtime(at).date()
            deadlines.set_step(self, "issue", signed_on, self.flow.issue_working_days, event=_("signature"))

    @transition(
        field=status,
        source=FLPStatus.SIGNED,
        target=FLPStatus.ISSUED,
        permission="permits.issue_flp_permit",
    )
    def issue(self, permit=None, at=None):
        """000 §8(6): the office issues the permit against the employer's signature in the service journal."""
        self.result_permit = permit
        self.issued_at = at
        self.decided_on = timezone.localtime(at).date() if at else None
        deadlines.clear_step(self)

    @transition(
        field=status,
        source=list(REFUSABLE_STATES),
        target=FLPStatus.REFUSED,
        permission="permits.refuse_flp_application",
    )
    def refuse(self, grounds: str = "", on=None):
        """000 §3: a motivated refusal, possible at each step; the step it was refused at is kept."""
        self.refused_at_step = self.step_name or self.status
        self.refusal_reason = grounds
        self.decided_on = on
        deadlines.clear_step(self)

    def _to_signature(self, on, at, due_at):
        self.signature_requested_at = at
        self.signature_due_at = due_at
        deadlines.set_step(self, "signature", on, 0, event=_("put before the head"))


class RequestedWorker(models.Model):
    """One line of the employer's request: foreign workers of a profession and qualification category for a
    term and territory — or, in an intra-corporate transfer, one named transferee."""

    application = models.ForeignKey(ForeignLabourPermitApplication, on_delete=models.CASCADE, related_name="workers")
    profession = models.CharField(_("profession / position"), max_length=200)
    qualification_category = models.CharField(
        _("qualification category"), max_length=10, choices=list(rules.CATEGORIES.items())
    )
    count = models.PositiveIntegerField(_("number of workers"), default=1)
    territory = models.ForeignKey(
        TerritorialUnit, verbose_name=_("place of work"), on_delete=models.PROTECT, related_name="+"
    )
    transferee = models.ForeignKey(
        Person, verbose_name=_("transferee"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("requested worker")
        verbose_name_plural = _("requested workers")
        ordering = ["application_id", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(count__gte=1), name="flp_worker_count_positive")]

    def __str__(self) -> str:
        who = self.transferee.full_name if self.transferee_id else f"× {self.count}"
        return f"{self.profession} ({self.qualification_category}) {who}"

    def as_dict(self) -> dict:
        return {
            "profession": self.profession,
            "qualification_category": self.qualification_category,
            "count": self.count,
            "territory": self.territory.code,
            "territory_name": self.territory.name_ru,
            "transferee": self.transferee.full_name if self.transferee_id else None,
            "passport_number": self.transferee.passport_number if self.transferee_id else None,
            "citizenship": self.transferee.citizenship if self.transferee_id else None,
        }


# --- the permit ------------------------------------------------------------------------------------


class FLPermitStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    EXPIRED = "expired", _("expired")
    REVOKED = "revoked", _("revoked")


class ForeignLabourPermit(models.Model):
    """A permit to an employer to attract foreign labour (000 §3). A re-issue replaces the document and keeps
    the term; an extension lengthens it. Each such change bumps ``version``, so casework.pdf renders a new
    document that supersedes the previous one (same permit number)."""

    STATE_FIELD = "status"
    OPEN_STATES: tuple[str, ...] = ()
    DOCUMENT_PREFIX = "FLP"
    Status = FLPermitStatus
    step_deadline = None  # run_transition records a case's step deadline; a permit has no procedural step

    number = models.CharField(_("permit number"), max_length=40, unique=True, editable=False)
    unit = models.ForeignKey(
        TerritorialUnit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="+"
    )
    employer = models.ForeignKey(Organisation, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="+")
    employer_name = models.CharField(_("employer's name on the permit"), max_length=300)
    application = models.ForeignKey(
        ForeignLabourPermitApplication, verbose_name=_("application"), on_delete=models.PROTECT, related_name="+"
    )
    intra_corporate = models.BooleanField(_("within an intra-corporate transfer"), default=False)
    workers = models.JSONField(_("foreign workers permitted"), default=list)
    workers_total = models.PositiveIntegerField(_("number of foreign workers"), default=0)
    term_months = models.PositiveSmallIntegerField(_("term, months (with extensions)"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    issued_on = models.DateField(_("issued on"))
    last_change = models.CharField(_("last document"), max_length=10, default=rules.ISSUE, editable=False)
    reissues = models.PositiveSmallIntegerField(_("re-issues"), default=0, editable=False)
    extensions = models.PositiveSmallIntegerField(_("extensions"), default=0, editable=False)
    quota = models.ForeignKey(
        "permits.Quota", verbose_name=_("quota"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quota_units = models.PositiveIntegerField(_("quota units held"), default=0, editable=False)
    status = FSMField(_("status"), default=FLPermitStatus.ACTIVE, choices=FLPermitStatus.choices, protected=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = GenericRelation(TransitionLog, content_type_field="case_type", object_id_field="case_id")

    class Meta:
        verbose_name = _("foreign-labour permit")
        verbose_name_plural = _("foreign-labour permits")
        ordering = ["-issued_on", "-id"]
        permissions = [("revoke_foreignlabourpermit", _("Can revoke foreign-labour permits"))]
        indexes = [models.Index(fields=["status", "valid_to"], name="flp_permit_status_valid_to")]

    def __str__(self) -> str:
        return self.number

    @transition(field=status, source=FLPermitStatus.ACTIVE, target=FLPermitStatus.EXPIRED)
    def expire(self, ended_on=None):
        self.ended_on = ended_on

    @transition(
        field=status,
        source=FLPermitStatus.ACTIVE,
        target=FLPermitStatus.REVOKED,
        permission="permits.revoke_foreignlabourpermit",
    )
    def revoke(self, ended_on=None):
        self.ended_on = ended_on


# --- the Commission (000 §7(3), §8(3)) --------------------------------------------------------------


class CommissionMember(models.Model):
    """A member of the Commission on permits for foreign labour."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        DEPUTY = "deputy", _("deputy chair")
        SECRETARY = "secretary", _("secretary")
        MEMBER = "member", _("member")

    unit = models.ForeignKey(
        TerritorialUnit, verbose_name=_("territorial unit"), on_delete=models.PROTECT, related_name="+"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(_("position"), max_length=300, blank=True)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("foreign-labour Commission member")
        verbose_name_plural = _("foreign-labour Commission members")
        ordering = ["unit_id", "role", "full_name"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_role_display()})"


class CommissionMeeting(models.Model):
    """A meeting of the Commission: its agenda of referred applications and, once held, its protocol with each
    decision and its reasons (000 §6(3), §8(3))."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held; protocol recorded")

    DOCUMENT_PREFIX = "FLP"

    number = models.CharField(_("protocol number"), max_length=40, unique=True, editable=False)
    unit = models.ForeignKey(
        TerritorialUnit, verbose_name=_("territorial unit"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("meeting date"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED, editable=False
    )
    members_present = models.ManyToManyField(CommissionMember, verbose_name=_("members present"), blank=True)
    protocol_recorded_at = models.DateTimeField(_("protocol recorded at"), null=True, blank=True, editable=False)
    protocol_recorded_by = models.CharField(_("protocol recorded by"), max_length=150, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("foreign-labour Commission meeting")
        verbose_name_plural = _("foreign-labour Commission meetings")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        if self.held_on is None:  # a meeting being added in the admin
            return self.number or str(_("new meeting"))
        return f"{self.number} ({self.held_on:%d.%m.%Y})"


class AgendaItem(models.Model):
    """An application referred to the Commission, on a meeting's agenda, with the decision and its reasons."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("not yet decided")
        APPROVE = "approve", _("issue the permit")
        REFUSE = "refuse", _("refuse")

    meeting = models.ForeignKey(CommissionMeeting, on_delete=models.CASCADE, related_name="agenda")
    application = models.ForeignKey(
        ForeignLabourPermitApplication, on_delete=models.PROTECT, related_name="agenda_items"
    )
    position = models.PositiveSmallIntegerField(_("item"), default=1)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    reasons = models.TextField(_("reasons"), blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda")
        ordering = ["meeting_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "application"], name="flp_agenda_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.application.number}"


# --- fee payments -------------------------------------------------------------------------------------


class FeePayment(models.Model):
    """The employer's proof of paying the fee for the permit (000 §5: copies within 10 working days of the
    letter), uploaded through the API, the public form or at the office; a clerk confirms or rejects it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted; awaiting confirmation")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")

    application = models.ForeignKey(
        ForeignLabourPermitApplication, on_delete=models.PROTECT, related_name="fee_payments"
    )
    attachment = models.ForeignKey(
        "casework.Attachment", verbose_name=_("copy of the payment document"), on_delete=models.PROTECT
    )
    amount = models.DecimalField(_("amount, tenge"), max_digits=14, decimal_places=2, null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    channel = models.CharField(_("received through"), max_length=20)
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.CharField(_("submitted by"), max_length=150, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED, editable=False
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    reviewed_by = models.CharField(_("reviewed by"), max_length=150, blank=True, editable=False)
    rejection_reason = models.TextField(_("reason of the rejection"), blank=True, editable=False)

    class Meta:
        verbose_name = _("fee payment")
        verbose_name_plural = _("fee payments")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.application.number}: {self.get_status_display()}"


# --- the service journal (000 §6(6), §8(6)) ----------------------------------------------------------


class ServiceJournalEntry(models.Model):
    """The journal of the public service: the permit was handed out against the recipient's signature.
    A record — who collected, when, which document — that can be printed (admin) or extracted as a PDF."""

    DOCUMENT_PREFIX = "FLP"

    number = models.CharField(_("entry number"), max_length=40, unique=True, editable=False)
    unit = models.ForeignKey(
        TerritorialUnit, verbose_name=_("territorial unit"), on_delete=models.PROTECT, related_name="+"
    )
    application = models.ForeignKey(
        ForeignLabourPermitApplication, verbose_name=_("application"), on_delete=models.PROTECT, related_name="+"
    )
    permit = models.ForeignKey(
        ForeignLabourPermit, verbose_name=_("permit"), on_delete=models.PROTECT, related_name="journal_entries"
    )
    document_number = models.CharField(_("document number"), max_length=40)
    collected_by = models.CharField(_("collected by (full name)"), max_length=200)
    collector_document = models.CharField(_("collector's identity document / IIN"), max_length=100, blank=True)
    power_of_attorney = models.CharField(_("power of attorney"), max_length=200, blank=True)
    collected_at = models.DateTimeField(_("collected at"))
    signed_in_journal = models.BooleanField(_("signed in the journal"), default=True)
    recorded_by = models.CharField(_("recorded by"), max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("service journal entry")
        verbose_name_plural = _("service journal")
        ordering = ["-collected_at", "-id"]

    def __str__(self) -> str:
        return self.number


class EmployerNotice(models.Model):
    """One message of one kind to the employer about one application (the notice job is idempotent)."""

    application = models.ForeignKey(ForeignLabourPermitApplication, on_delete=models.CASCADE, related_name="notices")
    event = models.CharField(max_length=30)
    reference = models.CharField(max_length=100, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "event"], name="flp_employer_notice_once")]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.event}"
