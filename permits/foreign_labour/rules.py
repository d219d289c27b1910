"""The rules of seed 000 (foreign-labour permits to employers) as data and pure functions, each citing its clause.

Seed 000: Mangystau region akimat resolution No 343 of 04.11.2015 in the wording of 04.06.2018 (No 140),
the regulation of the public service "Issuing and extending permits to employers to attract foreign labour
... or within intra-corporate transfer". "000 §5" = item 5 of that regulation. Item 5 (the content and
duration of each step) and item 8 (the same steps with their actors) give six flows — issue, re-issue and
extension, each ordinary or within an intra-corporate transfer — tabulated in DOMAIN.md §5 and in ``FLOWS``.

Numbers the act sets live in regulation versions (``casework.RegulationVersion``; ``REGULATIONS`` below are the
versions written in code, loaded as the seed rows); an application keeps the version in force on its
registration date.
No function here touches the database; the calendar (workcalendar) is only asked for dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils.translation import gettext_lazy as _

from casework import regulations as _registry
from casework.exceptions import RuleViolation
from permits.rules import add_months, next_day, validity
from workcalendar import services as workcalendar

# --------------------------------------------------------------------------------------------------
# Sub-services (000 §5): issue, re-issue ("қайта ресімдеу"), extension; ordinary or intra-corporate.
# --------------------------------------------------------------------------------------------------

ISSUE = "issue"
REISSUE = "reissue"
EXTEND = "extend"
KINDS = (ISSUE, REISSUE, EXTEND)
KIND_LABELS = {ISSUE: _("issue"), REISSUE: _("re-issue"), EXTEND: _("extension")}

# Qualification categories of foreign workers (the employer's request names them per profession).
CATEGORIES = {
    "1": _("category 1: heads and their deputies"),
    "2": _("category 2: heads of structural divisions"),
    "3": _("category 3: specialists"),
    "4": _("category 4: skilled workers"),
    "seasonal": _("seasonal workers"),
}

# --------------------------------------------------------------------------------------------------
# Stable machine codes (API.md "Errors")
# --------------------------------------------------------------------------------------------------

TERM_OUT_OF_RANGE = "term_out_of_range"
UNIT_NOT_A_REGION = "unit_not_a_region"  # 000 §1: the region's employment coordination department
TERRITORY_OUTSIDE_UNIT = "territory_outside_unit"  # the workplace lies in the unit the permit is for
WORKERS_REQUIRED = "workers_required"
TRANSFEREES_REQUIRED = "transferees_required"  # intra-corporate transfer: named transferees
TRANSFEREES_ONLY = "transferees_only_for_transfer"
PERMIT_NOT_FOUND = "permit_not_found"
PERMIT_NOT_ACTIVE = "permit_not_active"
PERMIT_OF_ANOTHER_EMPLOYER = "permit_of_another_employer"
PERMIT_KIND_MISMATCH = "permit_kind_mismatch"  # an intra-corporate permit is re-issued/extended as such
EMPLOYER_IDENTIFIER_REQUIRED = "employer_identifier_required"
CHANNEL_NOT_AVAILABLE = "channel_not_available"  # 000 §1: the office or the portal
SIGNATURE_MISSING = "signature_missing"  # 000 §9(5)
SIGNATURE_INVALID = "signature_invalid"  # 000 §9(6)-(7)
SIGNATURE_UNVERIFIABLE = "signature_unverifiable"
SIGNER_NOT_APPLICANT = "signer_not_applicant"  # 000 §9(6): the IIN/BIN of the request = of the EDS certificate
QUOTA_EXHAUSTED = "quota_exhausted"
REFUSAL_REASON_REQUIRED = "refusal_reason_required"  # 000 §3: a motivated refusal
NOT_AWAITING_FEE = "not_awaiting_fee"
FEE_WINDOW_CLOSED = "fee_window_closed"  # 000 §5: copies of the fee payment within 10 working days
FEE_PROOF_NOT_PENDING = "fee_proof_not_pending"
NOT_ON_AGENDA = "not_on_agenda"
ALREADY_ON_AGENDA = "already_on_agenda"
DECISION_MISSING = "decision_missing"
PROTOCOL_ALREADY_RECORDED = "protocol_already_recorded"
MEMBERS_REQUIRED = "members_required"
COLLECTOR_REQUIRED = "collector_required"  # 000 §6(6): the recipient signs the journal

# --------------------------------------------------------------------------------------------------
# The six flows (000 §5, §8)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flow:
    """One flow's steps and terms. ``None``: the flow has no such step."""

    check_working_days: int  # officer checks (and reviews) the package
    commission_working_days: int | None = None  # the Commission reviews and writes the protocol
    letter_working_days: int | None = None  # officer notifies the employer by letter
    fee_working_days: int | None = None  # employer submits copies of the fee payment, from the letter
    issue_working_days: int = 1  # issue against signature: from the letter (ordinary) or the signature
    issue_counted_from_letter: bool = False
    registration_minutes: int = 20  # office registers, gives the tear-off receipt
    signature_minutes: int = 15  # the head signs

    @property
    def needs_commission(self) -> bool:
        return self.commission_working_days is not None

    @property
    def needs_letter(self) -> bool:
        return self.letter_working_days is not None

    @property
    def needs_fee(self) -> bool:
        return self.fee_working_days is not None

    @property
    def total_working_days(self) -> int:
        """The expected result date, counted from registration: every step's term in a row."""
        return (
            self.check_working_days
            + (self.commission_working_days or 0)
            + (self.letter_working_days or 0)
            + self.issue_working_days
        )


@dataclass(frozen=True)
class Regulation:
    version: str
    effective_from: date
    title: str
    flows: dict = field(default_factory=dict)  # 000 §5, §8: each flow's steps and terms, (kind, intra) -> Flow
    # Ruling (act silent on terms): the term asked for — ordinary 1–12 months, intra-corporate up to 36
    # months; an extension adds 1–12 months. Kept here so an amendment is one row.
    max_term_months: int = 12
    max_transfer_term_months: int = 36  # Ruling above: an intra-corporate transfer up to 36 months
    max_extension_months: int = 12  # Ruling above: an extension adds 1–12 months
    # Ruling (act silent on quotas): an ordinary permit is counted against the unit's foreign-labour quota
    # when the authorised body has allocated one (``quota_exhausted`` when used up); an intra-corporate
    # transfer is not counted.
    quota_counts_transfers: bool = False


FLOWS = {
    # 000 §5 "рұқсатты беру", §8: 20 min → check 3 WD → Commission 4 WD → letter 1 WD → sign 15 min →
    # issue within 11 WD, of which 10 WD for the copies of the fee payment.
    (ISSUE, False): Flow(
        check_working_days=3,
        commission_working_days=4,
        letter_working_days=1,
        fee_working_days=10,
        issue_working_days=11,
        issue_counted_from_letter=True,
    ),
    # 000 §5 "рұқсатты қайта ресімдеу": 20 min → check and review 5 WD → sign 15 min → notify and issue 1 WD.
    (REISSUE, False): Flow(check_working_days=5, issue_working_days=1),
    # 000 §5 "рұқсатты ұзарту": 20 min → check and review 3 WD → letter 1 WD → sign 15 min → issue within 11 WD,
    # of which 10 WD for the copies of the fee payment.
    (EXTEND, False): Flow(
        check_working_days=3,
        letter_working_days=1,
        fee_working_days=10,
        issue_working_days=11,
        issue_counted_from_letter=True,
    ),
    # 000 §5 "корпоративішілік ауыстыру шеңберінде ... рұқсатты беру": 20 min → check 3 WD → Commission 4 WD →
    # sign 15 min → notify and issue 1 WD (no fee step).
    (ISSUE, True): Flow(check_working_days=3, commission_working_days=4, issue_working_days=1),
    # 000 §5 intra-corporate re-issue and extension: 20 min → check and review 5 WD → sign 15 min → 1 WD.
    (REISSUE, True): Flow(check_working_days=5, issue_working_days=1),
    (EXTEND, True): Flow(check_working_days=5, issue_working_days=1),
}

REGULATIONS: tuple[Regulation, ...] = (
    Regulation(
        version="000/2018-06-04",
        effective_from=date(2018, 6, 4),
        title="Mangystau region akimat resolution No 343 of 04.11.2015 in the wording of No 140 of 04.06.2018",
        flows=FLOWS,
    ),
)
# The latest version written in code: the default of the pure functions below; services pass the version in
# force on the registration date (``regulation_on``) or the case's own (``regulation``).
CURRENT = REGULATIONS[-1]

SERVICE = "permits.foreign_labour"
INTRA_SUFFIX = "+intra_corporate"


def _flow_key(kind: str, intra_corporate: bool) -> str:
    return kind + (INTRA_SUFFIX if intra_corporate else "")


def _dump_flows(flows: dict) -> dict:
    return {_flow_key(kind, intra): _registry.dump_value(item) for (kind, intra), item in flows.items()}


def _load_flows(data) -> dict:
    """The six flows as {"issue": {...}, "issue+intra_corporate": {...}, ...}: exactly the flows of 000 §5."""
    if not isinstance(data, dict):
        raise ValueError(str(_("flows: an object {flow: steps} is expected.")))
    wanted = [_flow_key(kind, intra) for kind, intra in FLOWS]
    unknown, missing = sorted(set(data) - set(wanted)), [k for k in wanted if k not in data]
    if unknown or missing:
        raise ValueError(
            str(_("flows: the flows are %(wanted)s (unknown: %(unknown)s; missing: %(missing)s)."))
            % {"wanted": ", ".join(wanted), "unknown": ", ".join(unknown) or "—", "missing": ", ".join(missing) or "—"}
        )
    return {
        (kind, intra): _registry.load_value(Flow, data[_flow_key(kind, intra)], f"flows[{_flow_key(kind, intra)}]")
        for kind, intra in FLOWS
    }


_registry.register(
    SERVICE,
    _("foreign-labour permits to employers (000)"),
    Regulation,
    REGULATIONS,
    codecs={
        "flows": _registry.Codec(
            _dump_flows,
            _load_flows,
            help="{flow: {check_working_days, commission_working_days, letter_working_days, fee_working_days, "
            "issue_working_days, issue_counted_from_letter, registration_minutes, signature_minutes}}",
        )
    },
)


def regulation_on(day: date) -> Regulation:
    """The version in force on ``day`` (casework.regulations)."""
    return _registry.regulation_on(SERVICE, day)


def regulation(version: str | None = None) -> Regulation:
    """The version a case recorded; without one, the version in force today."""
    if not version:
        return _registry.current(SERVICE)
    return _registry.regulation(SERVICE, version)


def flow(kind: str, intra_corporate: bool, reg: Regulation = CURRENT) -> Flow:
    return reg.flows[(kind, bool(intra_corporate))]


# --------------------------------------------------------------------------------------------------
# Documents the employer attaches (the Standard's item 9, named by 000 §4; the Standard itself is not
# in the seeds, so the list is what the regulation's steps need). Each entry: alternatives, one required.
# --------------------------------------------------------------------------------------------------

DOCUMENT_TYPES: dict[str, object] = {
    "flp_application": _("employer's application for a permit to attract foreign labour"),
    "flp_workers_list": _("list of the foreign workers with their qualification and education"),
    "flp_transfer_decision": _("decision of the foreign company on the intra-corporate transfer"),
    "flp_reissue_grounds": _("documents confirming the grounds of the re-issue"),
    "flp_extension_grounds": _("documents justifying the extension"),
    "fee_payment_proof": _("copy of the document confirming payment of the fee for the permit"),
}

_REQUIRED = {
    (ISSUE, False): (("flp_workers_list",),),
    (ISSUE, True): (("flp_transfer_decision",),),
    (REISSUE, False): (("flp_reissue_grounds",),),
    (REISSUE, True): (("flp_reissue_grounds",),),
    (EXTEND, False): (("flp_extension_grounds",),),
    (EXTEND, True): (("flp_extension_grounds", "flp_transfer_decision"),),
}


def missing_documents(kind: str, intra_corporate: bool, attached) -> list[str]:
    have = set(attached)
    return ["|".join(alts) for alts in _REQUIRED[(kind, bool(intra_corporate))] if not have.intersection(alts)]


# --------------------------------------------------------------------------------------------------
# Checks and dates
# --------------------------------------------------------------------------------------------------


def violation(code: str, message, field: str | None = None) -> RuleViolation:
    params = [{"name": field, "code": code, "reason": str(message)}] if field else []
    return RuleViolation(message, code=code, invalid_params=params)


def check_term(months: int | None, intra_corporate: bool, reg: Regulation = CURRENT, *, extension: bool = False):
    """Ruling (see ``Regulation``): 1–12 months (up to 36 for a transfer); an extension adds 1–12 months."""
    top = (
        reg.max_extension_months
        if extension
        else (reg.max_transfer_term_months if intra_corporate else reg.max_term_months)
    )
    if months is None or not 1 <= months <= top:
        raise violation(
            TERM_OUT_OF_RANGE,
            _("The term is 1 to %(top)s months; %(n)s was asked.") % {"top": top, "n": months if months else "—"},
            "term_months",
        )


def step_deadline(start: date, working_days: int, event: str = "") -> workcalendar.Deadline:
    """A step of N working days counted from the day the previous step ended (DOMAIN.md §2 ruling)."""
    return workcalendar.deadline_after(start, working_days=working_days, event=event)


def minutes_after(moment: datetime, minutes: int) -> datetime:
    """The end of a step measured in minutes (000 §5: registration 20 min, signature 15 min). A time of day
    is not a legal term in days, so plain clock arithmetic is right here."""
    return moment + timedelta(minutes=minutes)


# Month terms are periods of validity (``permits.rules.validity``: from the start through the day before the
# same date N months later, never moved to a working day), shared with the labour-immigrant permit.
REEXPORTED = (add_months, validity)


def extended_validity(valid_to: date, months: int) -> date:
    """An extension runs on from the day after the current term ends."""
    return validity(next_day(valid_to), months)[1]


# The rules above as a table, for the README and the admin's help (clause → code → what).
RULES_AS_DATA = (
    ("000 §1", UNIT_NOT_A_REGION, "the region's department provides the service"),
    ("000 §1", CHANNEL_NOT_AVAILABLE, "applications through the office or the portal"),
    ("000 §5", FEE_WINDOW_CLOSED, "copies of the fee payment within 10 WD of the letter"),
    ("000 §9", SIGNER_NOT_APPLICANT, "the EDS certificate's IIN/BIN is the applicant's"),
    ("000 §3", REFUSAL_REASON_REQUIRED, "a refusal is motivated"),
)
