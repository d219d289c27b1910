"""The rules of seed 003 as data, each citing its clause; the one place the act's numbers live.

Seed 003: Minister of Labour order No 236 of 22.06.2023, annex 1 "Rules for issuing or extending a
certificate of qualification compliance to a foreigner or stateless person for self-employment",
as amended by order No 426 of 30.12.2025 (clauses 1, 3, 7, 8, 9, 13, 16, 18–23, annexes 1–3 in new
wording, clause 22-1 added). "003 §9" = item 9 of those rules; "annex 2 row 3" = row 3 of the list
of requirements for the public service (annex 2 to the rules).

An amendment of the act is a new regulation version (``casework.RegulationVersion``, added by an
administrator in the admin; not a code change): ``REGULATIONS`` below are the versions written in code,
loaded as the seed rows. Each application records the version in force on its registration date
(``Case.regulation_version``) and is processed under that version's numbers to the end.

Which steps each sub-service goes through (read from the act; DOMAIN.md §3):

* issue — §7 the officer sends a complete file to the Commission within 2 working days of
  registration; §9 the Commission assesses each person separately within 3 working days, its
  decision is a protocol signed by the members present; §11 on the Commission's recommendation the
  body decides within 5 working days of acceptance (annex 2 row 3: 5 working days from registration).
* extend — §16 the body extends within 3 working days "when the documents match"; the act sends
  nothing to the Commission (the qualification was assessed at issue; §16–17 only tie the term to the
  new labour contract), so: received → registered → issued | refused.
* re-issue — §22 the body re-issues within 3 working days with a new number; the Commission is not
  involved (only the holder's identity data or the employer changed, not the qualification).
* duplicate — §22-1 the body gives a duplicate within 3 working days; no Commission (nothing is
  assessed: the certificate already exists and keeps its number).

For all four: received → refused to accept when the documents are incomplete or expired (annex 2
row 9, last paragraph).
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _

from casework import regulations as _registry

# Sub-services (annex 2, "names of the sub-kinds of the public service" 1–4; annex 1 "issue / extend /
# re-issue / duplicate").
ISSUE = "issue"
EXTEND = "extend"
REISSUE = "reissue"
DUPLICATE = "duplicate"
KINDS = (ISSUE, EXTEND, REISSUE, DUPLICATE)

# Re-issue reasons (003 §22 first paragraph; §19 for the employer).
IDENTITY_CHANGE = "identity_change"  # surname, name, patronymic, ID document number/series changed
EMPLOYER_CHANGE = "employer_change"  # the holder changed employer (§18–19)
REISSUE_REASONS = (IDENTITY_CHANGE, EMPLOYER_CHANGE)

# Declared education (003 §10 1)); the keys are the API's ``education[].kind`` values.
HIGHER = "higher"
DEGREE = "degree"
ENGLISH_CERTIFICATE = "english_certificate"
EDUCATION_KINDS = (HIGHER, DEGREE, ENGLISH_CERTIFICATE)

# Grounds for refusal (003 annex 2 row 9, paragraphs 1–3; §12 refers there).
PROFESSION_NOT_IN_LIST = "profession_not_in_list"  # row 9 p.1: qualification/education do not meet the list
SCORE_BELOW_PASS_MARK = "score_below_pass_mark"  # noqa: S105 — row 9 p.2: the assessment did not reach six points
UNRELIABLE_DOCUMENTS = "unreliable_documents"  # row 9 p.3: documents or data found unreliable
REFUSAL_GROUNDS = {
    PROFESSION_NOT_IN_LIST: _(
        "the qualification and education do not meet the requirements of the list of in-demand professions "
        "(003 annex 2 row 9 p.1)"
    ),
    SCORE_BELOW_PASS_MARK: _("the assessment did not reach six points (003 annex 2 row 9 p.2, §10)"),
    UNRELIABLE_DOCUMENTS: _("the documents or the data in them were found unreliable (003 annex 2 row 9 p.3)"),
}

# Grounds for refusing to accept (003 annex 2 row 9, last paragraph): "an incomplete set of documents
# and/or documents whose validity has expired".
INCOMPLETE_DOCUMENTS = "incomplete_documents"
EXPIRED_DOCUMENTS = "expired_documents"
NON_ACCEPTANCE_GROUNDS = {
    INCOMPLETE_DOCUMENTS: _("the set of documents is incomplete (003 annex 2 row 9, last paragraph)"),
    EXPIRED_DOCUMENTS: _("documents whose validity has expired (003 annex 2 row 9, last paragraph)"),
}

# Holder notices (003 §18, §20).
NOTICE_EMPLOYER_CHANGE = "employer_change"  # §18: within 5 WD of the new labour contract
NOTICE_CONTRACT_TERMINATION = "contract_termination"  # §20: within 5 WD of the termination
NOTICE_KINDS = (NOTICE_EMPLOYER_CHANGE, NOTICE_CONTRACT_TERMINATION)

# Revocation ground (003 §21, §23 2)): work in a profession the certificate does not cover,
# established by an act of a labour or migration control body.
REVOCATION_NON_MATCHING_WORK = "non_matching_work"


@dataclass(frozen=True)
class Regulation:
    """The numbers of one version of act 003. Each field cites its clause."""

    version: str
    effective_from: date
    title: str
    # Term of the service per sub-service, working days from registration (annex 2 row 3; §11, §16,
    # §22, §22-1).
    service_term_working_days: dict[str, int]
    # Step terms of the issue workflow.
    referral_working_days: int  # §7: to the Commission within 2 WD of registration
    commission_working_days: int  # §9: the Commission decides within 3 WD
    decision_working_days: int  # §11: decision within 5 WD of acceptance
    # Ruling: the completeness check (annex 2 row 9, last paragraph) has no term of its own in the act;
    # it must leave §7's 2 WD for the referral, so it is due the working day after registration.
    completeness_check_working_days: int
    # Application windows (late filings are accepted and flagged to the clerk with the reason).
    extension_window_working_days: int  # §17: within 5 WD of concluding the labour contract
    reissue_window_working_days: int  # §22: within 5 WD of the change (also §19 for the employer)
    duplicate_window_working_days: int  # §22-1: within 5 WD of the loss or damage
    # Validity.
    validity_months: int  # §15: issued for at most three months
    extension_max_years: int  # §16: extended for the labour contract's term, at most 3 years
    # Notices from the holder.
    employer_change_notice_working_days: int  # §18
    termination_notice_working_days: int  # §20
    # Scoring (§10) and pass mark (annex 2 row 9 p.2: "did not reach six points").
    education_points: dict[str, int] = field(default_factory=dict)
    # Experience bands on whole completed years: (first year, last year or None, points) (§10 2)).
    experience_bands: tuple[tuple[int, int | None, int], ...] = ()
    pass_mark: int = 6  # annex 2 row 9 p.2: refused when the assessment "did not reach six points"
    # Not from the act: the office reminds holders this many calendar days before expiry (DOMAIN.md §8
    # "remind holders of the extension window"; issue 4 "remind holders 10 days before expiry").
    expiry_reminder_days: int = 10


REGULATIONS: tuple[Regulation, ...] = (
    Regulation(
        version="003/2025-12-30",
        # Order 426 of 30.12.2025 takes effect ten calendar days after its first official publication;
        # the seed does not give the publication date, so the version is keyed by the order's date.
        effective_from=date(2025, 12, 30),
        title="Order No 236 of 22.06.2023 as amended by order No 426 of 30.12.2025",
        service_term_working_days={ISSUE: 5, EXTEND: 3, REISSUE: 3, DUPLICATE: 3},
        referral_working_days=2,
        commission_working_days=3,
        decision_working_days=5,
        completeness_check_working_days=1,
        extension_window_working_days=5,
        reissue_window_working_days=5,
        duplicate_window_working_days=5,
        validity_months=3,
        extension_max_years=3,
        employer_change_notice_working_days=5,
        termination_notice_working_days=5,
        education_points={HIGHER: 3, DEGREE: 4, ENGLISH_CERTIFICATE: 3},
        # Ruling (DOMAIN.md §3): under one completed year scores 0; "4–10" and "11 and more" are read on
        # whole completed years, so the bands meet without gaps.
        experience_bands=((0, 0, 0), (1, 3, 2), (4, 10, 4), (11, None, 6)),
        pass_mark=6,
    ),
)

# The latest version written in code: the default of the pure functions below. Services never rely on it:
# they pass the version in force on the registration date (``regulation_on``) or the case's own.
CURRENT = REGULATIONS[-1]
REGULATION_VERSION = CURRENT.version

SERVICE = "certificates"
_registry.register(SERVICE, _("qualification certificates (003)"), Regulation, REGULATIONS)


def regulation_on(day: date) -> Regulation:
    """The version of the act in force on ``day`` (the latest whose effective date has come; the
    earliest known version for older days), from the regulation versions in the database."""
    return _registry.regulation_on(SERVICE, day)


def regulation(version: str) -> Regulation:
    """The version an application recorded; ``LookupError`` for an unknown one."""
    return _registry.regulation(SERVICE, version)


# --------------------------------------------------------------------------------------------------
# Scoring (003 §10) — a pure function.
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    points: int
    breakdown: tuple[tuple[str, int], ...]  # (criterion, points) for every criterion, met or not
    pass_mark: int

    @property
    def passes(self) -> bool:
        return self.points >= self.pass_mark

    def as_dict(self) -> dict:
        return {
            "points": self.points,
            "passes": self.passes,
            "pass_mark": self.pass_mark,
            "breakdown": [{"criterion": c, "points": p} for c, p in self.breakdown],
        }


def experience_points(experience_years: int, rules: Regulation = CURRENT) -> int:
    if experience_years < 0:
        raise ValueError("experience_years must not be negative")
    for first, last, points in rules.experience_bands:
        if experience_years >= first and (last is None or experience_years <= last):
            return points
    return 0


def score(education: Iterable[str], experience_years: int, rules: Regulation = CURRENT) -> Score:
    """Points of 003 §10 for the declared (or the Commission's confirmed) education and experience.

    Ruling (DOMAIN.md §3): the score is the sum of every criterion met — each education item counts
    once however many documents prove it (higher 3, degree 4, English-teaching certificate 3) — plus
    one experience band on whole completed years (<1 → 0, 1–3 → 2, 4–10 → 4, 11+ → 6). It passes at
    ``pass_mark`` (6) points or more (annex 2 row 9 p.2).
    """
    met = set(education)
    unknown = met - set(rules.education_points)
    if unknown:
        raise ValueError(f"unknown education kind(s): {', '.join(sorted(unknown))}")
    breakdown = [(kind, rules.education_points[kind] if kind in met else 0) for kind in rules.education_points]
    breakdown.append(("experience", experience_points(experience_years, rules)))
    return Score(sum(p for _c, p in breakdown), tuple(breakdown), rules.pass_mark)


# --------------------------------------------------------------------------------------------------
# Documents required per sub-service (003 annex 2 row 8).
# --------------------------------------------------------------------------------------------------


# Each entry is a set of alternatives: at least one document of one of these types must be attached.
def required_documents(kind: str, *, reissue_reason: str = "", education: Iterable[str] = ()) -> list[tuple[str, ...]]:
    """Annex 2 row 8. The application form itself (annex 1) is the submission, so it is not listed.

    1. issue: identity document; recognised/nostrified education documents with a notarised kk/ru
       translation OR the notarised translation of an English-teaching certificate; notarised copy of
       the proof of work experience with a kk/ru translation.
    2. extend: the certificate issued before (its number is in the application: the office has it, so
       a copy is not demanded); a copy of the labour contract.
    3. re-issue for changed identity data: a copy of the document with the changed data; re-issue
       for a new employer (§19 → §22 second paragraph: "copies of the documents confirming the said
       data"): the new labour contract.
    4. duplicate: identity document; notarised copy of the proof of work experience with translation.
    """
    if kind == ISSUE:
        education = set(education)
        proof: tuple[str, ...]
        if education and education <= {ENGLISH_CERTIFICATE}:
            proof = ("english_certificate",)
        elif ENGLISH_CERTIFICATE in education:
            proof = ("education_document", "english_certificate")
        else:
            proof = ("education_document",)
        return [("identity_document",), proof, ("work_experience",)]
    if kind == EXTEND:
        return [("labour_contract",)]
    if kind == REISSUE:
        if reissue_reason == EMPLOYER_CHANGE:
            return [("labour_contract",)]
        return [("changed_identity_document",)]
    if kind == DUPLICATE:
        return [("identity_document",), ("work_experience",)]
    raise ValueError(f"unknown kind {kind!r}")


def missing_documents(required: list[tuple[str, ...]], attached: Iterable[str]) -> list[str]:
    """The required entries (alternatives joined with '|') not covered by the attached types."""
    have = set(attached)
    return ["|".join(alternatives) for alternatives in required if not have.intersection(alternatives)]


# --------------------------------------------------------------------------------------------------
# Refusal grounds per sub-service (annex 2 row 9).
# --------------------------------------------------------------------------------------------------


def refusal_grounds_for(kind: str) -> tuple[str, ...]:
    """Row 9 p.2 (score) concerns the Commission's assessment, which only the issue goes through;
    p.1 and p.3 apply to every sub-service (an extension for work outside the listed profession, a
    forged contract)."""
    if kind == ISSUE:
        return (PROFESSION_NOT_IN_LIST, SCORE_BELOW_PASS_MARK, UNRELIABLE_DOCUMENTS)
    return (PROFESSION_NOT_IN_LIST, UNRELIABLE_DOCUMENTS)


def needs_commission(kind: str) -> bool:
    """Only the issue goes to the Commission (§7–§11); see the module docstring."""
    return kind == ISSUE


def application_window_working_days(kind: str, rules: Regulation = CURRENT) -> int | None:
    """The window counted from the event (§17 contract, §22 change, §22-1 loss); none for an issue."""
    return {
        EXTEND: rules.extension_window_working_days,
        REISSUE: rules.reissue_window_working_days,
        DUPLICATE: rules.duplicate_window_working_days,
    }.get(kind)


WINDOW_CLAUSE = {EXTEND: "003 §17", REISSUE: "003 §22", DUPLICATE: "003 §22-1"}
SERVICE_TERM_CLAUSE = {ISSUE: "003 §11", EXTEND: "003 §16", REISSUE: "003 §22", DUPLICATE: "003 §22-1"}


# --------------------------------------------------------------------------------------------------
# Validity (003 §15–16). Months and years are calendar periods of the certificate, not procedural
# terms: they are not moved to a working day.
# --------------------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day-of-month ``months`` later, clamped to the month's last day (31.01 + 1 → 28/29.02)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def day_before(day: date) -> date:
    return date.fromordinal(day.toordinal() - 1)


def initial_validity(issued_on: date, rules: Regulation = CURRENT) -> tuple[date, date]:
    """§15: "issued for a term not exceeding three months". Ruling: valid from the day of issue through
    the day before the same date three months later (issued 16.01 → valid to 15.04), so the term never
    exceeds three months."""
    return issued_on, day_before(add_months(issued_on, rules.validity_months))


def extension_end(extended_on: date, contract_ends_on: date, rules: Regulation = CURRENT) -> date:
    """§16: extended "for the term of the labour contract, but not more than 3 years". Ruling: the three
    years run from the day of the extension decision; the end is the contract's last day or the day
    before the same date three years later, whichever is earlier."""
    cap = day_before(add_months(extended_on, 12 * rules.extension_max_years))
    return min(contract_ends_on, cap)


def expiry_reminder_on(valid_to: date, rules: Regulation = CURRENT) -> date:
    """The day the holder is reminded: ``expiry_reminder_days`` calendar days before the last valid day
    (a courtesy of the office, not a legal term; a plain calendar date, not moved)."""
    return date.fromordinal(valid_to.toordinal() - rules.expiry_reminder_days)
