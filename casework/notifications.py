"""Messages to a person by SMS or e-mail, through a pluggable backend (002-2 §3: "by ICT and / or the
mobile network"; any service that informs an applicant).

    from casework.notifications import Message, send
    result = send(Message(channel="sms", to="+77011234567", body="...", reference="UE-2026-000001"))

The backend is ``settings.NOTIFICATION_BACKEND`` (dotted path), by default the console backend, which
writes the message to the log. ``FileBackend`` appends one JSON line a message to
``settings.NOTIFICATION_FILE_PATH``; ``MemoryBackend`` keeps them in ``outbox`` (tests). A real SMS gateway
or the e-mail backend is one small class with ``send(message) -> str`` returning the provider's reference.
Call ``send`` after commit (from a Celery task): nothing is sent for a change that rolled back.
"""

import json
import logging
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

SMS = "sms"
EMAIL = "email"
CHANNELS = (SMS, EMAIL)
DEFAULT_BACKEND = "casework.notifications.ConsoleBackend"


class NotificationError(Exception):
    """The backend could not send; the caller (a task) retries."""


@dataclass(frozen=True)
class Message:
    channel: str  # SMS or EMAIL
    to: str  # phone number or e-mail address
    body: str
    subject: str = ""
    reference: str = ""  # the case number the message is about

    def __post_init__(self):
        if self.channel not in CHANNELS:
            raise ValueError(f"unknown channel {self.channel!r}")
        if not self.to:
            raise ValueError("a message needs a recipient")


class ConsoleBackend:
    """Writes the message to the log (development, demo)."""

    def send(self, message: Message) -> str:
        reference = f"console-{uuid.uuid4().hex[:12]}"
        logger.info("notification %s %s to %s: %s", reference, message.channel, message.to, message.body)
        return reference


class FileBackend:
    """Appends a JSON line per message to NOTIFICATION_FILE_PATH (an SMS gateway's drop folder, or audit)."""

    def send(self, message: Message) -> str:
        default = Path(settings.BASE_DIR) / "var" / "notifications.jsonl"
        path = Path(getattr(settings, "NOTIFICATION_FILE_PATH", default))
        path.parent.mkdir(parents=True, exist_ok=True)
        reference = f"file-{uuid.uuid4().hex[:12]}"
        line = json.dumps(
            {**asdict(message), "reference_id": reference, "at": timezone.now().isoformat()}, ensure_ascii=False
        )
        with path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
        return reference


class MemoryBackend:
    """Keeps messages in ``MemoryBackend.outbox`` (tests)."""

    outbox: list[Message] = []

    def send(self, message: Message) -> str:
        MemoryBackend.outbox.append(message)
        return f"memory-{len(MemoryBackend.outbox)}"


class EmailOrConsoleBackend:
    """E-mail through Django's mail backend; SMS to the log until a gateway is configured."""

    def send(self, message: Message) -> str:
        if message.channel == EMAIL:
            send_mail(message.subject or message.reference, message.body, None, [message.to])
            return f"email-{uuid.uuid4().hex[:12]}"
        return ConsoleBackend().send(message)


def backend():
    return import_string(getattr(settings, "NOTIFICATION_BACKEND", DEFAULT_BACKEND))()


def send(message: Message) -> str:
    """Send through the configured backend; the backend's reference for the message."""
    try:
        return backend().send(message)
    except NotificationError:
        raise
    except Exception as exc:  # a gateway's own errors become one type the tasks retry on
        raise NotificationError(f"{type(exc).__name__}: {exc}") from exc
