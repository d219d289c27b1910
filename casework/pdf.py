"""Official documents as PDF: rendering, numbering, storing, verification status (DOMAIN.md §8, issue 4).

How a service declares and renders a document::

    # certificates/documents.py
    from casework.pdf import DocumentSpec, document_builder, schedule_documents

    @document_builder("certificates.certificateapplication", "receipt")
    def receipt(application, language) -> DocumentSpec:
        return DocumentSpec(
            template="certificates/documents/receipt.html",   # extends documents/base.html
            context={"application": application},
            title=_("Receipt of acceptance"),                 # evaluated in the document's language
            holder_name=application.applicant.full_name,      # only what the PDF prints
        )

    # in the service, inside its transaction (nothing is rendered for a rolled-back change):
    schedule_documents(application, "receipt")               # kk and ru, by a Celery task after commit

``schedule_documents`` → ``transaction.on_commit`` → the ``render_documents`` task (eager in dev, a
worker with a broker) → ``render_for(case, kind, language)`` → the builder → ``issue_document``.
``schedule_documents`` also writes a ``DocumentRenderRequest`` row in the caller's transaction; the task
closes it. A render never queued (broker down) or failed is done by the periodic sweep ``render_due``
(``casework.tasks.render_pending_documents``) after ``RENDER_SWEEP_GRACE_SECONDS``, failures retried with
backoff up to ``RENDER_MAX_ATTEMPTS``.
``issue_document`` can also be called directly with a template and a context.

The same (case, kind, case version, language) is never rendered twice: a second call returns the
stored row. The Kazakh and Russian renderings of one document share its number
(``QC-C-2026-000001``: service prefix, kind code, year, sequence), printed on every page next to a
QR code pointing at ``PUBLIC_BASE_URL/verify/<number>``. Documents are tagged PDF/UA-1
(WeasyPrint's ``pdf/ua-1`` variant: structure tree, /Lang, title shown in the viewer, XMP metadata).

A document's status (valid, revoked, expired, superseded, void) changes only through
``set_document_status``; issuing a newer version of the same kind for the same case supersedes the
older one.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import importlib
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import qrcode
from celery import shared_task
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from .models import NumberSequence
from .models.issued import DocumentKind, DocumentLanguage, DocumentStatus, IssuedDocument
from .models.rendering import OPEN_RENDER_STATUSES, DocumentRenderRequest

logger = logging.getLogger(__name__)

PDF_VARIANT = "pdf/ua-1"  # supported by WeasyPrint 70: tagged structure, /Lang, DisplayDocTitle, XMP
LANGUAGES = tuple(DocumentLanguage.values)  # the office issues in Kazakh and Russian (DOMAIN.md §8)
FONTS_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
PRINT_CSS = Path(settings.BASE_DIR) / "templates" / "documents" / "print.css"

# The second part of a document number: QC-C-2026-000001 is certificate 1 of 2026 of service QC.
KIND_CODES: dict[str, str] = {
    DocumentKind.APPLICATION_FORM: "F",
    DocumentKind.RECEIPT: "A",
    DocumentKind.REFUSAL_TO_ACCEPT: "RA",
    DocumentKind.COMMISSION_PROTOCOL: "CP",
    DocumentKind.CERTIFICATE: "C",
    DocumentKind.PERMIT: "P",
    DocumentKind.REFUSAL: "R",
    DocumentKind.NOTICE: "N",
    DocumentKind.DECISION: "D",
    DocumentKind.REVOCATION: "RV",
}
# Kinds that certify a right for a period: revoking / expiring the case's right follows them.
VALIDITY_KINDS = (DocumentKind.CERTIFICATE, DocumentKind.PERMIT)

# Labels of the facts a document prints besides the holder and the validity (``printed=``), as the public
# verify page shows them; a key without a label here is stored but not shown. Services add theirs.
PRINTED_LABELS: dict[str, Any] = {
    "case_number": _("Application number"),
    "certificate_number": _("Certificate number"),
    "permit_number": _("Permit number"),
    "profession": _("Profession"),
    "sector": _("Sector of the economy"),
    "basis": _("Basis of issue"),
    "registered_on": _("Registration date"),
    "expected_on": _("Expected result date"),
    "decision": _("Decision"),
}


# What documents/base.html prints around every document, in the document's language.
BASE_LABELS: dict[str, Any] = {
    "number": _("Document number"),
    "issued_on": _("Issued on"),
    "check": _("Check that this document is genuine and currently valid"),
    "verification": _("Verification"),
    "signature": _("signature"),
    "page": _("page"),
}


def register_printed_labels(labels: dict[str, Any]) -> None:
    PRINTED_LABELS.update(labels)


# status -> statuses it may move to (set_document_status refuses the rest).
STATUS_MOVES: dict[str, set[str]] = {
    DocumentStatus.VALID: {
        DocumentStatus.REVOKED,
        DocumentStatus.EXPIRED,
        DocumentStatus.SUPERSEDED,
        DocumentStatus.TERMINATED,
        DocumentStatus.VOID,
    },
    DocumentStatus.EXPIRED: {DocumentStatus.REVOKED, DocumentStatus.VOID},
    DocumentStatus.SUPERSEDED: {DocumentStatus.REVOKED, DocumentStatus.VOID},
    DocumentStatus.REVOKED: {DocumentStatus.VOID},
    DocumentStatus.TERMINATED: {DocumentStatus.VOID},
    DocumentStatus.VOID: set(),
}


class DocumentError(Exception):
    """A document cannot be issued or its status cannot change as asked (a programming error, not input)."""


# --- rendering ---------------------------------------------------------------------------------------

_resources_lock = threading.Lock()
_resources: tuple[Any, Any] | None = None


def _print_resources():
    """One FontConfiguration and the parsed print stylesheet, shared by every render in the process.

    Parsing the CSS and loading the @font-face fonts once instead of per document is what keeps a
    render well under the 150 ms target (bench/documents.py measures both ways).
    """
    global _resources
    if _resources is None:
        with _resources_lock:
            if _resources is None:
                from weasyprint import CSS
                from weasyprint.text.fonts import FontConfiguration

                font_config = FontConfiguration()
                stylesheet = CSS(
                    string=PRINT_CSS.read_text(encoding="utf-8"),
                    base_url=FONTS_DIR.as_uri() + "/",
                    font_config=font_config,
                    url_fetcher=_fonts_only_fetcher(),
                )
                _resources = (font_config, stylesheet)
    return _resources


def reset_print_resources() -> None:
    """Forget the cached font configuration and stylesheet (after editing print.css; used by the bench)."""
    global _resources
    with _resources_lock:
        _resources = None


# Let the FontConfiguration go while its C library is still loaded (else a noisy error at exit).
atexit.register(reset_print_resources)


def html_to_pdf(html: str, *, identifier: str | None = None, cached: bool = True) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    if cached:
        font_config, stylesheet = _print_resources()
    else:  # the naive way, kept for the benchmark's before/after
        font_config = FontConfiguration()
        stylesheet = CSS(
            string=PRINT_CSS.read_text(encoding="utf-8"),
            base_url=FONTS_DIR.as_uri() + "/",
            font_config=font_config,
            url_fetcher=_fonts_only_fetcher(),
        )
    # No network, no local files beyond the fonts: a template cannot pull anything else in.
    document = HTML(string=html, base_url=FONTS_DIR.as_uri() + "/", url_fetcher=_fonts_only_fetcher())
    return document.write_pdf(
        stylesheets=[stylesheet],
        font_config=font_config,
        pdf_variant=PDF_VARIANT,
        pdf_identifier=identifier.encode() if identifier else None,
    )


def _fonts_only_fetcher():
    """A WeasyPrint URL fetcher that opens the shipped fonts and nothing else (no network, no other files)."""
    global _fetcher
    if _fetcher is None:
        from weasyprint.urls import URLFetcher

        fonts_prefix = FONTS_DIR.as_uri() + "/"

        class FontsOnlyFetcher(URLFetcher):
            def fetch(self, url, headers=None):
                if not url.startswith(fonts_prefix) or ".." in url:
                    raise ValueError(f"documents may not load {url!r}")
                return super().fetch(url, headers)

        _fetcher = FontsOnlyFetcher(allowed_protocols=["file"])
    return _fetcher


_fetcher = None


def render_pdf(template_name: str, context: dict, language: str, *, cached: bool = True) -> bytes:
    """``template_name`` (extending ``documents/base.html``) rendered in ``language`` to PDF bytes.

    ``context["document"]`` is what ``documents/base.html`` prints (number, title, QR code...):
    ``issue_document`` fills it; given partly or not at all (a preview, the benchmark), the rest is
    filled from ``document_context`` with a specimen number.
    """
    if language not in LANGUAGES:
        raise DocumentError(f"documents are issued in {LANGUAGES}, not {language!r}")
    given = dict(context.get("document") or {})
    with translation.override(language):
        document = {**document_context(given.get("number", "SPECIMEN"), given.get("kind", ""), language), **given}
        html = render_to_string(template_name, {**context, "document": document, "language": language})
    return html_to_pdf(html, identifier=document["number"], cached=cached)


def document_context(
    number: str, kind: str, language: str, *, title: str = "", issuer: str = "", issued_on: date | None = None
) -> dict:
    """What ``documents/base.html`` prints about the document itself; call inside the document's language."""
    title = str(title or (DocumentKind(kind).label if kind in DocumentKind.values else ""))
    url = verify_url(number)
    return {
        "number": number,
        "kind": kind,
        "title": title,
        "issuer": issuer,
        "issued_on": issued_on or timezone.localdate(),
        "language": language,
        "verify_url": url,
        "qr_svg": qr_svg(url),
        "footer_css": css_string(f"{title} № {number}" if title else f"№ {number}"),
        "labels": {key: str(label) for key, label in BASE_LABELS.items()},
    }


# --- verification: URL and QR code ---------------------------------------------------------------------


def verify_url(number: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("casework:verify", args=[number])


@functools.lru_cache(maxsize=64)  # the Kazakh and Russian copies of a document share the number, so the QR
def qr_svg(data: str, size_mm: int = 28) -> SafeString:
    """An inline SVG QR code (error correction M, quiet zone of 2 modules; no raster library involved).

    The dark modules are drawn as one path of rectangles — horizontal runs merged with identical runs
    in the rows below — a few times fewer path commands than one square per module, which is what
    WeasyPrint spends its time parsing and painting.
    """
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()  # with the quiet zone
    size = len(matrix)
    rectangles = []  # (x, y, width, height)
    open_runs: dict[tuple[int, int], int] = {}  # (x0, x1) -> first row
    for y, row in enumerate([*matrix, [False] * size]):  # a blank row closes every open run
        runs, x = set(), 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                runs.add((start, x))
            else:
                x += 1
        for run in [r for r in open_runs if r not in runs]:
            first = open_runs.pop(run)
            rectangles.append((run[0], first, run[1] - run[0], y - first))
        for run in runs:
            open_runs.setdefault(run, y)
    path = "".join(f"M{x},{y}h{w}v{h}h-{w}z" for x, y, w, h in sorted(rectangles, key=lambda r: (r[1], r[0])))
    return mark_safe(  # noqa: S308 - built from numbers and an escaped URL, not user markup
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size_mm}mm" height="{size_mm}mm" '
        f'viewBox="0 0 {size} {size}" role="img" aria-label="QR: {escape(data)}">'
        f'<rect width="{size}" height="{size}" fill="#fff"/><path d="{path}" fill="#000"/></svg>'
    )


def css_string(text: str) -> SafeString:
    """``text`` as a quoted CSS string, safe inside a <style> element (for the page footer)."""
    escaped = "".join("\\" + format(ord(ch), "x") + " " if ch in '\\"<>&' or ord(ch) < 32 else ch for ch in text)
    return mark_safe(f'"{escaped}"')  # noqa: S308 - every character that could end the string or tag is escaped


# --- issuing -------------------------------------------------------------------------------------------


def case_version(case) -> int:
    return int(getattr(case, "version", None) or 1)


def number_prefix(case) -> str:
    return getattr(case, "DOCUMENT_PREFIX", "") or getattr(case, "NUMBER_PREFIX", "") or "DOC"


def new_document_number(case, kind: str, prefix: str | None = None) -> str:
    code = KIND_CODES.get(kind)
    if code is None:
        raise DocumentError(f"unknown document kind {kind!r}")
    return NumberSequence.next_number(f"{prefix or number_prefix(case)}-{code}", timezone.localdate().year)


def documents_of(case, kind: str | None = None) -> models.QuerySet[IssuedDocument]:
    qs = IssuedDocument.objects.for_case(case)
    return qs.filter(kind=kind) if kind else qs


def find_document(case, kind: str, language: str, version: int | None = None) -> IssuedDocument | None:
    """The document of this kind and language rendered from ``version`` (default: the case's current one)."""
    version = case_version(case) if version is None else version
    return documents_of(case, kind).filter(case_version=version, language=language).first()


def latest_document(case, kind: str, language: str | None = None) -> IssuedDocument | None:
    qs = documents_of(case, kind)
    if language:
        qs = qs.filter(language=language)
    return qs.order_by("-case_version", "-created_at").first()


def _lock_case(case) -> None:
    """Serialise issuing for one case (two workers rendering the kk and ru copies agree on one number)."""
    list(type(case)._default_manager.select_for_update().filter(pk=case.pk).values_list("pk", flat=True))


def issue_document(
    case,
    kind: str,
    template: str,
    context: dict,
    language: str,
    *,
    valid_from: date | None = None,
    valid_to: date | None = None,
    holder_name: str = "",
    printed: dict | None = None,
    title: str = "",
    issuer: str = "",
    number_prefix: str | None = None,
    status: str = DocumentStatus.VALID,
    supersede_previous: bool = True,
) -> IssuedDocument:
    """Render ``template`` for ``case`` in ``language``, store the PDF, return its row.

    Idempotent on (case, kind, case version, language): if that document exists it is returned as
    it is, nothing is rendered. ``holder_name``, ``valid_from``, ``valid_to`` and ``printed`` (a
    flat dict of other facts the document prints, e.g. ``{"profession": ...}``) are what the public
    verify page shows — pass only what the PDF itself shows. ``number_prefix`` overrides the case's
    ``DOCUMENT_PREFIX`` / ``NUMBER_PREFIX`` as the first part of the number. ``status`` is the new
    document's status: not "valid" when the right it certifies ended before it was rendered.
    """
    if status not in STATUS_MOVES:
        raise DocumentError(f"unknown document status {status!r}")
    if kind not in KIND_CODES:
        raise DocumentError(f"unknown document kind {kind!r}")
    if language not in LANGUAGES:
        raise DocumentError(f"documents are issued in {LANGUAGES}, not {language!r}")
    existing = find_document(case, kind, language)
    if existing is not None:
        return existing

    version = case_version(case)
    case_type = ContentType.objects.get_for_model(case)
    with transaction.atomic():
        _lock_case(case)
        existing = find_document(case, kind, language, version)
        if existing is not None:
            return existing
        sibling = documents_of(case, kind).filter(case_version=version).exclude(language=language).first()
        number = sibling.number if sibling else new_document_number(case, kind, number_prefix)
        issued_on = sibling.issued_on if sibling else timezone.localdate()
        with translation.override(language):
            document_info = document_context(number, kind, language, title=title, issuer=issuer, issued_on=issued_on)
        title = document_info["title"]
        pdf = render_pdf(template, {**context, "document": document_info}, language)
        document = IssuedDocument(
            number=number,
            kind=kind,
            case_type=case_type,
            case_id=case.pk,
            case_number=getattr(case, "number", "") or str(case.pk),
            case_version=version,
            language=language,
            sha256=hashlib.sha256(pdf).hexdigest(),
            size=len(pdf),
            title=title[:300],
            holder_name=holder_name[:300],
            valid_from=valid_from,
            valid_to=valid_to,
            printed={str(k): _printable(v) for k, v in (printed or {}).items()},
            issued_on=issued_on,
            issuer=issuer[:300],
            status=status,
        )
        document.file.save(document.filename, ContentFile(pdf), save=False)
        try:
            with transaction.atomic():
                document.save()
        except IntegrityError:
            # Lost a race to a worker rendering the same document (possible where rows are not locked).
            document.file.delete(save=False)
            existing = find_document(case, kind, language, version)
            if existing is None:
                raise
            return existing
        except BaseException:
            document.file.delete(save=False)
            raise
        if supersede_previous:
            older = documents_of(case, kind).filter(case_version__lt=version, status=DocumentStatus.VALID)
            _change_status(older, DocumentStatus.SUPERSEDED, reason=f"superseded by {number}")
    logger.info("issued %s %s (%s) for %s v%s", kind, number, language, document.case_number, version)
    return document


def _printable(value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# --- status --------------------------------------------------------------------------------------------


def _change_status(queryset, status: str, *, reason: str = "") -> int:
    allowed_from = [source for source, targets in STATUS_MOVES.items() if status in targets]
    rows = queryset.filter(status__in=allowed_from)
    # QuerySet.update is refused on IssuedDocument for "status": this module is the one place that may.
    return models.QuerySet.update(rows, status=status, status_changed_at=timezone.now(), status_reason=reason)


def set_document_status(case_or_document, status: str, *, kinds: Iterable[str] | None = None, reason: str = "") -> int:
    """Move documents to ``status`` and return how many rows changed.

    Given an ``IssuedDocument``: that document (both its language copies, they share the number).
    Given a case: its documents of ``kinds`` (default: the kinds that certify a right for a period,
    certificate and permit). Moves not allowed by ``STATUS_MOVES`` are skipped for a case (a revoked
    certificate does not become "expired") and refused for a single document.
    """
    if status not in STATUS_MOVES:
        raise DocumentError(f"unknown document status {status!r}")
    if isinstance(case_or_document, IssuedDocument):
        document = case_or_document
        if document.status == status:
            return 0
        if status not in STATUS_MOVES[document.status]:
            raise DocumentError(f"a {document.status} document cannot become {status}")
        return _change_status(IssuedDocument.objects.filter(number=document.number), status, reason=reason)
    kinds = tuple(kinds) if kinds is not None else VALIDITY_KINDS
    return _change_status(documents_of(case_or_document).filter(kind__in=kinds), status, reason=reason)


def set_status_of_documents(
    model, case_ids, status: str, *, kinds: Iterable[str] | None = None, reason: str = ""
) -> int:
    """``set_document_status`` for many cases of one model at once (set-based jobs: expiry of a day's
    certificates or permits): one UPDATE, the same ``STATUS_MOVES`` rule."""
    if status not in STATUS_MOVES:
        raise DocumentError(f"unknown document status {status!r}")
    kinds = tuple(kinds) if kinds is not None else VALIDITY_KINDS
    rows = IssuedDocument.objects.filter(
        case_type=ContentType.objects.get_for_model(model), case_id__in=list(case_ids), kind__in=kinds
    )
    return _change_status(rows, status, reason=reason)


def expire_lapsed_documents(today: date | None = None) -> int:
    """Valid documents whose ``valid_to`` has passed become expired (idempotent; for a periodic job)."""
    today = today or timezone.localdate()
    return _change_status(
        IssuedDocument.objects.filter(valid_to__lt=today), DocumentStatus.EXPIRED, reason="term ended"
    )


# --- declared documents, scheduled after commit -----------------------------------------------------------


@dataclass
class DocumentSpec:
    """What a builder returns: the template, its context and what the verify page may show."""

    template: str
    context: dict = field(default_factory=dict)
    title: str = ""
    holder_name: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    printed: dict = field(default_factory=dict)
    issuer: str = ""
    number_prefix: str | None = None  # default: the case's DOCUMENT_PREFIX or NUMBER_PREFIX
    status: str = DocumentStatus.VALID  # e.g. "expired" for a certificate that ended before it was rendered


Builder = Callable[[Any, str], DocumentSpec]
BUILDERS: dict[tuple[str, str], Builder] = {}


def _label(model_or_case) -> str:
    return model_or_case._meta.label_lower


def document_builder(model_label: str, kind: str) -> Callable[[Builder], Builder]:
    """Declare how documents of ``kind`` are built for cases of ``model_label`` ("app.model")."""
    if kind not in KIND_CODES:
        raise DocumentError(f"unknown document kind {kind!r}")

    def register(builder: Builder) -> Builder:
        BUILDERS[(model_label.lower(), kind)] = builder
        return builder

    return register


def builder_for(case, kind: str) -> Builder:
    key = (_label(case), kind)
    if key not in BUILDERS:
        # A worker may not have imported the service's documents module yet.
        try:
            importlib.import_module(f"{case._meta.app_config.name}.documents")
        except ModuleNotFoundError:
            pass
    try:
        return BUILDERS[key]
    except KeyError:
        raise DocumentError(f"no document builder for {key}") from None


def render_for(case, kind: str, language: str) -> IssuedDocument:
    """Build (through the declared builder) and issue the document; the stored one if it exists."""
    existing = find_document(case, kind, language)
    if existing is not None:
        return existing
    with translation.override(language):
        spec = builder_for(case, kind)(case, language)
        title = str(spec.title) if spec.title else ""
        issuer = str(spec.issuer) if spec.issuer else ""
    return issue_document(
        case,
        kind,
        spec.template,
        spec.context,
        language,
        valid_from=spec.valid_from,
        valid_to=spec.valid_to,
        holder_name=spec.holder_name,
        printed=spec.printed,
        title=title,
        issuer=issuer,
        number_prefix=spec.number_prefix,
        status=spec.status,
    )


def render_grace() -> timedelta:
    """How long a requested render may wait for its queued task before the sweep renders it itself."""
    return timedelta(seconds=getattr(settings, "RENDER_SWEEP_GRACE_SECONDS", 300))


def max_render_attempts() -> int:
    return getattr(settings, "RENDER_MAX_ATTEMPTS", 8)


def render_backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failed render: 1, 2, 4 ... minutes, capped at 6 hours."""
    base = getattr(settings, "RENDER_BACKOFF_BASE_SECONDS", 60)
    return timedelta(seconds=min(6 * 3600, base * 2 ** max(0, attempts - 1)))


OPEN_REQUEST_STATUSES = OPEN_RENDER_STATUSES  # pending, failed: one definition with the unique constraint


def _requests_of(case_type_id: int, case_pk: int, kind: str, language: str):
    return DocumentRenderRequest.objects.filter(
        case_type_id=case_type_id, case_id=case_pk, kind=kind, language=language, status__in=OPEN_REQUEST_STATUSES
    )


def schedule_documents(case, kind: str | Iterable[str], languages: Iterable[str] = LANGUAGES) -> None:
    """Render ``kind`` (one kind or several) for ``case`` in each language by Celery once the transaction commits.

    Call it inside the service's transaction: a ``DocumentRenderRequest`` row per document and language is
    written with the change (none for a rolled-back change), so a render whose task was never queued (broker
    down) or failed is done later by the periodic sweep (``render_due``) — the outbox pattern of
    casework.outbox. A filing's documents cost one INSERT and one Celery message together.
    """
    kinds = [kind] if isinstance(kind, str) else list(kind)
    languages = list(languages)
    for each in kinds:
        builder_for(case, each)  # fail now, in the service, if the document was never declared
    case_type = ContentType.objects.get_for_model(case)
    wanted = [(each, language) for each in kinds for language in languages]
    due = timezone.now() + render_grace()
    number = (getattr(case, "number", "") or str(case.pk))[:40]
    # One open request per document is enough: a document that already has one is skipped by the unique
    # constraint render_request_one_open (ON CONFLICT DO NOTHING), in the caller's transaction.
    DocumentRenderRequest.objects.bulk_create(
        [
            DocumentRenderRequest(
                case_type=case_type,
                case_id=case.pk,
                case_number=number,
                kind=each,
                language=language,
                next_attempt_at=due,
            )
            for each, language in wanted
        ],
        ignore_conflicts=True,
    )
    label = _label(case)
    # robust: a render that fails (eager mode) is logged, it does not undo or break the committed change.
    transaction.on_commit(lambda: request_renders(label, case.pk, wanted), robust=True)


_broker_down_until = 0.0  # monotonic time; after a failed enqueue, skip the broker for a while


def request_renders(case_label: str, case_pk: int, documents: list[tuple[str, str]]) -> bool:
    """Queue one task rendering ``documents`` [(kind, language)]. With the broker down the request rows stay
    pending and the sweep renders them.

    After a failed enqueue the broker is not tried again for ``RENDER_BROKER_RETRY_SECONDS`` (30 s), so an
    outage costs one connection timeout, not one per document.
    """
    global _broker_down_until
    if not documents or time.monotonic() < _broker_down_until:
        return False
    eager = render_documents.app.conf.task_always_eager
    try:
        render_documents.apply_async(args=(case_label, case_pk, documents), retry=False)
    except Exception as exc:
        if eager:  # the task itself failed (it recorded the failure on the request row), not the broker
            logger.exception("render of %s %s %s failed", case_label, case_pk, documents)
        else:
            _broker_down_until = time.monotonic() + getattr(settings, "RENDER_BROKER_RETRY_SECONDS", 30)
            logger.warning(
                "could not queue the render of %s %s %s (%s); the periodic sweep will render it",
                case_label,
                case_pk,
                documents,
                type(exc).__name__,
            )
        return False
    return True


def _mark_done(case_type_id: int, case_pk: int, kind: str, language: str, number: str, before) -> int:
    """Close the open requests of this document made before the render read the case (conditional UPDATE)."""
    return (
        _requests_of(case_type_id, case_pk, kind, language)
        .filter(created_at__lte=before)
        .update(status=DocumentRenderRequest.Status.DONE, done_at=timezone.now(), document_number=number, last_error="")
    )


def _mark_failed(requests, error: BaseException) -> str:
    """One more failed attempt on each open request; past ``RENDER_MAX_ATTEMPTS`` it is given up (dead)."""
    now = timezone.now()
    text = f"{type(error).__name__}: {error}"[:300]
    status = DocumentRenderRequest.Status.FAILED
    for request in requests:
        request.attempts += 1
        request.last_error = text
        if request.attempts >= max_render_attempts():
            request.status = status = DocumentRenderRequest.Status.DEAD
            logger.error(
                "render of %s %s (%s) given up after %d attempts: %s",
                request.case_number,
                request.kind,
                request.language,
                request.attempts,
                text,
            )
        else:
            request.status = DocumentRenderRequest.Status.FAILED
            request.next_attempt_at = now + render_backoff(request.attempts)
        request.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
    return status


def _render_case_document(case_label: str, case_pk: int, kind: str, language: str) -> str | None:
    """Render (unless stored) and close the open requests; None if the case is gone (its requests die)."""
    started = timezone.now()
    model = apps.get_model(case_label)
    case_type_id = ContentType.objects.get_for_model(model).pk
    case = model._default_manager.filter(pk=case_pk).first()
    if case is None:
        logger.warning("render_document: %s %s no longer exists", case_label, case_pk)
        _requests_of(case_type_id, case_pk, kind, language).update(
            status=DocumentRenderRequest.Status.DEAD, last_error="the case no longer exists"
        )
        return None
    try:
        existing = find_document(case, kind, language)
        number = existing.number if existing is not None else render_for(case, kind, language).number
    except Exception as exc:
        with transaction.atomic():
            _mark_failed(list(_requests_of(case_type_id, case_pk, kind, language).select_for_update()), exc)
        raise
    _mark_done(case_type_id, case_pk, kind, language, number, started)
    return number


# Both render tasks: idempotent, acknowledged after the work, retried on a lost connection.
RENDER_TASK_OPTIONS = {
    "ignore_result": True,
    "acks_late": True,
    "autoretry_for": (ConnectionError, TimeoutError),
    "retry_backoff": True,
    "max_retries": 5,
}


# One document (messages queued by earlier releases, bench/documents_batch.py); schedule_documents queues
# render_documents: one message for all the documents of a change.
@shared_task(name="casework.pdf.render_document", **RENDER_TASK_OPTIONS)
def render_document(case_label: str, case_pk: int, kind: str, language: str) -> str | None:
    """Thin and idempotent: the document of the case's current version, rendered unless it exists."""
    return _render_case_document(case_label, case_pk, kind, language)


@shared_task(name="casework.pdf.render_documents", **RENDER_TASK_OPTIONS)
def render_documents(case_label: str, case_pk: int, documents: list) -> list:
    """Several documents of one case [(kind, language)], each as ``render_document`` does. One failing does not
    stop the others (its request row records the failure for the sweep); the first failure is raised at the end."""
    numbers, first_error = [], None
    for kind, language in documents:
        try:
            numbers.append(_render_case_document(case_label, case_pk, kind, language))
        except Exception as exc:
            logger.exception("render of %s %s %s (%s) failed", case_label, case_pk, kind, language)
            first_error = first_error or exc
    if first_error is not None:
        raise first_error
    return numbers


def render_due(limit: int = 100) -> dict:
    """The sweep: render every request still pending after the grace period or failed and due for a retry.

    One transaction per request, its row locked ``FOR UPDATE SKIP LOCKED`` for the render: two sweeps (or a
    sweep and a late task, which waits on the case's row lock in ``issue_document`` and then finds the stored
    document) never render the same document twice.
    """
    counts = {"rendered": 0, "failed": 0, "dead": 0}
    skipped: list[int] = []
    for _attempt in range(limit):
        now = timezone.now()
        with transaction.atomic():
            request = (
                DocumentRenderRequest.objects.select_for_update(skip_locked=True)
                .filter(status__in=OPEN_REQUEST_STATUSES, next_attempt_at__lte=now)
                .exclude(pk__in=skipped)
                .select_related("case_type")
                .order_by("next_attempt_at", "pk")
                .first()
            )
            if request is None:
                break
            model = request.case_type.model_class()
            if model is None:
                DocumentRenderRequest.objects.filter(pk=request.pk).update(
                    status=DocumentRenderRequest.Status.DEAD, last_error="unknown case type"
                )
                counts["dead"] += 1
                continue
            try:
                with transaction.atomic():  # a failed render rolls back to here, the request row stays locked
                    number = _render_case_document(_label(model), request.case_id, request.kind, request.language)
            except Exception as exc:
                logger.warning(
                    "render sweep: %s %s (%s) failed: %s",
                    request.case_number,
                    request.kind,
                    request.language,
                    type(exc).__name__,
                )
                status = _mark_failed([request], exc)
                counts["dead" if status == DocumentRenderRequest.Status.DEAD else "failed"] += 1
                continue
            if number is None:
                counts["dead"] += 1
                continue
            # Closed by _mark_done unless it was written after the render started (a newer version): then it
            # waits for the next run.
            if DocumentRenderRequest.objects.filter(pk=request.pk, status__in=OPEN_REQUEST_STATUSES).exists():
                skipped.append(request.pk)
            counts["rendered"] += 1
    return counts
