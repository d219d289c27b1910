"""Qualification certificates for self-employment (seed 003): the catalogue, applications with their
state machine, Commission protocols, certificates with their lifecycle, holder notices, revocations.

Only ``certificates.services`` changes state (through ``casework.services.run_transition`` for
applications and ``certificates.services`` for certificates). Transition methods are small: source,
target, conditions naming their clause, the step deadline from the calendar; no I/O.

For the documents engine (``certificates/documents.py``): the facts printed on each annex form are
fields named after what the form prints — see each model's docstring.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, transition

from casework import deadlines
from casework.models import Case, Organisation, Person, TerritorialUnit, TransitionLog
from casework.services import condition

from . import rules

# --------------------------------------------------------------------------------------------------
# Reference data: the order's annex 2 (priority sectors, kinds of economic activity, professions).
# --------------------------------------------------------------------------------------------------


class Profession(models.Model):
    """One in-demand profession (or position) of the order's annex 2 "list of priority sectors, kinds of
    economic activity and in-demand professions", in Kazakh (the act's text) and Russian.

    ``code`` is "sector.activity.item[.position]" in the order of the list (e.g. "1.1.1.4" = education /
    general secondary education / teacher / physics teacher). ``group_*`` is the heading a position
    belongs to ("Teacher – levels 6 and 7 of the National qualifications framework"), empty when the
    profession stands alone. An entry removed by an amendment is made inactive, never deleted: old
    applications and certificates keep pointing to it.
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    sector_code = models.CharField(_("sector No."), max_length=5)
    sector_kk = models.CharField(_("priority sector (kk)"), max_length=300)
    sector_ru = models.CharField(_("priority sector (ru)"), max_length=300)
    activity_kk = models.CharField(_("kind of economic activity (kk)"), max_length=300)
    activity_ru = models.CharField(_("kind of economic activity (ru)"), max_length=300)
    group_kk = models.CharField(_("group (kk)"), max_length=400, blank=True)
    group_ru = models.CharField(_("group (ru)"), max_length=400, blank=True)
    name_kk = models.CharField(_("profession (kk)"), max_length=500)
    name_ru = models.CharField(_("profession (ru)"), max_length=500)
    position = models.PositiveIntegerField(_("order in the list"), default=0)
    active = models.BooleanField(_("in the list"), default=True)

    class Meta:
        verbose_name = _("in-demand profession")
        verbose_name_plural = _("catalogue of in-demand professions")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def localized(self, field: str, lang: str | None = None) -> str:
        lang = (lang or get_language() or "ru")[:2]
        return getattr(self, f"{field}_{'kk' if lang == 'kk' else 'ru'}")

    @property
    def name(self) -> str:
        return self.localized("name")

    @property
    def full_name(self) -> str:
        """The name as printed on the certificate: the group heading (when any) and the position."""
        group = self.localized("group")
        return f"{group}: {self.name}" if group else self.name


ProfessionCatalogue = Profession  # the catalogue's entries, under the name the issue uses


# --------------------------------------------------------------------------------------------------
# The Commission (003 §6, §9).
# --------------------------------------------------------------------------------------------------


class CommissionMember(models.Model):
    """A member of the Commission the local executive body creates (003 §6): representatives of local
    bodies, education, internal affairs, industry, the Atameken chamber, associations, sector bodies."""

    unit = models.ForeignKey(TerritorialUnit, verbose_name=_("local executive body"), on_delete=models.PROTECT)
    full_name = models.CharField(_("full name"), max_length=300)
    position = models.CharField(_("position"), max_length=300, blank=True)
    represents = models.CharField(_("body represented"), max_length=300, blank=True)
    is_chair = models.BooleanField(_("chair"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("Commission member")
        verbose_name_plural = _("Commission members")
        ordering = ["unit", "-is_chair", "full_name"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.represents})" if self.represents else self.full_name


# --------------------------------------------------------------------------------------------------
# Conditions of the application's transitions (each explains itself, casework.services.condition).
# --------------------------------------------------------------------------------------------------


@condition(
    _(
        "The documents required by 003 annex 2 row 8 are not all attached: refuse to accept instead "
        "(annex 2 row 9, last paragraph)."
    )
)
def documents_complete(application) -> bool:
    return not application.missing_required_documents()


@condition(
    _(
        "Only an application for issue goes to the Commission (003 §7–§9); extension, re-issue and "
        "duplicate are decided by the office (003 §16, §22, §22-1)."
    )
)
def goes_to_commission(application) -> bool:
    return rules.needs_commission(application.kind)


@condition(_("Record the Commission protocol first: members present, each criterion, the points (003 §9–§10)."))
def protocol_recorded(application) -> bool:
    protocol = CommissionProtocol.objects.filter(application_id=application.pk).first()
    return protocol is not None and protocol.members_present.exists()


@condition(
    _(
        "An application for issue is decided on the Commission's recommendation (003 §9, §11): "
        "refer it and record the protocol first."
    )
)
def commission_assessed_if_required(application) -> bool:
    return not rules.needs_commission(application.kind) or application.status == CertificateApplication.Status.ASSESSED


@condition(
    _(
        "The Commission recommended a refusal or the confirmed score is below six points "
        "(003 §10, annex 2 row 9 p.2): the certificate cannot be issued."
    )
)
def commission_recommends_issue(application) -> bool:
    if not rules.needs_commission(application.kind):
        return True
    protocol = CommissionProtocol.objects.filter(application_id=application.pk).first()
    return (
        protocol is not None
        and protocol.recommendation == CommissionProtocol.Recommendation.ISSUE
        and protocol.confirmed_points >= rules.regulation(application.regulation_version).pass_mark
    )


# --------------------------------------------------------------------------------------------------
# The application.
# --------------------------------------------------------------------------------------------------


class CertificateApplication(Case):
    """An application for a qualification certificate (003 annex 1): issue, extend, re-issue, duplicate.

    Annex 1 prints: the body (``unit``), the applicant (``applicant``: name, passport No./date/issuer,
    address, phone, address in the country of residence), what is asked (``kind``), the profession and
    sector from the list (``profession``), the employer for an extension (``employer``: name and BIN/IIN),
    the consent to personal data processing (``personal_data_consent_at``), the attachments
    (``attachments``), the date (``received_at``).

    ``due_date`` is the expected result date shown to the applicant from the moment of filing (003 §5);
    ``step_name`` / ``step_deadline`` the current step's term (§7, §9, §11, §16, §22, §22-1).
    """

    NUMBER_PREFIX = "QC"
    REGULATION_SERVICE = rules.SERVICE  # casework.regulations: the versions ``regulation_version`` names

    class Kind(models.TextChoices):
        ISSUE = rules.ISSUE, _("issue")
        EXTEND = rules.EXTEND, _("extension")
        REISSUE = rules.REISSUE, _("re-issue")
        DUPLICATE = rules.DUPLICATE, _("duplicate")

    class ReissueReason(models.TextChoices):
        IDENTITY_CHANGE = rules.IDENTITY_CHANGE, _("change of name or identity document (003 §22)")
        EMPLOYER_CHANGE = rules.EMPLOYER_CHANGE, _("change of employer (003 §19, §22)")

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        REFUSED_TO_ACCEPT = "refused_to_accept", _("refused to accept")
        REGISTERED = "registered", _("registered")
        REFERRED = "referred", _("referred to the Commission")
        ASSESSED = "assessed", _("assessed by the Commission")
        ISSUED = "issued", _("issued")
        REFUSED = "refused", _("refused")

    class RefusalGround(models.TextChoices):
        PROFESSION_NOT_IN_LIST = rules.PROFESSION_NOT_IN_LIST, _("profession / qualification does not meet the list")
        SCORE_BELOW_PASS_MARK = rules.SCORE_BELOW_PASS_MARK, _("score below six points")
        UNRELIABLE_DOCUMENTS = rules.UNRELIABLE_DOCUMENTS, _("unreliable documents or data")

    class NonAcceptanceGround(models.TextChoices):
        INCOMPLETE_DOCUMENTS = rules.INCOMPLETE_DOCUMENTS, _("incomplete set of documents")
        EXPIRED_DOCUMENTS = rules.EXPIRED_DOCUMENTS, _("expired documents")

    class DeadlineFlag(models.TextChoices):
        ON_TIME = "", _("on time")
        DUE_SOON = "due_soon", _("due soon")
        OVERDUE = "overdue", _("overdue")

    OPEN_STATES = (Status.RECEIVED, Status.REGISTERED, Status.REFERRED, Status.ASSESSED)
    FINAL_STATES = (Status.REFUSED_TO_ACCEPT, Status.ISSUED, Status.REFUSED)

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    status = FSMField(_("status"), default=Status.RECEIVED, choices=Status.choices, protected=True)
    applicant = models.ForeignKey(
        Person, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="certificate_applications"
    )
    profession = models.ForeignKey(Profession, verbose_name=_("profession"), on_delete=models.PROTECT, related_name="+")
    # Declared education (003 §10 1)):
    # [{"kind": "higher" | "degree" | "english_certificate", "specialty": ..., "document_number": ...}]
    education = models.JSONField(_("declared education"), default=list, blank=True)
    experience_years = models.PositiveSmallIntegerField(_("declared experience, whole years"), default=0)
    proposed_points = models.PositiveSmallIntegerField(
        _("score proposed from the declaration"),
        null=True,
        blank=True,
        help_text=_(
            "003 §10 computed from the declared education and experience; the Commission confirms or corrects it."
        ),
    )
    employer = models.ForeignKey(
        Organisation,
        verbose_name=_("employer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The employer of the labour contract (extension, re-issue for a new employer)."),
    )
    contract_concluded_on = models.DateField(_("labour contract concluded on"), null=True, blank=True)
    contract_ends_on = models.DateField(_("labour contract ends on"), null=True, blank=True)
    reissue_reason = models.CharField(_("re-issue reason"), max_length=20, choices=ReissueReason.choices, blank=True)
    event_date = models.DateField(
        _("date of the event"),
        null=True,
        blank=True,
        help_text=_(
            "The start of the 5-working-day application window: the labour contract (003 §17), the "
            "change of data or employer (§22), the loss or damage (§22-1)."
        ),
    )
    certificate = models.ForeignKey(
        "Certificate",
        verbose_name=_("certificate concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    filing_window_ends_on = models.DateField(_("application window ends on"), null=True, blank=True)
    late_filing = models.BooleanField(
        _("filed late"),
        null=True,
        blank=True,
        help_text=_(
            "Filed after its 5-working-day window: accepted, flagged to the clerk with the reason. "
            "Empty when the window could not be checked (event date not given)."
        ),
    )
    late_filing_reason = models.TextField(_("about the application window"), blank=True)
    personal_data_consent_at = models.DateTimeField(_("consent to personal data processing given at"), null=True)
    # The outcome.
    non_acceptance_ground = models.CharField(
        _("ground for refusing to accept"), max_length=30, choices=NonAcceptanceGround.choices, blank=True
    )
    missing_documents = models.JSONField(_("missing documents"), default=list, blank=True)
    refusal_ground = models.CharField(_("ground for refusal"), max_length=30, choices=RefusalGround.choices, blank=True)
    refusal_motivation = models.TextField(_("motivation of the refusal"), blank=True)
    refusal_number = models.CharField(_("refusal No."), max_length=40, null=True, blank=True, unique=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    result_certificate = models.ForeignKey(
        "Certificate",
        verbose_name=_("resulting certificate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The certificate issued, extended, re-issued (the new one) or duplicated by this application."),
    )
    deadline_flag = models.CharField(
        _("deadline"), max_length=10, choices=DeadlineFlag.choices, blank=True, default="", db_index=True
    )

    class Meta:
        verbose_name = _("certificate application")
        verbose_name_plural = _("certificate applications")
        ordering = ["step_deadline", "received_at"]
        indexes = [
            models.Index(fields=["status", "step_deadline"], name="qc_app_queue"),
            # the clerks' queue of open applications (status=open, overdue, due soon): walked in the queue's
            # order (step_deadline, received_at) and stopped after a page; unit for the page count without the
            # table. The condition is OPEN_STATES (tests/reliability/test_scale_indexes.py keeps them equal).
            models.Index(
                fields=["step_deadline", "received_at", "unit"],
                condition=models.Q(status__in=["received", "registered", "referred", "assessed"]),
                name="qc_app_open_queue",
            ),
            models.Index(fields=["kind", "status"], name="qc_app_kind_status"),
        ]
        permissions = [
            ("register_certificateapplication", _("Can register a certificate application")),
            ("refuse_to_accept_certificateapplication", _("Can refuse to accept a certificate application")),
            ("refer_certificateapplication", _("Can refer a certificate application to the Commission")),
            ("record_protocol_certificateapplication", _("Can record the Commission protocol")),
            ("decide_certificateapplication", _("Can issue or refuse a certificate")),
            ("reopen_certificateapplication", _("Can reopen a refused application after a granted complaint")),
        ]

    # --- facts the transitions and screens need -------------------------------------------------

    @property
    def regulation(self) -> rules.Regulation:
        return rules.regulation(self.regulation_version)

    def required_documents(self) -> list[tuple[str, ...]]:
        kinds = [item.get("kind") for item in self.education or [] if isinstance(item, dict)]
        return rules.required_documents(self.kind, reissue_reason=self.reissue_reason, education=kinds)

    def missing_required_documents(self) -> list[str]:
        attached = self.attachments.values_list("doc_type", flat=True) if self.pk else []
        return rules.missing_documents(self.required_documents(), attached)

    def declared_education_kinds(self) -> list[str]:
        return sorted({item.get("kind") for item in self.education or [] if isinstance(item, dict)})

    # --- transitions ----------------------------------------------------------------------------

    def start_completeness_check(self) -> None:
        """Set on submission (not a transition): the expected result date and the first step."""
        term = self.regulation.service_term_working_days[self.kind]
        deadlines.set_due(self, self.registered_on, term)
        deadlines.set_step(
            self,
            "completeness_check",
            self.registered_on,
            self.regulation.completeness_check_working_days,
            event=str(_("registration; completeness check (003 annex 2 row 9)")),
        )

    @transition(
        field=status,
        source=Status.RECEIVED,
        target=Status.REGISTERED,
        conditions=[documents_complete],
        permission="certificates.register_certificateapplication",
        custom={"label": _("Register (documents complete)")},
    )
    def register(self):
        if rules.needs_commission(self.kind):
            deadlines.set_step(
                self,
                "referral",
                self.registered_on,
                self.regulation.referral_working_days,
                event=str(_("registration; referral to the Commission (003 §7)")),
            )
        else:
            term = self.regulation.service_term_working_days[self.kind]
            deadlines.set_step(
                self,
                "decision",
                self.registered_on,
                term,
                event=str(_("registration; decision (%(clause)s)") % {"clause": rules.SERVICE_TERM_CLAUSE[self.kind]}),
            )
        self.deadline_flag = ""

    @transition(
        field=status,
        source=Status.RECEIVED,
        target=Status.REFUSED_TO_ACCEPT,
        permission="certificates.refuse_to_accept_certificateapplication",
        custom={"label": _("Refuse to accept")},
    )
    def refuse_to_accept(self, ground: str = rules.INCOMPLETE_DOCUMENTS, missing: list[str] | None = None):
        self.non_acceptance_ground = ground
        self.missing_documents = list(missing or [])
        self.decided_on = timezone.localdate()
        deadlines.clear_step(self)
        self.deadline_flag = ""

    @transition(
        field=status,
        source=Status.REGISTERED,
        target=Status.REFERRED,
        conditions=[goes_to_commission],
        permission="certificates.refer_certificateapplication",
        custom={"label": _("Refer to the Commission")},
    )
    def refer_to_commission(self):
        deadlines.set_step(
            self,
            "commission",
            timezone.localdate(),
            self.regulation.commission_working_days,
            event=str(_("referral; Commission's decision (003 §9)")),
        )
        self.deadline_flag = ""

    @transition(
        field=status,
        source=Status.REFERRED,
        target=Status.ASSESSED,
        conditions=[protocol_recorded],
        permission="certificates.record_protocol_certificateapplication",
        custom={"label": _("Record the Commission protocol")},
    )
    def record_protocol(self):
        deadlines.set_step(
            self,
            "decision",
            self.registered_on,
            self.regulation.decision_working_days,
            event=str(_("acceptance; decision on the Commission's recommendation (003 §11)")),
        )
        self.deadline_flag = ""

    @transition(
        field=status,
        source=[Status.REGISTERED, Status.ASSESSED],
        target=Status.ISSUED,
        conditions=[commission_assessed_if_required, commission_recommends_issue],
        permission="certificates.decide_certificateapplication",
        custom={"label": _("Issue")},
    )
    def issue(self, certificate=None, decided_by=None):
        self.result_certificate = certificate
        self.decided_on = timezone.localdate()
        self.decided_by = decided_by
        deadlines.clear_step(self)
        self.deadline_flag = ""

    @transition(
        field=status,
        source=[Status.REGISTERED, Status.ASSESSED],
        target=Status.REFUSED,
        conditions=[commission_assessed_if_required],
        permission="certificates.decide_certificateapplication",
        custom={"label": _("Refuse (motivated)")},
    )
    def refuse(self, ground: str = "", motivation: str = "", number: str | None = None, decided_by=None):
        self.refusal_ground = ground
        self.refusal_motivation = motivation
        self.refusal_number = number
        self.decided_on = timezone.localdate()
        self.decided_by = decided_by
        deadlines.clear_step(self)
        self.deadline_flag = ""

    @transition(
        field=status,
        source=[Status.REFUSED, Status.REFUSED_TO_ACCEPT],
        target=RETURN_VALUE(Status.REGISTERED, Status.RECEIVED),
        permission="certificates.reopen_certificateapplication",
        custom={"label": _("Reopen after a granted complaint")},
    )
    def reopen(self, on=None):
        """A granted complaint reverses the refusal (003 §24–§26): the case is examined again in place.

        A refused application goes back to registration (an issue goes to the Commission again, whose
        protocol can then be corrected) with the service term counted anew from the day of reopening;
        an application refused at acceptance goes back to the completeness check.
        """
        on = on or timezone.localdate()
        term = self.regulation.service_term_working_days[self.kind]
        deadlines.set_due(self, on, term)
        self.decided_on = None
        self.decided_by = None
        self.deadline_flag = ""
        if self.status == self.Status.REFUSED_TO_ACCEPT:
            self.non_acceptance_ground = ""
            self.missing_documents = []
            deadlines.set_step(
                self,
                "completeness_check",
                on,
                self.regulation.completeness_check_working_days,
                event=str(_("reopening after a complaint; completeness check")),
            )
            return self.Status.RECEIVED
        self.refusal_ground = ""
        self.refusal_motivation = ""
        step, days = (
            ("referral", self.regulation.referral_working_days)
            if rules.needs_commission(self.kind)
            else ("decision", term)
        )
        deadlines.set_step(self, step, on, days, event=str(_("reopening after a complaint")))
        return self.Status.REGISTERED


# --------------------------------------------------------------------------------------------------
# The Commission protocol (003 §9–§10).
# --------------------------------------------------------------------------------------------------


class CommissionProtocol(models.Model):
    """The Commission's decision on one person (003 §9): signed by the members present, each criterion of
    §10 with its points, the total, and the recommendation (issue, or refusal with a motivated ground).

    ``proposed_points`` is ``rules.score`` of the declaration; ``confirmed_*`` what the Commission found;
    ``confirmed_points`` is ``rules.score`` of the confirmed criteria. When they differ the Commission gives
    ``correction_reason``. ``criteria`` keeps the breakdown [{"criterion", "points"}] as recorded.
    """

    class Recommendation(models.TextChoices):
        ISSUE = "issue", _("issue the certificate")
        REFUSE = "refuse", _("refuse")

    application = models.OneToOneField(
        CertificateApplication, verbose_name=_("application"), on_delete=models.PROTECT, related_name="protocol"
    )
    number = models.CharField(_("protocol No."), max_length=40, unique=True)
    held_on = models.DateField(_("meeting date"))
    members_present = models.ManyToManyField(CommissionMember, verbose_name=_("members present (signed)"))
    profession_matches = models.BooleanField(
        _("qualification and education match the listed profession (003 §8)"), default=True
    )
    confirmed_education = models.JSONField(_("education confirmed"), default=list, blank=True)
    confirmed_experience_years = models.PositiveSmallIntegerField(_("experience confirmed, whole years"))
    criteria = models.JSONField(_("criteria and points"), default=list)
    proposed_points = models.PositiveSmallIntegerField(_("proposed score"))
    confirmed_points = models.PositiveSmallIntegerField(_("confirmed score"))
    correction_reason = models.TextField(_("reason for correcting the proposed score"), blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=10, choices=Recommendation.choices)
    recommended_ground = models.CharField(
        _("ground of the recommended refusal"),
        max_length=30,
        choices=CertificateApplication.RefusalGround.choices,
        blank=True,
    )
    motivation = models.TextField(_("motivation"), blank=True)
    recorded_by = models.CharField(_("recorded by"), max_length=150)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Commission protocol")
        verbose_name_plural = _("Commission protocols")

    def __str__(self) -> str:
        return self.number

    @property
    def passes(self) -> bool:
        return self.confirmed_points >= self.application.regulation.pass_mark


# --------------------------------------------------------------------------------------------------
# The certificate (003 annex 3) and its lifecycle.
# --------------------------------------------------------------------------------------------------


class Certificate(models.Model):
    """A certificate of qualification compliance for self-employment (003 annex 3).

    Annex 3 prints: the body (``unit``), ``number``, date (``issued_on``), the holder's full name
    (``holder``), the in-demand profession in its priority sector (``profession``), the basis
    (``basis``), validity ``valid_from``–``valid_to``, the official's name and signature (``signed_by``).

    Lifecycle: active → expired (end of term, 003 §23 1)) | revoked (control body's act, §21) |
    terminated (non-matching work established, §23 2)) | superseded (re-issued under a new number, §22).
    An extension lengthens ``valid_to`` (§16) and a duplicate keeps the number (§22-1). Not
    transferable (§14): the holder never changes; a re-issue for a changed name makes a new certificate.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        EXPIRED = "expired", _("expired")
        REVOKED = "revoked", _("revoked")
        TERMINATED = "terminated", _("terminated")
        SUPERSEDED = "superseded", _("superseded by a re-issued certificate")

    NUMBER_PREFIX = "QCC"
    STATE_FIELD = "status"

    number = models.CharField(_("certificate No."), max_length=40, unique=True, editable=False)
    unit = models.ForeignKey(
        TerritorialUnit, verbose_name=_("issued by (local executive body)"), on_delete=models.PROTECT, related_name="+"
    )
    holder = models.ForeignKey(Person, verbose_name=_("holder"), on_delete=models.PROTECT, related_name="certificates")
    profession = models.ForeignKey(Profession, verbose_name=_("profession"), on_delete=models.PROTECT, related_name="+")
    employer = models.ForeignKey(
        Organisation,
        verbose_name=_("employer (labour contract)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    basis = models.TextField(_("basis of issue"))
    issued_on = models.DateField(_("issued on"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    status = FSMField(_("status"), default=Status.ACTIVE, choices=Status.choices, protected=True)
    application = models.ForeignKey(
        CertificateApplication,
        verbose_name=_("issued on the application"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("re-issued from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    extensions = models.PositiveSmallIntegerField(_("times extended"), default=0)
    last_extended_on = models.DateField(_("last extended on"), null=True, blank=True)
    duplicates = models.PositiveSmallIntegerField(_("duplicates given"), default=0)
    last_duplicate_on = models.DateField(_("last duplicate on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.TextField(_("why it ended"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = GenericRelation(TransitionLog, content_type_field="case_type", object_id_field="case_id")

    class Meta:
        verbose_name = _("qualification certificate")
        verbose_name_plural = _("qualification certificates")
        ordering = ["-issued_on", "-id"]
        indexes = [
            # the expiry job and the reminders look only at active certificates by their last valid day; partial,
            # so an ended certificate leaves the index (bench/jobs_scale.py: the job scans only the day's rows)
            models.Index(fields=["valid_to"], condition=models.Q(status="active"), name="qc_cert_active_valid_to")
        ]
        permissions = [
            ("revoke_certificate", _("Can revoke a certificate on a control body's act")),
            ("terminate_certificate", _("Can terminate a certificate")),
        ]

    def __str__(self) -> str:
        return self.number

    def is_valid_on(self, day) -> bool:
        return self.status == self.Status.ACTIVE and self.valid_from <= day <= self.valid_to

    @transition(field=status, source=Status.ACTIVE, target=Status.EXPIRED)
    def expire(self):
        self.ended_on = self.valid_to
        self.end_reason = str(_("term ended (003 §23 1))"))

    @transition(
        field=status,
        source=Status.ACTIVE,
        target=Status.REVOKED,
        permission="certificates.revoke_certificate",
        custom={"label": _("Revoke (control body's act)")},
    )
    def revoke(self, end_reason: str = ""):
        self.ended_on = timezone.localdate()
        self.end_reason = end_reason

    @transition(
        field=status,
        source=Status.ACTIVE,
        target=Status.TERMINATED,
        permission="certificates.terminate_certificate",
        custom={"label": _("Terminate")},
    )
    def terminate(self, end_reason: str = ""):
        self.ended_on = timezone.localdate()
        self.end_reason = end_reason

    @transition(
        field=status,
        source=[Status.ACTIVE, Status.EXPIRED],
        target=Status.SUPERSEDED,
        permission="certificates.decide_certificateapplication",
    )
    def supersede(self, end_reason: str = "", replaced_by=None):
        self.ended_on = timezone.localdate()
        self.end_reason = end_reason


class Revocation(models.Model):
    """The revocation of a certificate on the act of a labour or migration control body (003 §21, §23 2))."""

    certificate = models.OneToOneField(
        Certificate, verbose_name=_("certificate"), on_delete=models.PROTECT, related_name="revocation"
    )
    act_number = models.CharField(_("act No."), max_length=60)
    act_date = models.DateField(_("act date"))
    control_body = models.CharField(_("control body"), max_length=300)
    ground = models.CharField(
        _("ground"),
        max_length=30,
        default=rules.REVOCATION_NON_MATCHING_WORK,
        choices=[
            (rules.REVOCATION_NON_MATCHING_WORK, _("work in a profession the certificate does not cover (003 §21)"))
        ],
    )
    details = models.TextField(_("details"), blank=True)
    revoked_on = models.DateField(_("revoked on"))
    recorded_by = models.CharField(_("recorded by"), max_length=150)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("revocation")
        verbose_name_plural = _("revocations")

    def __str__(self) -> str:
        return f"{self.certificate.number}: {self.control_body} No. {self.act_number}"


class HolderNotice(models.Model):
    """A written notice from the holder: a new employer (003 §18) or a terminated labour contract (§20),
    each due within 5 working days of the event; lateness is computed from the calendar and recorded.
    A termination notice does not by itself end the certificate (§23 lists the grounds that do)."""

    class Kind(models.TextChoices):
        EMPLOYER_CHANGE = rules.NOTICE_EMPLOYER_CHANGE, _("change of employer (003 §18)")
        CONTRACT_TERMINATION = rules.NOTICE_CONTRACT_TERMINATION, _("labour contract terminated (003 §20)")

    certificate = models.ForeignKey(
        Certificate, verbose_name=_("certificate"), on_delete=models.PROTECT, related_name="notices"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    employer = models.ForeignKey(
        Organisation, verbose_name=_("employer"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    event_date = models.DateField(_("date of the new contract / of the termination"))
    received_at = models.DateTimeField(_("received at"))
    filed_on = models.DateField(_("registered on"))
    due_on = models.DateField(_("notice due by"))
    late = models.BooleanField(_("late"), default=False)
    deadline_explanation = models.TextField(_("how the term was counted"), blank=True)
    channel = models.CharField(_("channel"), max_length=20, blank=True)
    text = models.TextField(_("notice text"), blank=True)
    recorded_by = models.CharField(_("recorded by"), max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("holder's notice")
        verbose_name_plural = _("holders' notices")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.certificate.number}: {self.get_kind_display()} ({self.event_date:%d.%m.%Y})"


class Notification(models.Model):
    """A message the office sends a holder (the expiry reminder): kept so a job run twice sends once
    (``key`` is unique), and so a clerk can see what was sent."""

    class Kind(models.TextChoices):
        EXPIRY_REMINDER = "expiry_reminder", _("expiry reminder")

    certificate = models.ForeignKey(
        Certificate, verbose_name=_("certificate"), on_delete=models.PROTECT, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    key = models.CharField(max_length=120, unique=True)
    recipient = models.CharField(_("recipient"), max_length=300, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.certificate.number}"
