"""Attached documents: checked by content (PDF, JPEG, PNG only), at most 10 MB, stored outside the web root.

The file name an applicant gives is kept only as a label; what the file *is* comes from its
bytes (the ``filetype`` library reads the magic numbers), so a program renamed to ``.pdf``
is refused.
"""

import hashlib
import os
from collections.abc import Iterable

import filetype
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .exceptions import InvalidDocument
from .models import Attachment, Case

ACCEPTED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}

# Every document type any service accepts (API.md and the acts' requirement lists); services add theirs.
DOCUMENT_TYPES: dict[str, object] = {
    "identity_document": _("identity document"),
    "education_document": _("education document (recognised / nostrified, with notarised translation)"),
    "english_certificate": _("English-teaching certificate"),
    "work_experience": _("proof of work experience (notarised copy with translation)"),
    "labour_contract": _("labour contract"),
    "previous_certificate": _("the certificate being extended or re-issued"),
    "changed_identity_document": _("identity document after the change"),
    "other": _("other document"),
}


def register_document_types(types: dict[str, object]) -> None:
    DOCUMENT_TYPES.update(types)


def clean_filename(name: str) -> str:
    name = os.path.basename((name or "").replace("\\", "/")).strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:200] or "document"


def sniff(content: bytes) -> str | None:
    """The MIME type the bytes really are, if it is one we accept; else None."""
    kind = filetype.guess(content[:8192])
    if kind is None or kind.mime not in ACCEPTED_TYPES:
        return None
    return kind.mime


def validate_document(doc_type: str, filename: str, content: bytes, field: str = "documents") -> str:
    """Return the sniffed MIME type or raise InvalidDocument naming the field and the problem."""
    if doc_type not in DOCUMENT_TYPES:
        raise InvalidDocument(
            _("Unknown document type."),
            code="unknown_document_type",
            invalid_params=[
                {
                    "name": f"{field}.type",
                    "code": "unknown_document_type",
                    "reason": str(_("Unknown document type: %(t)s") % {"t": doc_type}),
                }
            ],
        )
    if not content:
        raise InvalidDocument(
            _("The file is empty."),
            code="empty_file",
            invalid_params=[{"name": field, "code": "empty_file", "reason": str(_("The file is empty."))}],
        )
    if len(content) > settings.UPLOAD_MAX_BYTES:
        reason = _("The file is %(size).1f MB; at most %(max)d MB is accepted.") % {
            "size": len(content) / 1048576,
            "max": settings.UPLOAD_MAX_BYTES // 1048576,
        }
        raise InvalidDocument(
            reason,
            code="file_too_large",
            invalid_params=[{"name": field, "code": "file_too_large", "reason": str(reason)}],
        )
    mime = sniff(content)
    if mime is None:
        reason = _("“%(name)s” is not a PDF, JPEG or PNG file (checked by its content, not its name).") % {
            "name": clean_filename(filename)
        }
        raise InvalidDocument(
            reason,
            code="unsupported_file_type",
            invalid_params=[{"name": field, "code": "unsupported_file_type", "reason": str(reason)}],
        )
    return mime


def attach(
    case: Case, doc_type: str, filename: str, content: bytes, *, uploaded_by: str = "", field: str = "documents"
) -> Attachment:
    return attach_many(case, [(doc_type, filename, content)], uploaded_by=uploaded_by, field=field)[0]


def attach_many(
    case: Case,
    files: Iterable[tuple[str, str, bytes] | tuple[str, str, bytes, str]],
    *,
    uploaded_by: str = "",
    field: str = "documents",
) -> list[Attachment]:
    """Attach several (doc_type, filename, content[, field]) at once: each checked (``validate_document``; an
    error names the item's own field when it gives one, else ``field``) before any is stored, the files written,
    then one INSERT for all rows (a filing's documents cost one round trip)."""
    case_type = ContentType.objects.get_for_model(case)
    checked = []
    for doc_type, filename, content, *own_field in files:
        mime = validate_document(doc_type, filename, content, own_field[0] if own_field else field)
        checked.append((doc_type, filename, content, mime))
    now = timezone.now()
    attachments = []
    for doc_type, filename, content, mime in checked:
        attachment = Attachment(
            case_type=case_type,
            case_id=case.pk,
            doc_type=doc_type,
            original_filename=clean_filename(filename),
            content_type=mime,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_at=now,
            uploaded_by=uploaded_by[:150],
        )
        attachment.file.save(f"upload.{ACCEPTED_TYPES[mime]}", ContentFile(content), save=False)
        attachments.append(attachment)
    return Attachment.objects.bulk_create(attachments)


# --------------------------------------------------------------------------------------------------
# Opening every stored document in full, in the background
# --------------------------------------------------------------------------------------------------

CHECK_BATCH = 200


# What ``Attachment.content_problem`` holds: a code and its parts ("unreadable|PNG|UnidentifiedImageError"), shown
# in the reader's language by ``describe_problem`` (a worker has no reader, so no language to store text in).
PROBLEM_TEXTS = {
    "encrypted": _("The PDF is password-protected."),
    "no_pages": _("The PDF has no pages."),
    "unreadable": _("The %(kind)s file cannot be opened (%(error)s)."),
    "unfinished": _("The check of this file did not finish; open it by hand."),
    "missing": _("The stored file cannot be read (%(error)s)."),
}


def describe_problem(problem: str) -> str:
    """The clerk-facing text of a stored problem code, in the active language ("" for none)."""
    if not problem:
        return ""
    code, *parts = problem.split("|")
    text = PROBLEM_TEXTS.get(code)
    if text is None:
        return problem
    kind, error = (parts + ["", ""])[:2]
    return str(text) % {"kind": kind, "error": error}  # a text without placeholders comes back unchanged


def content_problem(content: bytes, content_type: str) -> str:
    """Why a file of ``content_type`` (as sniffed at filing) cannot be opened — a code for ``describe_problem`` —
    or "" when it can.

    At filing only the first bytes are read (a PNG header followed by anything passed). Here the whole file is
    parsed: a PDF by pypdf (every page object reachable; a password-protected one cannot be read by the
    clerk), an image decoded in full by Pillow (Pillow's decompression-bomb limit applies)."""
    import io

    try:
        if content_type == "application/pdf":
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(content), strict=False)
            if reader.is_encrypted:
                return "encrypted"
            if len(reader.pages) < 1:
                return "no_pages"
            for page in reader.pages:
                page.mediabox  # noqa: B018 - resolves each page object
            return ""
        from PIL import Image

        with Image.open(io.BytesIO(content)) as image:
            image.load()  # decodes every pixel: a truncated or corrupt image fails here
        return ""
    except Exception as exc:  # any parser error means the clerk cannot open it either
        kind = "PDF" if content_type == "application/pdf" else content_type.split("/")[-1].upper()
        return f"unreadable|{kind}|{type(exc).__name__}"


CHECK_ATTEMPTS = 2  # a check killed once (a worker restarted mid-file) is tried again; killed twice, it is flagged


def check_pending(limit: int = CHECK_BATCH) -> dict:
    """Open the attachments not yet checked (oldest first, ``limit`` at most) and record the result.

    One at a time: a row is claimed ``FOR UPDATE SKIP LOCKED`` and its attempt counted in a short transaction,
    then the file is parsed outside any transaction and the result written. Two workers never check the same
    file. A check that never finished (the worker killed or timed out on it) is tried once more; after
    ``CHECK_ATTEMPTS`` the file is flagged "did not finish" for the clerk instead of blocking later runs.
    Returns {"checked": n, "problems": n}."""
    from django.db import transaction
    from django.db.models import F

    counts = {"checked": 0, "problems": 0}
    for _attempt in range(limit):
        with transaction.atomic():
            attachment = (
                Attachment.objects.select_for_update(skip_locked=True)
                .filter(content_checked_at__isnull=True)
                .order_by("uploaded_at", "pk")
                .first()
            )
            if attachment is None:
                break
            claimed = Attachment.objects.filter(pk=attachment.pk)
            if attachment.content_check_attempts >= CHECK_ATTEMPTS:
                claimed.update(content_checked_at=timezone.now(), content_problem="unfinished")
                counts["checked"] += 1
                counts["problems"] += 1
                continue
            claimed.update(content_check_attempts=F("content_check_attempts") + 1)
        try:
            with attachment.file.open("rb") as handle:
                problem = content_problem(handle.read(), attachment.content_type)
        except OSError as exc:
            problem = f"missing||{type(exc).__name__}"
        claimed.update(content_checked_at=timezone.now(), content_problem=problem[:300])
        counts["checked"] += 1
        counts["problems"] += bool(problem)
    return counts
