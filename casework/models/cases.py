import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _

from .documents import Attachment
from .history import TransitionLog
from .suspension import Suspension
from .units import TerritorialUnit


class Channel(models.TextChoices):
    OFFICE = "office", _("at the office")
    STATE_CORPORATION = "state_corporation", _("State Corporation")
    PORTAL = "portal", _("e-government portal")
    WEB_FORM = "web_form", _("public web form")


class Case(models.Model):
    """What every application of every service shares (DOMAIN.md §8).

    A concrete service adds its ``status`` FSMField, its transitions and its own fields.
    ``version`` grows with every transition: the API's ETag / If-Match.
    """

    NUMBER_PREFIX: str = ""  # "QC", "LIP", ...
    STATE_FIELD = "status"
    OPEN_STATES: tuple[str, ...] = ()  # states whose deadlines still run

    number = models.CharField(_("number"), max_length=40, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=30)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    regulation_version = models.CharField(_("regulation version"), max_length=40)
    unit = models.ForeignKey(
        TerritorialUnit, verbose_name=_("territorial unit"), on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"))
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    step_name = models.CharField(_("current step"), max_length=60, blank=True)
    step_deadline = models.DateField(_("step deadline"), null=True, blank=True, db_index=True)
    due_date = models.DateField(_("final due date"), null=True, blank=True)
    # The basis of each deadline, so a calendar change can recompute it (casework.deadlines).
    step_started_on = models.DateField(null=True, blank=True, editable=False)
    step_term_days = models.SmallIntegerField(null=True, blank=True, editable=False)
    step_term_unit = models.CharField(max_length=10, blank=True, editable=False)
    due_started_on = models.DateField(null=True, blank=True, editable=False)
    due_term_days = models.SmallIntegerField(null=True, blank=True, editable=False)
    due_term_unit = models.CharField(max_length=10, blank=True, editable=False)
    deadline_explanation = models.TextField(_("how the deadline was counted"), blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible clerk"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    access_code_hash = models.CharField(max_length=128, blank=True, editable=False)
    # Stop-the-clock (casework.suspension): while ``suspended_since`` is set the deadlines do not run;
    # the working days spent suspended so far are kept apart so reviewers see them separately.
    suspended_since = models.DateField(_("clock stopped since"), null=True, blank=True, editable=False)
    suspended_working_days = models.PositiveIntegerField(_("working days suspended"), default=0, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = GenericRelation(TransitionLog, content_type_field="case_type", object_id_field="case_id")
    attachments = GenericRelation(Attachment, content_type_field="case_type", object_id_field="case_id")
    suspensions = GenericRelation(Suspension, content_type_field="case_type", object_id_field="case_id")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.number

    @property
    def clock_stopped(self) -> bool:
        return self.suspended_since is not None

    def issue_access_code(self) -> str:
        """A secret the applicant uses with the number to follow the case; only its hash is kept."""
        code = secrets.token_urlsafe(9)
        self.access_code_hash = make_password(code)
        return code

    def check_access_code(self, code: str) -> bool:
        return bool(self.access_code_hash) and check_password(code, self.access_code_hash)
