"""The rules of seed 004 (labour-immigrant permits) as data and pure functions, each citing its clause.

Seed 004: Order No 123 of 15.04.2022 of the Minister of Labour, annex 1 "Rules for issuing, extending
and revoking a permit to a labour immigrant", in the wording of Order No 288 of 31.07.2024 (from
01.01.2025) as amended by Order No 302 of 30.09.2025. "004 §24" = item 24 of those rules; "annex 2
row 8" = row 8 of the list of basic requirements (annex 2 to the rules). Seed 001 §13 (repealed 2019
regulation) adds the employer's co-signature on portal extensions, which 004 annex 2 row 8.1.b(1) and
8.2.b(1) repeat ("certified with the EDS of the labour immigrant and the employer").

Numbers the act sets live in regulation versions (``casework.RegulationVersion``; ``REGULATIONS`` below
are the versions written in code, loaded as the seed rows): an amendment is a new row an administrator
adds in the admin, not a code change; an application keeps the version in force on its registration
date (``Case.regulation_version``).

No function here touches the database; the calendar (workcalendar) is only asked for dates.
Every refusal a rule causes has a stable machine code (API.md), listed in ``CODES``.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from casework import regulations as _registry
from casework.exceptions import RuleViolation
from workcalendar import services as workcalendar

# --------------------------------------------------------------------------------------------------
# Sub-services and channels
# --------------------------------------------------------------------------------------------------

ISSUE = "issue"  # 004 §5, §11, §18
EXTEND = "extend"  # 004 §18, §21, §24–25
DUPLICATE = "duplicate"  # 004 §27: copy of a lost or damaged permit
KINDS = (ISSUE, EXTEND, DUPLICATE)
KIND_LABELS = {ISSUE: _("issue"), EXTEND: _("extension"), DUPLICATE: _("duplicate (lost or damaged permit)")}

# --------------------------------------------------------------------------------------------------
# Stable machine codes (API.md "Errors"). One place, so the API, the admin and the tests agree.
# --------------------------------------------------------------------------------------------------

TERM_OUT_OF_RANGE = "term_out_of_range"  # 004 §19: 1..12 months
TERM_EXCEEDS_12_MONTHS = "term_exceeds_12_months"  # 004 §19: with extensions ≤ 12 months
QUOTA_EXHAUSTED = "quota_exhausted"  # 004 §20
PROPERTY_OUTSIDE_UNIT = "property_outside_unit"  # 004 §23
MEDICAL_CERTIFICATE_EXPIRED = "medical_certificate_expired"  # annex 2 row 8.1(4)
BORDER_CROSSING_TOO_OLD = "border_crossing_too_old"  # annex 2 row 8.1(3), 8.2(3)
INSURANCE_DOES_NOT_COVER_TERM = "insurance_does_not_cover_term"  # annex 2 row 8.1(5), 8.2(4)
EXTENSION_WINDOW_CLOSED = "extension_window_closed"  # 004 §24–25
NEW_PERMIT_WINDOW_CLOSED = "new_permit_window_closed"  # 004 §26
PERMIT_NOT_VALID_IN_UNIT = "permit_not_valid_in_unit"  # 004 §22
PERMIT_NOT_TRANSFERABLE = "permit_not_transferable"  # 004 §22
PERMIT_NOT_FOUND = "permit_not_found"
PERMIT_NOT_ACTIVE = "permit_not_active"
DOCUMENTS_INCOMPLETE = "documents_incomplete"  # 004 §17, annex 2 row 8
SIGNATURE_MISSING = "signature_missing"  # 001 §13; annex 2 row 8.1.b(1), 8.2.b(1)
SIGNATURE_INVALID = "signature_invalid"
SIGNATURE_UNVERIFIABLE = "signature_unverifiable"  # no verifier configured
VACANCY_SEARCH_TOO_EARLY = "vacancy_search_too_early"  # 004 §10
AGREEMENT_NOT_FOUND = "agreement_not_found"
AGREEMENT_MISMATCH = "agreement_mismatch"  # 004 §11: the agreement is between these two parties
AGREEMENT_LAPSED = "agreement_lapsed"  # 004 §12
EMPLOYER_NOT_INDIVIDUAL = "employer_not_individual"  # 004 §2(3): an individual (IIN) employer
UNKNOWN_UNIT = "unknown_unit"
NOT_A_DISTRICT = "unit_not_a_district"  # 004 §4: districts / cities of regional significance
TERMINATION_DATE_IN_FUTURE = "termination_date_in_future"
TERMINATION_BEFORE_PERMIT = "termination_before_permit"
EMPLOYER_MISMATCH = "employer_mismatch"  # 004 §28: the notice comes from the permit's employer
NOT_POLICE_LIAISON = "not_police_liaison"
POLICE_CHECK_ALREADY_RECORDED = "police_check_already_recorded"
REFUSAL_GROUND_UNKNOWN = "refusal_ground_unknown"
POLICE_CHECK_NEGATIVE = "police_check_negative"

# --------------------------------------------------------------------------------------------------
# The act's numbers, by version
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Regulation:
    version: str
    effective_from: date
    title: str
    decision_working_days: int = 2  # 004 §7, annex 2 row 3: 2 WD not counting the day of application
    police_check_working_days: int = 1  # 004 §16
    duplicate_working_days: int = 0  # 004 §27: on the day of the request
    min_term_months: int = 1  # 004 §19
    max_term_months: int = 12  # 004 §19, also the cap with extensions
    vacancy_search_after_days: int = 15  # 004 §10 (calendar days: DOMAIN.md §4)
    reservation_calendar_days: int = 10  # 004 §12
    extension_window_earliest: int = 30  # 004 §24: not earlier than 30 CD before expiry
    extension_window_latest: int = 5  # 004 §24–25: not later than 5 CD before expiry
    new_permit_latest_days: int = 4  # 004 §26: new permit applied for ≥ 4 CD before expiry
    medical_certificate_max_age_months: int = 12  # annex 2 row 8.1(4): form 028/e ≤ 12 months
    border_crossing_max_age_months: int = 12  # annex 2 row 8.1(3), 8.2(3)
    termination_notice_working_days: int = 2  # 004 §28, annex 3 cl.7
    revocation_information_working_days: int = 2  # 004 §39
    stay_after_revocation_calendar_days: int = 15  # 004 §40, annex 8
    # Not from the act: the office reminds holders that the window closes this many days before it does.
    window_closing_reminder_days: int = 2


REGULATIONS: tuple[Regulation, ...] = (
    Regulation(
        version="004/2025-09-30",
        # Order 302 takes effect ten calendar days after its first official publication; the seed does not
        # give the publication date, so the version is keyed by the order's date.
        effective_from=date(2025, 9, 30),
        title="Order No 123 of 15.04.2022 in the wording of Order No 288 of 31.07.2024, amended by Order No 302",
    ),
)
# The latest version written in code: the default of the pure functions below. Services pass the version in
# force on the registration date (``regulation_on``) or the case's own (``regulation``).
CURRENT = REGULATIONS[-1]
REGULATION_VERSION = CURRENT.version

SERVICE = "permits.labour_immigrant"
_registry.register(SERVICE, _("labour-immigrant permits (004)"), Regulation, REGULATIONS)


def regulation_on(day: date) -> Regulation:
    """The version in force on ``day`` (casework.regulations)."""
    return _registry.regulation_on(SERVICE, day)


def regulation(version: str | None = None) -> Regulation:
    """The version a case recorded; without one, the version in force today."""
    if not version:
        return _registry.current(SERVICE)
    return _registry.regulation(SERVICE, version)


# --------------------------------------------------------------------------------------------------
# Refusal grounds (annex 2 row 9, current wording) and grounds of refusal to accept (004 §17)
# --------------------------------------------------------------------------------------------------

REFUSAL_GROUNDS: dict[str, object] = {
    "G1": _("the documents submitted, or the data in them, were found unreliable (annex 2 row 9 p.1)"),
    "G2": _(
        "the applicant or the materials, data and information submitted do not meet the requirements of the "
        "Rules approved by Order No 123 of 15 April 2022 (annex 2 row 9 p.2)"
    ),
    "G3": _(
        "negative answer of an authorised state body to the request for approval, or a negative conclusion of "
        "an examination, study or check (annex 2 row 9 p.3; 004 §6, §16)"
    ),
    "G4": _(
        "the foreigner's citizenship does not meet subparagraph 1) of paragraph 1 of Article 43-1 of the Law "
        "On Migration of the Population (annex 2 row 9 p.4; 004 §15(3))"
    ),
    "G5": _(
        "the conditions of paragraph 5 of Article 43-2 of the Law On Migration of the Population are not met "
        "(annex 2 row 9 p.5; 004 §15(4))"
    ),
    "G6": _(
        "the individual income tax was paid to a state revenue body not of the territory of stay (annex 2 row 9 p.6)"
    ),
    "G7": _(
        "the amount of the individual income tax advance payment does not match paragraph 2 of Article 360 or "
        "paragraph 5 of Article 658 of the Tax Code (annex 2 row 9 p.7)"
    ),
    "G8": _(
        "a court decision (sentence) in force prohibits the applicant's activity or the kind of activity "
        "(annex 2 row 9 p.8)"
    ),
    "G9": _("no consent to access personal data of limited access (annex 2 row 9 p.9)"),
}

# 004 §17 and annex 4: "an incomplete package of documents and (or) documents with an expired validity".
NOT_ACCEPTED_INCOMPLETE = "incomplete"
NOT_ACCEPTED_EXPIRED = "expired"

# --------------------------------------------------------------------------------------------------
# Documents (annex 2 row 8), by sub-service and channel
# --------------------------------------------------------------------------------------------------

DOCUMENT_TYPES: dict[str, object] = {
    "lip_application_form": _("application in the form of annex 1 signed by the immigrant and the employer"),
    "iit_advance_receipt": _("receipt of the individual income tax advance payment for the permit term"),
    "passport_with_border_mark": _("passport with a border-crossing mark within the last 12 months"),
    "passport_notarised_copy": _("notarised copy of the passport with a border-crossing mark within 12 months"),
    "medical_certificate_028": _("medical certificate form 028/e issued not more than 12 months ago"),
    "medical_insurance": _("medical insurance covering the whole requested term (Unified Insurance Database)"),
    "intention_agreement": _("agreement of intent to conclude an employment contract (annex 3)"),
    "labour_contract": _("labour contract"),
    "damaged_permit": _("the damaged permit, or a statement of its loss"),
}

STATE_CORPORATION_CHANNELS = ("state_corporation", "office")
ELECTRONIC_CHANNELS = ("portal", "web_form")

# Row 8. The annex 1 application itself is the submission (its data is the request), so it is not listed
# for the electronic channels; at the State Corporation its signed paper form is scanned (8.1.a(1), 8.2.a(1)).
_REQUIRED = {
    (ISSUE, "paper"): (  # 8.1.a
        ("lip_application_form",),
        ("iit_advance_receipt",),
        ("passport_with_border_mark",),
        ("medical_certificate_028",),
        ("medical_insurance",),
        ("intention_agreement",),
    ),
    (ISSUE, "electronic"): (  # 8.1.b
        ("iit_advance_receipt",),
        ("passport_with_border_mark",),
        ("medical_certificate_028",),
        ("medical_insurance",),
        ("intention_agreement",),
    ),
    (EXTEND, "paper"): (  # 8.2.a: no 028/e certificate; the labour contract instead of the agreement
        ("lip_application_form",),
        ("iit_advance_receipt",),
        ("passport_with_border_mark",),
        ("medical_insurance",),
        ("labour_contract",),
    ),
    (EXTEND, "electronic"): (  # 8.2.b: the passport as a notarised copy
        ("iit_advance_receipt",),
        ("passport_notarised_copy", "passport_with_border_mark"),
        ("medical_insurance",),
        ("labour_contract",),
    ),
    # 004 §27 lists no documents for a copy; the holder shows the damaged permit or states its loss.
    (DUPLICATE, "paper"): (),
    (DUPLICATE, "electronic"): (),
}


def channel_family(channel: str) -> str:
    return "electronic" if channel in ELECTRONIC_CHANNELS else "paper"


def required_documents(kind: str, channel: str) -> tuple[tuple[str, ...], ...]:
    """Annex 2 row 8: each entry is a set of alternatives, one of which must be attached."""
    return _REQUIRED[(kind, channel_family(channel))]


def missing_documents(kind: str, channel: str, attached: Iterable[str]) -> list[str]:
    have = set(attached)
    return ["|".join(alts) for alts in required_documents(kind, channel) if not have.intersection(alts)]


def needs_both_signatures(kind: str, channel: str) -> bool:
    """001 §13: a portal extension is certified with the EDS of the immigrant *and* of the employer who
    allows it; 004 annex 2 row 8.1.b(1) requires the same of a portal issue."""
    return channel == "portal" and kind in (ISSUE, EXTEND)


# --------------------------------------------------------------------------------------------------
# Dates. Month terms are periods of validity, not procedural terms: they are never moved to a
# working day (DOMAIN.md §2 ruling for windows; same reading as certificates' validity).
# --------------------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day-of-month ``months`` later (or earlier), clamped to the month's end (31.01 + 1 → 28/29.02)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def days_before(day: date, n: int) -> date:
    """A plain calendar date ``n`` days before ``day`` (never moved): via workcalendar.window_dates."""
    return workcalendar.window_dates(day, n, 0)[0]


def validity(start: date, months: int) -> tuple[date, date]:
    """004 §19: valid from ``start`` for ``months`` months: through the day before the same date ``months``
    later (from 16.01 for 3 months → to 15.04), so the term never exceeds what was asked.
    Ruling: a term ending on a day off is not moved — it is a period of validity, not a procedural term."""
    end = add_months(start, months)
    return start, days_before(end, 1)


def next_day(day: date) -> date:
    return date.fromordinal(day.toordinal() + 1)


# --------------------------------------------------------------------------------------------------
# The checks. Each raises RuleViolation(code=...) with the clause in the message.
# --------------------------------------------------------------------------------------------------


def violation(code: str, message, field: str | None = None) -> RuleViolation:
    params = [{"name": field, "code": code, "reason": str(message)}] if field else []
    return RuleViolation(message, code=code, invalid_params=params)


def check_term(months: int, rules: Regulation = CURRENT) -> None:
    """004 §19: the term asked for is 1 to 12 months."""
    if not rules.min_term_months <= months <= rules.max_term_months:
        raise violation(
            TERM_OUT_OF_RANGE,
            _("A permit is issued for 1 to 12 months (004 §19); %(n)s months were asked.") % {"n": months},
            "term_months",
        )


def check_total_term(months_so_far: int, months: int, rules: Regulation = CURRENT) -> None:
    """004 §19: with its extensions a permit never runs longer than 12 months in total."""
    if months_so_far + months > rules.max_term_months:
        left = max(0, rules.max_term_months - months_so_far)
        raise violation(
            TERM_EXCEEDS_12_MONTHS,
            _(
                "With its extensions a permit runs at most 12 months (004 §19): it has run %(so_far)s months, "
                "so at most %(left)s more can be asked; after 12 months apply for a new permit (004 §26)."
            )
            % {"so_far": months_so_far, "left": left},
            "term_months",
        )


def extension_window(valid_to: date, rules: Regulation = CURRENT) -> tuple[date, date]:
    """004 §24: not earlier than 30 and not later than 5 calendar days before the expiry (``valid_to``)."""
    return workcalendar.window_dates(valid_to, rules.extension_window_earliest, rules.extension_window_latest)


def check_extension_window(filed_on: date, valid_to: date, rules: Regulation = CURRENT) -> None:
    """004 §24–25. Ruling: the day that counts is the day the application was filed (office-local date of
    receipt), not its registration day — the portal takes applications round the clock and a window is a
    plain calendar span (DOMAIN.md §2)."""
    first, last = extension_window(valid_to, rules)
    if not first <= filed_on <= last:
        raise violation(
            EXTENSION_WINDOW_CLOSED,
            _(
                "An extension is applied for not earlier than 30 and not later than 5 calendar days before the "
                "permit expires on %(expiry)s, i.e. from %(first)s to %(last)s (004 §24–25); it was filed on "
                "%(filed)s."
            )
            % {
                "expiry": f"{valid_to:%d.%m.%Y}",
                "first": f"{first:%d.%m.%Y}",
                "last": f"{last:%d.%m.%Y}",
                "filed": f"{filed_on:%d.%m.%Y}",
            },
            "permit_number",
        )


def new_permit_deadline(valid_to: date, rules: Regulation = CURRENT) -> date:
    return days_before(valid_to, rules.new_permit_latest_days)


def check_new_permit_window(filed_on: date, valid_to: date, rules: Regulation = CURRENT) -> None:
    """004 §26: after 12 months in total, a new permit is applied for not later than 4 calendar days before
    the current one expires."""
    last = new_permit_deadline(valid_to, rules)
    if filed_on > last:
        raise violation(
            NEW_PERMIT_WINDOW_CLOSED,
            _(
                "After 12 months a new permit is applied for not later than 4 calendar days before the current "
                "one expires on %(expiry)s, i.e. by %(last)s (004 §26)."
            )
            % {"expiry": f"{valid_to:%d.%m.%Y}", "last": f"{last:%d.%m.%Y}"},
            "previous_permit_number",
        )


def check_medical_certificate(issued_on: date | None, filed_on: date, rules: Regulation = CURRENT) -> None:
    """Annex 2 row 8.1(4): the 028/e certificate was issued not more than 12 months before the application."""
    if issued_on is None or issued_on < add_months(filed_on, -rules.medical_certificate_max_age_months):
        raise violation(
            MEDICAL_CERTIFICATE_EXPIRED,
            _("The medical certificate (form 028/e) must be issued not more than 12 months ago (004 annex 2 row 8)."),
            "medical_certificate_issued_on",
        )


def check_border_crossing(crossed_on: date | None, filed_on: date, rules: Regulation = CURRENT) -> None:
    """Annex 2 row 8.1(3), 8.2(3): the passport bears a border-crossing mark within the last 12 months."""
    if (
        crossed_on is None
        or crossed_on > filed_on
        or crossed_on < add_months(filed_on, -rules.border_crossing_max_age_months)
    ):
        raise violation(
            BORDER_CROSSING_TOO_OLD,
            _("The passport must bear a mark of crossing the border within the last 12 months (004 annex 2 row 8)."),
            "border_crossed_on",
        )


def check_insurance(insured_until: date | None, term_ends_on: date) -> None:
    """Annex 2 row 8.1(5), 8.2(4): the medical insurance is valid not shorter than the requested term."""
    if insured_until is None or insured_until < term_ends_on:
        raise violation(
            INSURANCE_DOES_NOT_COVER_TERM,
            _(
                "The medical insurance must be valid at least until %(end)s, the end of the "
                "requested term (004 annex 2 row 8)."
            )
            % {"end": f"{term_ends_on:%d.%m.%Y}"},
            "insurance_valid_until",
        )


def check_property_in_unit(property_unit_code: str, unit_code: str) -> None:
    """004 §23: issued only when the employer's own real estate (where the household work is done) lies in
    the issuing unit. Ruling: "matches" is read as "lies in the administrative-territorial unit of the body
    applied to" (the act does not say what the address must match)."""
    if property_unit_code != unit_code:
        raise violation(
            PROPERTY_OUTSIDE_UNIT,
            _("The employer's real estate where the work is done must lie in the issuing unit (004 §23)."),
            "employer.property_unit",
        )


def earliest_search_day(vacancy_published_on: date, rules: Regulation = CURRENT) -> date:
    """004 §10: employers search labour immigrants only after 15 days from the vacancy's publication.
    Ruling (DOMAIN.md §2, §4): 15 calendar days, ending on the 15th day after publication (moved to the next
    working day if a day off); the search — and so the agreement — is possible from the day after."""
    term_end = workcalendar.deadline_from(vacancy_published_on, calendar_days=rules.vacancy_search_after_days).due
    return next_day(term_end)


def check_vacancy_search(vacancy_published_on: date, signed_on: date, rules: Regulation = CURRENT) -> None:
    first = earliest_search_day(vacancy_published_on, rules)
    if signed_on < first:
        raise violation(
            VACANCY_SEARCH_TOO_EARLY,
            _(
                "An employer may look for labour immigrants only 15 days after publishing the vacancy (004 §10): "
                "not before %(first)s."
            )
            % {"first": f"{first:%d.%m.%Y}"},
            "signed_on",
        )


def reservation_ends_on(signed_on: date, rules: Regulation = CURRENT) -> workcalendar.Deadline:
    """004 §12: the quota unit is reserved for 10 calendar days from signing the agreement of intent."""
    return workcalendar.deadline_from(signed_on, calendar_days=rules.reservation_calendar_days)


def termination_notice_due(contract_ended_on: date, rules: Regulation = CURRENT) -> workcalendar.Deadline:
    """004 §28: the employer notifies within 2 working days from the day the contract is terminated."""
    return workcalendar.deadline_after(
        contract_ended_on, working_days=rules.termination_notice_working_days, event=_("termination of the contract")
    )


def revocation_information_due(revoked_on: date, rules: Regulation = CURRENT) -> workcalendar.Deadline:
    """004 §39: the annex 9 information goes to internal affairs within 2 working days of the revocation."""
    return workcalendar.deadline_after(
        revoked_on, working_days=rules.revocation_information_working_days, event=_("revocation of the permit")
    )


def leave_by(revoked_on: date, rules: Regulation = CURRENT) -> date:
    """004 §40, annex 8: the stay is shortened to (up to) 15 calendar days. Ruling: counted from the day of
    revocation (the date annex 8 is issued), a day off moving the end to the next working day (DOMAIN.md §2)."""
    return workcalendar.deadline_from(revoked_on, calendar_days=rules.stay_after_revocation_calendar_days).due


def reminder_dates(valid_to: date, rules: Regulation = CURRENT) -> dict[str, date]:
    """When holders are reminded: the day the extension window opens (30 days before expiry) and
    ``window_closing_reminder_days`` before it closes (a courtesy of the office, not a legal term)."""
    first, last = extension_window(valid_to, rules)
    return {"window_opens": first, "window_closes_soon": days_before(last, rules.window_closing_reminder_days)}


# The rules above as a table, for the README and the admin's help (clause → code → what).
RULES_AS_DATA = (
    ("004 §19", TERM_OUT_OF_RANGE, "term 1–12 months"),
    ("004 §19", TERM_EXCEEDS_12_MONTHS, "≤ 12 months with extensions"),
    ("004 §20–21", QUOTA_EXHAUSTED, "within the unit's quota; an extension takes no new unit"),
    ("004 §22", PERMIT_NOT_VALID_IN_UNIT, "valid only in the issuing unit"),
    ("004 §22", PERMIT_NOT_TRANSFERABLE, "not transferable to another employer or person"),
    ("004 §23", PROPERTY_OUTSIDE_UNIT, "employer's real estate in the issuing unit"),
    ("004 §24–25", EXTENSION_WINDOW_CLOSED, "extension 30…5 calendar days before expiry"),
    ("004 §26", NEW_PERMIT_WINDOW_CLOSED, "new permit after 12 months ≥ 4 calendar days before expiry"),
    ("004 annex 2 row 8", MEDICAL_CERTIFICATE_EXPIRED, "028/e certificate ≤ 12 months old"),
    ("004 annex 2 row 8", BORDER_CROSSING_TOO_OLD, "border-crossing mark ≤ 12 months"),
    ("004 annex 2 row 8", INSURANCE_DOES_NOT_COVER_TERM, "insurance covers the whole term"),
    ("004 §17", DOCUMENTS_INCOMPLETE, "complete package by kind and channel"),
    ("001 §13", SIGNATURE_MISSING, "portal: signed by the immigrant and the employer"),
    ("004 §10", VACANCY_SEARCH_TOO_EARLY, "agreement only 15 days after the vacancy's publication"),
    ("004 §12", AGREEMENT_LAPSED, "reservation lasts 10 calendar days"),
)
