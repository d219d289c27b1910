"""The documents of the foreign-labour permit service (seed 000 §3, §6), in Kazakh and Russian, with the QR
verification of casework.pdf: the tear-off receipt, the letter to the employer, the Commission protocol, the
permit (issued, re-issued, extended: one permit number, each change a new document superseding the last),
the motivated refusal and the extract from the service journal. Builders only assemble text; casework.pdf
renders, numbers and stores. Registered when ``permits.documents`` is imported."""

from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models.issued import DocumentKind
from casework.pdf import DocumentSpec, document_builder, schedule_documents

from . import rules
from .models import (
    AgendaItem,
    CommissionMeeting,
    ForeignLabourPermit,
    ForeignLabourPermitApplication,
    ServiceJournalEntry,
)

TEMPLATE = "permits/documents/foreign_labour.html"
APP = "permits.foreignlabourpermitapplication"


def _d(day) -> str:
    return f"{day:%d.%m.%Y}" if day else "—"


def _t(moment) -> str:
    return f"{timezone.localtime(moment):%d.%m.%Y %H:%M}" if moment else "—"


def _unit_name(unit) -> str:
    from django.utils import translation

    return unit.name_kk if (translation.get_language() or "").startswith("kk") else unit.name_ru


def _employer(employer, name: str | None = None) -> str:
    label = _("BIN") if employer.bin else _("IIN")
    return f"{name or employer.name}, {label} {employer.identifier}"


def _kind(app) -> str:
    kind = str(rules.KIND_LABELS[app.kind])
    return f"{kind}, {_('intra-corporate transfer')}" if app.intra_corporate else kind


def _workers_table(lines: list[dict]) -> dict:
    rows = []
    for n, line in enumerate(lines, start=1):
        who = line.get("transferee") or "—"
        if line.get("passport_number"):
            who = f"{who} ({line['passport_number']}, {line.get('citizenship') or ''})"
        rows.append(
            [
                n,
                line["profession"],
                str(rules.CATEGORIES.get(line["qualification_category"], line["qualification_category"])),
                line["count"],
                line.get("territory_name") or line.get("territory"),
                who,
            ]
        )
    return {
        "head": ["№", _("Profession / position"), _("Category"), _("Number"), _("Place of work"), _("Transferee")],
        "rows": rows,
    }


def _lines(app) -> list[dict]:
    return [w.as_dict() for w in app.workers.select_related("territory", "transferee")]


# --- the tear-off receipt (000 §6(1)) ---------------------------------------------------------------------


@document_builder(APP, DocumentKind.RECEIPT)
def receipt(app: ForeignLabourPermitApplication, language: str) -> DocumentSpec:
    facts = [
        (_("Application number"), app.number),
        (_("Employer"), _employer(app.employer)),
        (_("Kind"), _kind(app)),
        (_("Received at"), _t(app.received_at)),
        (_("Registered at"), _t(app.registered_at)),
        (_("Expected result date"), _d(app.due_date)),
    ]
    return DocumentSpec(
        template=TEMPLATE,
        title=_("Receipt of acceptance of the application"),
        holder_name=app.employer.name,
        printed={"case_number": app.number, "registered_on": app.registered_on, "expected_on": app.due_date},
        issuer=_unit_name(app.unit),
        context={
            "heading": _("Receipt of acceptance of the application"),
            "facts": facts,
            "paragraphs": [
                _("The application and the documents attached to it have been accepted and registered (000 §5(1))."),
                app.deadline_explanation,
            ],
            "signatures": [_("Office of the service provider")],
            "tear_off": facts[:2] + [(_("Expected result date"), _d(app.due_date))],
        },
    )


# --- the letter to the employer (000 §6(4), §8(4)) --------------------------------------------------------


@document_builder(APP, DocumentKind.NOTICE)
def letter(app: ForeignLabourPermitApplication, language: str) -> DocumentSpec:
    return DocumentSpec(
        template=TEMPLATE,
        title=_("Letter to the employer"),
        holder_name=app.employer.name,
        printed={"case_number": app.number},
        issuer=_unit_name(app.unit),
        context={
            "addressee": [_employer(app.employer), app.employer.address],
            "heading": _("Notification of the decision to issue a permit to attract foreign labour"),
            "paragraphs": [
                _(
                    "Your application No. %(n)s (%(k)s) has been reviewed and a permit to attract foreign labour "
                    "will be issued."
                )
                % {"n": app.number, "k": _kind(app)},
                _(
                    "Within 10 working days of this letter, by %(d)s, submit to the service provider copies of the "
                    "documents confirming payment of the fee for the permit (000 §5). Without them the application "
                    "lapses and no permit is issued."
                )
                % {"d": _d(app.fee_due_on)},
                app.fee_due_explanation,
            ],
            "table": _workers_table(_lines(app)) if app.kind == rules.ISSUE else None,
            "signatures": [_("Responsible officer")],
        },
    )


# --- the motivated refusal (000 §3) -----------------------------------------------------------------------


@document_builder(APP, DocumentKind.REFUSAL)
def refusal(app: ForeignLabourPermitApplication, language: str) -> DocumentSpec:
    return DocumentSpec(
        template=TEMPLATE,
        title=_("Motivated refusal to provide the public service"),
        holder_name=app.employer.name,
        printed={"case_number": app.number, "decision": _("refused")},
        issuer=_unit_name(app.unit),
        context={
            "addressee": [_employer(app.employer), app.employer.address],
            "heading": _("Motivated refusal to provide the public service"),
            "facts": [
                (_("Application number"), app.number),
                (_("Kind"), _kind(app)),
                (_("Registered on"), _d(app.registered_on)),
                (_("Decided on"), _d(app.decided_on)),
            ],
            "paragraphs": [
                _("The permit to attract foreign labour is refused for the following reasons:"),
                app.refusal_reason,
                _("The decision may be appealed to the service provider, the authorised body or the court."),
            ],
            "signatures": [_("Head of the service provider")],
        },
    )


# --- the Commission protocol (000 §6(3), §8(3)) -------------------------------------------------------------


@document_builder("permits.commissionmeeting", DocumentKind.COMMISSION_PROTOCOL)
def protocol(meeting: CommissionMeeting, language: str) -> DocumentSpec:
    items = []
    for item in meeting.agenda.select_related("application__employer"):
        app = item.application
        decision = (
            _("to issue the permit") if item.decision == AgendaItem.Decision.APPROVE else _("to refuse the permit")
        )
        items.append(
            _("%(n)s — %(e)s (%(k)s): decided %(d)s. Reasons: %(r)s")
            % {"n": app.number, "e": _employer(app.employer), "k": _kind(app), "d": decision, "r": item.reasons or "—"}
        )
    members = [f"{m.full_name}, {m.get_role_display()}" for m in meeting.members_present.all()]
    return DocumentSpec(
        template=TEMPLATE,
        title=_("Protocol of the meeting of the Commission on permits to attract foreign labour"),
        printed={"case_number": meeting.number},
        issuer=_unit_name(meeting.unit),
        context={
            "heading": _("PROTOCOL of the meeting of the Commission on permits to attract foreign labour"),
            "subheading": _("No. %(n)s of %(d)s") % {"n": meeting.number, "d": _d(meeting.held_on)},
            "facts": [(_("Place"), meeting.place or "—"), (_("Members present"), "; ".join(members) or "—")],
            "paragraphs": [_("The Commission reviewed the applications referred to it and DECIDED:")],
            "items": items,
            "signatures": members or [_("Chair of the Commission"), _("Secretary of the Commission")],
        },
    )


# --- the permit: issued, re-issued, extended ---------------------------------------------------------------


@document_builder("permits.foreignlabourpermit", DocumentKind.PERMIT)
def permit_document(permit: ForeignLabourPermit, language: str) -> DocumentSpec:
    headings = {
        rules.ISSUE: _("PERMIT to an employer to attract foreign labour No. %(n)s"),
        rules.REISSUE: _("RE-ISSUED PERMIT to an employer to attract foreign labour No. %(n)s"),
        rules.EXTEND: _("EXTENDED PERMIT to an employer to attract foreign labour No. %(n)s"),
    }
    facts = [
        (_("Employer"), _employer(permit.employer, permit.employer_name)),
        (_("Number of foreign workers"), permit.workers_total),
        (_("Valid from"), _d(permit.valid_from)),
        (_("Valid to"), _d(permit.valid_to)),
        (_("Date of issue of the permit"), _d(permit.issued_on)),
    ]
    if permit.intra_corporate:
        facts.insert(1, (_("Kind"), _("within an intra-corporate transfer")))
    if permit.reissues:
        facts.append((_("Re-issued"), permit.reissues))
    if permit.extensions:
        facts.append((_("Extended"), permit.extensions))
    return DocumentSpec(
        template=TEMPLATE,
        title=_("Permit to an employer to attract foreign labour"),
        holder_name=permit.employer_name,
        valid_from=permit.valid_from,
        valid_to=permit.valid_to,
        printed={"permit_number": permit.number},
        issuer=_unit_name(permit.unit),
        context={
            "heading": headings[permit.last_change] % {"n": permit.number},
            "facts": facts,
            "paragraphs": [
                _("Territory: %(u)s") % {"u": _unit_name(permit.unit)},
                _("The permit is valid only for the employer named in it and for the workers listed below."),
            ],
            "table": _workers_table(permit.workers),
            "signatures": [_("Head of the service provider")],
        },
    )


# --- the extract from the service journal (000 §6(6)) --------------------------------------------------------


@document_builder("permits.servicejournalentry", DocumentKind.NOTICE)
def journal_extract(entry: ServiceJournalEntry, language: str) -> DocumentSpec:
    return DocumentSpec(
        template=TEMPLATE,
        title=_("Extract from the journal of the public service"),
        holder_name=entry.collected_by,
        printed={"case_number": entry.application.number, "permit_number": entry.permit.number},
        issuer=_unit_name(entry.unit),
        context={
            "heading": _("Extract from the journal of the public service"),
            "facts": [
                (_("Journal entry"), entry.number),
                (_("Application number"), entry.application.number),
                (_("Document issued"), f"{entry.permit.number} ({entry.document_number})"),
                (_("Collected by"), entry.collected_by),
                (_("Identity document / IIN"), entry.collector_document or "—"),
                (_("Power of attorney"), entry.power_of_attorney or "—"),
                (_("Collected at"), _t(entry.collected_at)),
                (_("Recorded by"), entry.recorded_by),
            ],
            "signatures": [_("Recipient"), _("Office of the service provider")],
        },
    )


# --- what the services call inside their transaction (casework.pdf records the request, renders after commit) ---


def render_receipt(app_id: int) -> None:
    schedule_documents(ForeignLabourPermitApplication.objects.get(pk=app_id), DocumentKind.RECEIPT)


def render_letter(app_id: int) -> None:
    schedule_documents(ForeignLabourPermitApplication.objects.get(pk=app_id), DocumentKind.NOTICE)


def render_refusal(app_id: int) -> None:
    schedule_documents(ForeignLabourPermitApplication.objects.get(pk=app_id), DocumentKind.REFUSAL)


def render_protocol(meeting_id: int) -> None:
    schedule_documents(CommissionMeeting.objects.get(pk=meeting_id), DocumentKind.COMMISSION_PROTOCOL)


def render_permit(permit_id: int) -> None:
    schedule_documents(ForeignLabourPermit.objects.get(pk=permit_id), DocumentKind.PERMIT)


def render_journal_extract(entry_id: int) -> None:
    schedule_documents(ServiceJournalEntry.objects.get(pk=entry_id), DocumentKind.NOTICE)
