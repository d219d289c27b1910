from .api import API_SCOPES, ApiClient, IdempotencyRecord, OutboxMessage, WebhookSubscription
from .cases import Case, Channel
from .documents import Attachment, get_private_storage, private_storage
from .history import AppendOnlyError, TransitionLog
from .issued import DocumentKind, DocumentLanguage, DocumentStatus, IssuedDocument  # noqa: F401
from .numbering import NumberSequence
from .parties import Organisation, Person
from .regulations import RegulationVersion
from .rendering import DocumentRenderRequest
from .suspension import Suspension
from .units import ClerkProfile, TerritorialUnit

__all__ = [
    "API_SCOPES",
    "ApiClient",
    "IdempotencyRecord",
    "OutboxMessage",
    "WebhookSubscription",
    "AppendOnlyError",
    "Attachment",
    "Case",
    "Channel",
    "ClerkProfile",
    "DocumentRenderRequest",
    "NumberSequence",
    "Organisation",
    "Person",
    "RegulationVersion",
    "Suspension",
    "TerritorialUnit",
    "TransitionLog",
    "get_private_storage",
    "private_storage",
]
