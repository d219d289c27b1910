"""A complaint about a decision, action or inaction of any service (DOMAIN.md §6; 003 §24–§28, 004 §32–§35).

The state machine follows the acts::

    registered ──grant_by_provider (in full, within 3 WD: not forwarded, 003 §24 / 004 §32)──► granted
        │
        └─forward (within 3 WD; later → recorded as late)──► forwarded ──start_review──► under_review
                                                                           ├─grant (in full / in part)──► granted
                                                                           └─reject (with reasons)─────► rejected

Terms (complaints.rules): forwarding 3 WD from registration (step deadline while registered); the
decision 5 WD from registration when addressed to the provider or the State Corporation head, 15 WD
when addressed to the quality-control body (``due_date``). A complaint is a ``casework.Case``, so it
has the common number, channel, history, attachments, unit scoping and stop-the-clock.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from casework import deadlines
from casework.models import Case, IssuedDocument, Organisation, Person, TransitionLog
from casework.services import condition

from . import rules


@condition(
    _(
        "The provider may settle a complaint itself only within 3 working days of its registration; "
        "after that it must forward it to the reviewing body (003 §24, 004 §32)."
    )
)
def within_forwarding_term(complaint) -> bool:
    return complaint.step_deadline is None or timezone.localdate() <= complaint.step_deadline


class Complaint(Case):
    NUMBER_PREFIX = "CMP"
    REGULATION_SERVICE = rules.SERVICE  # casework.regulations: the versions ``regulation_version`` names

    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered")
        FORWARDED = "forwarded", _("forwarded to the reviewing body")
        UNDER_REVIEW = "under_review", _("under review")
        GRANTED = "granted", _("granted")
        REJECTED = "rejected", _("rejected")

    OPEN_STATES = (Status.REGISTERED, Status.FORWARDED, Status.UNDER_REVIEW)

    status = FSMField(_("status"), default=Status.REGISTERED, choices=Status.choices, protected=True)
    subject = models.CharField(_("what is challenged"), max_length=20, choices=list(rules.SUBJECTS.items()))
    addressee = models.CharField(_("addressed to"), max_length=30, choices=list(rules.ADDRESSEES.items()))

    # What is challenged: an application of any service (by its number), and optionally one of its
    # issued documents or one clerk action (a history row) on it.
    challenged_type = models.ForeignKey(
        ContentType, verbose_name=_("service"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    challenged_id = models.PositiveBigIntegerField(editable=False)
    challenged = GenericForeignKey("challenged_type", "challenged_id")
    challenged_number = models.CharField(_("challenged application"), max_length=40, db_index=True, editable=False)
    challenged_document = models.ForeignKey(
        IssuedDocument,
        verbose_name=_("challenged document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    challenged_action = models.ForeignKey(
        TransitionLog,
        verbose_name=_("challenged clerk action"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    complainant_role = models.CharField(
        _("complainant is"), max_length=20, choices=list(rules.COMPLAINANT_ROLES.items())
    )
    complainant = models.ForeignKey(
        Person,
        verbose_name=_("complainant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The applicant, or their representative."),
    )
    complainant_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("complaining employer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("the complaint"))

    reviewing_body = models.CharField(_("reviewing body"), max_length=300, blank=True)
    forwarded_on = models.DateField(_("forwarded on"), null=True, blank=True, editable=False)
    forwarded_late = models.BooleanField(
        _("forwarded after 3 working days"),
        default=False,
        editable=False,
        help_text=_("003 §24, 004 §32: the complaint and the case must be forwarded within 3 working days."),
    )
    review_started_on = models.DateField(_("review started on"), null=True, blank=True, editable=False)

    extent = models.CharField(
        _("granted"), max_length=10, choices=list(rules.EXTENTS.items()), blank=True, editable=False
    )
    decided_by_provider = models.BooleanField(_("settled by the provider itself"), default=False, editable=False)
    decision_text = models.TextField(_("decision and its reasons"), blank=True, editable=False)
    corrective_action = models.TextField(_("corrective action taken"), blank=True, editable=False)
    corrective_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    corrective_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    corrective_case = GenericForeignKey("corrective_type", "corrective_id")
    corrective_number = models.CharField(_("reopened / corrected case"), max_length=40, blank=True, editable=False)
    decided_on = models.DateField(_("decided on"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        permissions = [
            ("handle_complaint", _("Can forward complaints and record their review")),
            ("decide_complaint", _("Can decide complaints")),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="complaint_queue"),
            models.Index(fields=["challenged_type", "challenged_id"], name="complaint_challenged"),
        ]

    @property
    def complainant_name(self) -> str:
        if self.complainant_role == rules.EMPLOYER and self.complainant_organisation_id:
            return self.complainant_organisation.name
        return self.complainant.full_name if self.complainant_id else ""

    @property
    def is_overdue(self) -> bool:
        """Open, clock running, and its current step deadline has passed."""
        return (
            self.status in self.OPEN_STATES
            and not self.clock_stopped
            and self.step_deadline is not None
            and timezone.localdate() > self.step_deadline
        )

    def _review_step(self) -> None:
        # The step after forwarding is the review, due on the complaint's due date (same basis,
        # including any stop-the-clock shift already applied to it).
        self.step_name = "review"
        self.step_started_on = self.due_started_on
        self.step_term_days = self.due_term_days
        self.step_term_unit = self.due_term_unit
        self.step_deadline = self.due_date
        self.deadline_explanation = (
            deadlines.compute(self.due_started_on, self.due_term_days, self.due_term_unit).explanation
            if self.due_started_on
            else ""
        )

    def _decided(self, extent: str, decision: str, corrective_action: str) -> None:
        self.extent = extent
        self.decision_text = decision
        self.corrective_action = corrective_action
        self.decided_on = timezone.localdate()
        deadlines.clear_step(self)

    @transition(
        field=status,
        source=Status.REGISTERED,
        target=Status.GRANTED,
        conditions=[within_forwarding_term],
        permission="complaints.decide_complaint",
        custom={"label": _("Grant in full (provider, within 3 working days)")},
    )
    def grant_by_provider(self, decision: str = "", corrective_action: str = ""):
        # 003 §24 ¶3, 004 §32 ¶3: satisfied in full within 3 WD → need not be forwarded.
        self.decided_by_provider = True
        self._decided(rules.FULL, decision, corrective_action)

    @transition(
        field=status,
        source=Status.REGISTERED,
        target=Status.FORWARDED,
        permission="complaints.handle_complaint",
        custom={"label": _("Forward with the case to the reviewing body")},
    )
    def forward(self, reviewing_body: str = ""):
        today = timezone.localdate()
        self.forwarded_on = today
        # 003 §24 ¶2, 004 §32 ¶2: not later than 3 WD from receipt; later is recorded, not refused.
        self.forwarded_late = bool(self.step_deadline and today > self.step_deadline)
        self.reviewing_body = reviewing_body or self.reviewing_body
        self._review_step()

    @transition(
        field=status,
        source=Status.FORWARDED,
        target=Status.UNDER_REVIEW,
        permission="complaints.handle_complaint",
        custom={"label": _("Review started")},
    )
    def start_review(self):
        self.review_started_on = timezone.localdate()

    @transition(
        field=status,
        source=Status.UNDER_REVIEW,
        target=Status.GRANTED,
        permission="complaints.decide_complaint",
        custom={"label": _("Grant")},
    )
    def grant(self, extent: str = rules.FULL, decision: str = "", corrective_action: str = ""):
        self._decided(extent, decision, corrective_action)

    @transition(
        field=status,
        source=Status.UNDER_REVIEW,
        target=Status.REJECTED,
        permission="complaints.decide_complaint",
        custom={"label": _("Reject with reasons")},
    )
    def reject(self, decision: str = ""):
        self._decided("", decision, "")
