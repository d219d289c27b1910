import hmac
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from .documents import Attachment
from .history import TransitionLog
from .suspension import Suspension
from .units import TerritorialUnit

# Access codes are hashed with a keyed HMAC-SHA256, not a password hasher. A slow hash (PBKDF2: about
# 1,000,000 iterations, 0.3-1 s of CPU) protects *low-entropy* secrets people choose; an access code is
# ``secrets.token_urlsafe(9)``: 72 random bits the office generates. Guessing it offline is out of reach
# whatever the hash costs (2^71 HMACs on average, and the key — SECRET_KEY — is needed besides the stored
# value); guessing online is rate-limited (casework.public ratelimit). Stretching only cost every filing
# (portal API, public form) a worker-second (bench/api_load.py). Hashes made earlier with make_password
# still verify (check_password); SECRET_KEY_FALLBACKS keep codes valid across a key rotation.
ACCESS_CODE_SCHEME = "hmac_sha256"
ACCESS_CODE_SALT = "casework.Case.access_code"


def hash_access_code(code: str, secret: str | None = None) -> str:
    digest = salted_hmac(ACCESS_CODE_SALT, code, secret=secret, algorithm="sha256").hexdigest()
    return f"{ACCESS_CODE_SCHEME}${digest}"


def access_code_matches(code: str, stored: str) -> bool:
    """Constant-time check of ``code`` against a stored hash (ours, or a legacy Django password hash)."""
    if not stored:
        hash_access_code(code or "")  # same work for "no code stored" as for a wrong code
        return False
    if not stored.startswith(ACCESS_CODE_SCHEME + "$"):
        return check_password(code, stored)
    secrets_to_try = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(hmac.compare_digest(hash_access_code(code or "", key), stored) for key in secrets_to_try)


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
        self.access_code_hash = hash_access_code(code)
        return code

    def check_access_code(self, code: str) -> bool:
        return access_code_matches(code, self.access_code_hash)
