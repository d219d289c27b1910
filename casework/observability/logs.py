"""Structured logs with a request id, and nothing personal in them.

* ``RequestIdMiddleware`` gives every request an id (the caller's ``X-Request-ID`` when it is a sane token,
  otherwise a new one), keeps it in a context variable for the log records and echoes it in the response.
* ``RequestIdFilter`` puts that id on every record (``-`` outside a request).
* ``PersonalDataFilter`` masks IIN/BIN (12 digits), passport-number-like tokens, e-mail addresses and
  phone numbers in the message, its arguments and the traceback *before* a handler writes anything
  (Law of the RK "On personal data and their protection": logs are not a register of applicants).
* ``JsonFormatter`` writes one JSON object a line (production settings use it).

The filters are attached to the handlers in settings.LOGGING, so they see every record that reaches a
handler, whichever logger emitted it.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import uuid

from django.core.signals import request_finished
from django.dispatch import receiver

REQUEST_ID_HEADER = "X-Request-ID"
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

# 12-digit IIN / BIN (not part of a longer run of digits).
_IIN_BIN = re.compile(r"(?<!\d)\d{12}(?!\d)")
# Passport / identity-card numbers: 1–3 letters (Latin or Cyrillic) and 6–9 digits, e.g. N12345678, FA1234567,
# AB 1234567; and a Kazakh identity card number (9 digits).
_PASSPORT = re.compile(r"(?<![\w-])[A-Za-zА-Яа-яЁё]{1,3}[ ]?\d{6,9}(?![\w-])|(?<![\d-])\d{9}(?![\d-])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# +7 701 123 45 67, +998901234567, 8 (701) 123-45-67 — never a date or a case number (no leading + or 8 (7..)).
_PHONE = re.compile(
    r"(?<![\w+])\+\d[\d ()-]{8,16}\d(?![\w])|(?<![\w+-])8[ ]?\(?7\d\d\)?[ -]?\d{3}[ -]?\d\d[ -]?\d\d(?![\w-])"
)

MASKS = (
    (_EMAIL, "[email]"),
    (_IIN_BIN, "[iin]"),
    (_PASSPORT, "[doc-no]"),
    (_PHONE, "[phone]"),
)


def mask_personal_data(text: str) -> str:
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def current_request_id() -> str:
    return _request_id.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Outermost middleware: the id is set before anything else logs, and reset after the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _ACCEPTED_ID.match(incoming) else new_request_id()
        request.request_id = request_id
        # Not reset on the way out: Django logs 4xx/5xx responses after the middleware chain returns.
        # ``request_finished`` (below) clears it when the response is closed.
        _request_id.set(request_id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


@receiver(request_finished, dispatch_uid="casework.observability.clear_request_id")
def _clear_request_id(**kwargs) -> None:
    _request_id.set("-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return True


class PersonalDataFilter(logging.Filter):
    """Rewrites the record in place: the formatted message, its exception text and stack are masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: log what we have rather than nothing
            message = f"{record.msg!s} {record.args!r}"
        record.msg = mask_personal_data(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True


# Attributes every LogRecord has; anything else was passed through ``extra=`` and goes into the JSON.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, request_id, extras, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "process": record.process,
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, int | float | bool | type(None)) else str(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        # Extras and exceptions may carry what the filter did not see: every text value is masked once more, and
        # an integer that reads as an identifier (an IIN passed as a number) becomes its masked text. Masking
        # the serialised line instead once turned a float's digits into "6.[doc-no]e-05": invalid JSON.
        return json.dumps({key: _masked(value) for key, value in entry.items()}, ensure_ascii=False, default=str)


def _masked(value):
    if isinstance(value, str):
        return mask_personal_data(value)
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
        masked = mask_personal_data(text)
        return value if masked == text else masked
    return value  # floats (durations, sizes), booleans, None: never an identifier
