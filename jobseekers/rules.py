"""The rules of seed 002 (Almaty akimat resolution No. 2/260 of 25.04.2019 amending No. 4/496), as data.

Two regulations:
- annex 1, "Registration of job seekers" ("Жұмыс іздеп жүрген адамдарды тіркеу"): the employment centre
  registers the person the same day in four timed steps (002-1 §5, §8); result: notice of registration
  (standard annex 1) or notice of refusal (standard annex 2) on the grounds of standard §10 (002-1 §3).
- annex 2, "Registration of job seekers as unemployed" ("Жұмыссыздар ретінде ... тіркеу"): the social
  welfare department decides, the employment centre receives the documents and informs the person
  (002-2 §1, §5, §8); result: notice of the registration date by ICT / SMS or the refusal (standard annex 10).

Clause references: ``002-1 §5`` = item 5 of annex 1 (the job-seeker regulation), ``002-2 §5`` = item 5 of
annex 2 (the unemployed regulation). Every number the act sets lives in regulation versions
(``casework.RegulationVersion``; the versions below are those written in code, loaded as the seed rows), so
an amendment is a new row an administrator adds in the admin, not a code change (STYLE.md "Rules and
deadlines"). A step's code, label and clause stay in code (the state machine follows them); its norm
(amount and unit) and the final term are data.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext_lazy as _

from casework import regulations as _registry
from workcalendar import rules as calendar_rules

MINUTES = "minutes"
WORKING_DAYS = "working_days"


@dataclass(frozen=True)
class StepNorm:
    code: str  # stable: stored on StepTiming rows
    label: object  # lazy translation
    amount: int
    unit: str  # MINUTES or WORKING_DAYS
    clause: str

    @property
    def norm_minutes(self) -> int | None:
        return self.amount if self.unit == MINUTES else None

    @property
    def norm_working_days(self) -> int | None:
        return self.amount if self.unit == WORKING_DAYS else None


@dataclass(frozen=True)
class Regulation:
    version: str
    in_force_from: date
    steps: tuple[StepNorm, ...]  # each step's norm in minutes or working days: 002-1 §5, §8; 002-2 §5, §8
    final_term_working_days: int  # the expected result date: N working days after registration

    def step(self, code: str) -> StepNorm:
        for step in self.steps:
            if step.code == code:
                return step
        raise KeyError(code)

    def next_step(self, code: str) -> StepNorm | None:
        codes = [s.code for s in self.steps]
        index = codes.index(code)
        return self.steps[index + 1] if index + 1 < len(self.steps) else None


# --- Registration of job seekers (annex 1) ------------------------------------------------------------

JS_ENTER_DATA = "enter_data"
JS_PREPARE_NOTICE = "prepare_notice"
JS_SIGN_NOTICE = "sign_notice"
JS_HAND_OVER = "hand_over"

JOB_SEEKER_REGULATIONS: dict[str, Regulation] = {
    "002-2019-annex1": Regulation(
        version="002-2019-annex1",
        in_force_from=date(2019, 5, 7),  # 10 calendar days after first publication (resolution §4)
        steps=(
            # 002-1 §5(1), §8(1): register the documents, send the request, enter the data signed with EDS.
            StepNorm(JS_ENTER_DATA, _("register the application and enter the data (EDS)"), 25, MINUTES, "002-1 §5(1)"),
            # 002-1 §5(2): prepare the notice on paper and pass it to the head for signature.
            StepNorm(JS_PREPARE_NOTICE, _("prepare the notice"), 5, MINUTES, "002-1 §5(2)"),
            # 002-1 §5(3): the head signs and passes it back for the outgoing-mail journal.
            StepNorm(JS_SIGN_NOTICE, _("head signs the notice"), 10, MINUTES, "002-1 §5(3)"),
            # 002-1 §5(4): the specialist hands the notice over.
            StepNorm(JS_HAND_OVER, _("hand the notice over"), 10, MINUTES, "002-1 §5(4)"),
        ),
        final_term_working_days=0,  # all four steps on the day of application (DOMAIN.md §7: same day)
    ),
}
CURRENT_JOB_SEEKER_REGULATION = "002-2019-annex1"

# --- Registration as unemployed (annex 2) ------------------------------------------------------------

UE_ENTER_DATA = "enter_data"
UE_FORWARD = "forward"
UE_DECIDE = "decide"
UE_INFORM = "inform"

UNEMPLOYED_REGULATIONS: dict[str, Regulation] = {
    "002-2019-annex2": Regulation(
        version="002-2019-annex2",
        in_force_from=date(2019, 5, 7),
        steps=(
            # 002-2 §5(1). Ruling: 15 minutes. §8(1) repeats "15 minutes" for the request and adds "10 minutes"
            # for entering the data; we follow §5(1), which gives one norm for the whole step.
            StepNorm(UE_ENTER_DATA, _("centre: request the data and enter it (EDS)"), 15, MINUTES, "002-2 §5(1)"),
            # 002-2 §5(2): the centre forwards the personal data to the social welfare department.
            StepNorm(UE_FORWARD, _("centre: forward to the social welfare department"), 2, MINUTES, "002-2 §5(2)"),
            # 002-2 §5(3): the department decides within 2 working days.
            StepNorm(UE_DECIDE, _("department: decide"), 2, WORKING_DAYS, "002-2 §5(3)"),
            # 002-2 §5(4): the centre informs the person within 1 working day.
            StepNorm(UE_INFORM, _("centre: inform the person"), 1, WORKING_DAYS, "002-2 §5(4)"),
        ),
        # Ruling: the centre forwards on the registration day (two minute-steps), so the result is due
        # 2 + 1 = 3 working days after registration.
        final_term_working_days=3,
    ),
}
CURRENT_UNEMPLOYED_REGULATION = "002-2019-annex2"


JOB_SEEKER_SERVICE = "jobseekers.job_seeker"
UNEMPLOYED_SERVICE = "jobseekers.unemployed"


def _steps_codec(seed: Regulation) -> _registry.Codec:
    """Steps as {code: {"amount": n, "unit": "minutes" | "working_days"}}, the seed's steps in its order."""
    by_code = {step.code: step for step in seed.steps}

    def dump(steps: tuple[StepNorm, ...]) -> dict:
        return {step.code: {"amount": step.amount, "unit": step.unit} for step in steps}

    def load(data) -> tuple[StepNorm, ...]:
        # The steps and their order are the state machine's (code); a JSON object's key order is not kept
        # (PostgreSQL jsonb), so the norms are taken by code in the seed's order.
        if not isinstance(data, dict) or set(data) != set(by_code):
            raise ValueError(
                str(_("steps: an object with the steps %(codes)s is expected.")) % {"codes": ", ".join(by_code)}
            )
        out = []
        for code in by_code:
            norm = data[code]
            if not isinstance(norm, dict) or set(norm) != {"amount", "unit"}:
                raise ValueError(str(_('steps[%(code)s]: {"amount": n, "unit": …} is expected.')) % {"code": code})
            amount = _registry.load_value(int, norm["amount"], f"steps[{code}].amount")
            if norm["unit"] not in (MINUTES, WORKING_DAYS):
                raise ValueError(
                    str(_("steps[%(code)s].unit: %(minutes)s or %(days)s."))
                    % {"code": code, "minutes": MINUTES, "days": WORKING_DAYS}
                )
            step = by_code[code]
            out.append(StepNorm(code, step.label, amount, norm["unit"], step.clause))
        return tuple(out)

    return _registry.Codec(dump, load, help='{step: {"amount": n, "unit": "minutes" | "working_days"}}')


for _key, _label, _seeds in (
    (JOB_SEEKER_SERVICE, _("registration of job seekers (002 annex 1)"), JOB_SEEKER_REGULATIONS),
    (UNEMPLOYED_SERVICE, _("registration as unemployed (002 annex 2)"), UNEMPLOYED_REGULATIONS),
):
    _registry.register(
        _key,
        _label,
        Regulation,
        _seeds.values(),
        effective_attr="in_force_from",
        title_attr=None,
        codecs={"steps": _steps_codec(list(_seeds.values())[-1])},
        default_title="Almaty city akimat resolution No. 2/260 of 25.04.2019 amending No. 4/496",
    )


def job_seeker_regulation(version: str | None = None) -> Regulation:
    """The version a registration recorded; without one, the version in force today."""
    if not version:
        return _registry.current(JOB_SEEKER_SERVICE)
    return _registry.regulation(JOB_SEEKER_SERVICE, version)


def unemployed_regulation(version: str | None = None) -> Regulation:
    """The version a registration recorded; without one, the version in force today."""
    if not version:
        return _registry.current(UNEMPLOYED_SERVICE)
    return _registry.regulation(UNEMPLOYED_SERVICE, version)


def regulation_on(service_key: str, day: date) -> Regulation:
    """The version of ``service_key`` (JOB_SEEKER_SERVICE, UNEMPLOYED_SERVICE) in force on ``day``."""
    return _registry.regulation_on(service_key, day)


# --- Who may register ----------------------------------------------------------------------------------

CITIZEN = "citizen"
KANDAS = "kandas"
PERMANENT_RESIDENT = "permanent_resident"

# Ruling: the act refers to the standard (order No. 279) for the recipients: citizens of Kazakhstan,
# kandases, and foreigners / stateless persons permanently residing in Kazakhstan. A citizen is identified by
# the IIN (required, validated); a kandas or a permanent resident by the residence document (kandas
# certificate / residence permit) and the passport, the IIN validated when given.
RESIDENCY_CHOICES = (
    (CITIZEN, _("citizen of Kazakhstan")),
    (KANDAS, _("kandas")),
    (PERMANENT_RESIDENT, _("foreigner or stateless person with a residence permit")),
)
IIN_REQUIRED_FOR = frozenset({CITIZEN})
RESIDENCE_DOCUMENT_REQUIRED_FOR = frozenset({KANDAS, PERMANENT_RESIDENT})
KAZAKHSTAN = "KAZ"

# --- Refusal grounds ------------------------------------------------------------------------------------

# Ruling: 002-1 §3 and 002-2 §3 refer to "the grounds of standard §10" without listing them; the project's
# list (clerk picks one, the notice prints it):
REFUSAL_GROUNDS = (
    ("unreliable_data", _("the documents or the data in them were found unreliable (standard §10)")),
    ("not_eligible", _("the applicant is not among the persons entitled to the service (standard §2, §10)")),
    ("incomplete_documents", _("the documents of standard §9 were not all submitted (standard §10)")),
    ("employed", _("the applicant is employed or has income from work (standard §10; unemployed only)")),
)
REFUSAL_GROUND_LABELS = dict(REFUSAL_GROUNDS)

# --- Ending a registration ----------------------------------------------------------------------------

EMPLOYMENT_FOUND = "employment_found"
OWN_REQUEST = "own_request"
DEREGISTERED = "deregistered"
END_REASONS = (
    (EMPLOYMENT_FOUND, _("employment found")),
    (OWN_REQUEST, _("at the person's own request")),
    (DEREGISTERED, _("deregistered by the centre (e.g. failed to appear)")),
)

# --- Informing of the unemployed decision (002-2 §3, §5(4)) -----------------------------------------------

SMS = "sms"
EMAIL = "email"
NOTIFY_CHANNELS = (
    (SMS, _("SMS to the mobile phone")),
    (EMAIL, _("e-mail")),
)

# --- Step timing ----------------------------------------------------------------------------------------


def step_one_starts_at(received_at: datetime, registered_on: date, zone) -> datetime:
    """When the first step's clock starts: when the documents were handed in (002-1 §5(1) "from the
    moment the documents are submitted"). Ruling: an application received before office hours, after
    them or on a day off (portal, web form) starts the clock at the opening of its registration day."""
    local = received_at.astimezone(zone)
    opening = datetime.combine(registered_on, calendar_rules.OFFICE_OPENS, zone)
    return max(local, opening)


def applicant_problems(
    residency: str, citizenship: str, iin: str, residence_document_number: str
) -> list[tuple[str, str, str]]:
    """Why this person cannot apply as given: [(field, code, reason)], empty when they can.

    A citizen needs a valid IIN; a kandas or a permanent resident needs the residence document
    (standard §2, §9, see RESIDENCY_CHOICES); an IIN, when given, must be valid (API.md "IIN/BIN").
    """
    from casework.identifiers import identifier_error

    problems: list[tuple[str, str, str]] = []
    if residency not in dict(RESIDENCY_CHOICES):
        problems.append(("residency", "invalid_choice", str(_("Choose citizen, kandas or permanent resident."))))
        return problems
    if residency in IIN_REQUIRED_FOR and not iin:
        problems.append(("applicant.iin", "required", str(_("A citizen of Kazakhstan is registered by the IIN."))))
    if iin:
        error = identifier_error(iin)
        if error:
            problems.append(("applicant.iin", error[0], str(_("IIN: %(reason)s") % {"reason": error[1]})))
    if residency == CITIZEN and citizenship and citizenship.upper() != KAZAKHSTAN:
        problems.append(
            ("applicant.citizenship", "citizenship_mismatch", str(_("A citizen of Kazakhstan has citizenship KAZ.")))
        )
    if residency == PERMANENT_RESIDENT and citizenship and citizenship.upper() == KAZAKHSTAN:
        problems.append(
            (
                "applicant.citizenship",
                "citizenship_mismatch",
                str(_("A citizen of Kazakhstan applies as a citizen, not as a permanent resident.")),
            )
        )
    if residency in RESIDENCE_DOCUMENT_REQUIRED_FOR and not residence_document_number.strip():
        problems.append(
            (
                "residence_document_number",
                "required",
                str(_("The residence permit or kandas certificate number is required.")),
            )
        )
    return problems


def contact_problems(notify_by: str, phone: str, email: str) -> list[tuple[str, str, str]]:
    """The person must be reachable by the channel they chose (002-2 §3)."""
    if notify_by not in dict(NOTIFY_CHANNELS):
        return [("notify_by", "invalid_choice", str(_("Choose SMS or e-mail.")))]
    if notify_by == SMS and not phone:
        return [("applicant.phone", "required", str(_("A phone number is needed to inform you by SMS.")))]
    if notify_by == EMAIL and not email:
        return [("applicant.email", "required", str(_("An e-mail address is needed to inform you by e-mail.")))]
    return []
