"""The complaint rules of seeds 003 (chapter 3, §24–§28) and 004 (chapter 3, §32–§35), as data.

Both acts say the same thing (DOMAIN.md §6); each number here cites both. An amendment is a new
regulation version (``casework.RegulationVersion``, service "complaints") an administrator adds in the
admin with the date it takes effect, not a code change; ``TERMS`` are the versions written in code, loaded
as the seed rows. A complaint records the version in force on its registration date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from casework import regulations as _registry

# What is challenged (003 chapter 3 title; 004 §32): a decision, an action or an inaction.
DECISION = "decision"
ACTION = "action"
INACTION = "inaction"
SUBJECTS = {
    DECISION: _("decision"),
    ACTION: _("action"),
    INACTION: _("inaction"),
}

# To whom the complaint is addressed.
PROVIDER = "provider"  # the service provider's head, 004 §32-1; considered in 5 WD (003 §25, 004 §33)
QUALITY_CONTROL = "quality_control"  # the authorised body for quality control: 15 WD (003 §26, 004 §34)
STATE_CORPORATION_HEAD = "state_corporation_head"  # staff of the State Corporation (004 §35)
ADDRESSEES = {
    PROVIDER: _("the service provider"),
    QUALITY_CONTROL: _("the body for quality control of public services"),
    STATE_CORPORATION_HEAD: _("the head of the State Corporation"),
}

# Who may complain: the applicant, their representative (with a power of attorney), or the employer.
APPLICANT = "applicant"
REPRESENTATIVE = "representative"
EMPLOYER = "employer"
COMPLAINANT_ROLES = {
    APPLICANT: _("the applicant"),
    REPRESENTATIVE: _("the applicant's representative (power of attorney)"),
    EMPLOYER: _("the employer"),
}
POWER_OF_ATTORNEY = "power_of_attorney"
COMPLAINT_DOCUMENT_TYPES = {
    POWER_OF_ATTORNEY: _("power of attorney"),
    "complaint_evidence": _("supporting document of a complaint"),
}

FULL = "full"
PARTIAL = "partial"
EXTENTS = {FULL: _("in full"), PARTIAL: _("in part")}


@dataclass(frozen=True)
class ComplaintTerms:
    effective_from: date
    reference: str
    # 003 §24 ¶2–3, 004 §32 ¶2–3: forward within 3 WD of receipt, unless granted in full within them.
    forward_within: int
    # 003 §25, 004 §33 (Law on public services art. 25 ¶2): 5 WD from registration.
    provider_review: int
    # 003 §26, 004 §34: 15 WD from registration.
    quality_control_review: int
    version: str = ""  # Case.regulation_version of the complaints registered under these terms

    def review_days(self, addressee: str) -> int:
        if addressee == QUALITY_CONTROL:
            return self.quality_control_review
        # 004 §35 names no term of its own for the State Corporation head: the general 5 WD of the
        # Law on public services art. 25 ¶2 (003 §25, 004 §33) applies. Ruling kept here.
        return self.provider_review


# 003 as amended by order 426 of 30.12.2025; 004 as amended by order 302 of 30.09.2025.
TERMS: tuple[ComplaintTerms, ...] = (
    ComplaintTerms(
        date(2020, 1, 1),
        "003 §24–26 / 004 §32–34",
        forward_within=3,
        provider_review=5,
        quality_control_review=15,
        version="003 o.426/2025; 004 o.302/2025",  # Case.regulation_version: max 40 chars
    ),
)

SERVICE = "complaints"
_registry.register(SERVICE, _("complaints (003 §24–28, 004 §32–35)"), ComplaintTerms, TERMS, title_attr="reference")


def terms_on(day: date) -> ComplaintTerms:
    """The terms in force on ``day`` (casework.regulations; the earliest known for older days)."""
    return _registry.regulation_on(SERVICE, day)


def terms(version: str) -> ComplaintTerms:
    """The terms a complaint recorded (``Case.regulation_version``)."""
    return _registry.regulation(SERVICE, version)


# 003 §27–28 (004 has the same in the Law): the way to court, printed on every decision letter.
WAY_TO_COURT = _(
    "If you disagree with this decision you may go to court in the procedure established by the "
    "legislation of the Republic of Kazakhstan (003 §27). Unless the laws provide otherwise, a claim "
    "may be brought to court after the administrative (pre-trial) complaint procedure, in accordance "
    "with paragraph 5 of Article 91 of the Administrative Procedural and Process Code (003 §28)."
)
