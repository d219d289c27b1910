"""``Idempotency-Key`` on every POST (API.md "Idempotency").

Same key + same body → the first response again (status, body, Location/ETag), nothing created;
same key + another body → 422 ``idempotency_key_reused``; a malformed key → 400 ``invalid_idempotency_key``.

How it holds under concurrency: the handler runs inside ``transaction.atomic()`` whose *first*
statement inserts the ``IdempotencyRecord`` (unique on client + key). On PostgreSQL a concurrent
insert of the same key waits on the unique index until the first transaction ends; if that one
committed, the insert fails with IntegrityError (caught in a savepoint), the committed record is
read back and replayed; if it rolled back (the request failed), the waiting request goes ahead as
if it were the first. So 100 simultaneous retries create exactly one application.

Only successful (2xx) responses are remembered: an error rolls back the record together with
everything the handler did, and a retry is processed afresh.

Usage — ``PortalAPIView`` does it for every POST. Elsewhere, one decorator::

    class Thing(APIView):
        @idempotent
        def post(self, request): ...
"""

import functools
import hashlib
import json
import re

from django.db import connections, router, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from casework.api.fastjson import canonical_json
from casework.exceptions import ServiceError
from casework.models import ApiClient, IdempotencyRecord

HEADER = "Idempotency-Key"
_META_KEY = "HTTP_IDEMPOTENCY_KEY"
_VALID_KEY = re.compile(r"[\x20-\x7e]{1,255}")  # printable ASCII, as HTTP header values should be
REPLAYED_HEADERS = ("Location", "ETag", "Content-Location")
RETENTION_HOURS = 48  # API.md promises at least 24 h; casework.tasks.purge_idempotency_records deletes older


class InvalidIdempotencyKey(ServiceError):  # noqa: N818 - named for what happened, like casework.exceptions
    status_code = 400
    code = "invalid_idempotency_key"
    title = _("Idempotency-Key must be 1 to 255 printable ASCII characters")


class IdempotencyKeyReused(ServiceError):  # noqa: N818
    status_code = 422
    code = "idempotency_key_reused"
    title = _("This Idempotency-Key was already used with a different request")


def idempotency_key(request) -> str | None:
    raw = request.META.get(_META_KEY)
    if raw is None:
        return None
    if not _VALID_KEY.fullmatch(raw) or not raw.strip():
        raise InvalidIdempotencyKey()
    return raw


def request_fingerprint(request) -> str:
    """SHA-256 of method, full path and the JSON body in canonical form (sorted keys, no whitespace),
    so a retry that re-serialises the same data differently is still "the same body"."""
    digest = hashlib.sha256(f"{request.method}\n{request.get_full_path()}\n".encode("utf-8", "surrogatepass"))
    digest.update(canonical_json(request.data))
    return digest.hexdigest()


def _claim(client: ApiClient, key: str, fingerprint: str) -> IdempotencyRecord | None:
    """Insert the record for (client, key), or return None when it exists: ``INSERT … ON CONFLICT DO NOTHING
    RETURNING`` (PostgreSQL, SQLite ≥ 3.35). A concurrent insert of the same key waits on the unique index until
    the first transaction ends, like a plain INSERT, but a conflict is an empty result instead of an error — no
    savepoint around it (two statements fewer per POST) and the transaction stays usable."""
    record = IdempotencyRecord(client=client, key=key, request_fingerprint=fingerprint)
    fields = [f for f in IdempotencyRecord._meta.concrete_fields if not f.primary_key]
    connection = connections[router.db_for_write(IdempotencyRecord)]
    quote = connection.ops.quote_name
    meta = IdempotencyRecord._meta
    on = ", ".join(quote(meta.get_field(name).column) for name in ("client", "key"))
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608 - names only
        f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT ({on}) DO NOTHING RETURNING {quote(meta.pk.column)}"
    )
    params = [f.get_db_prep_save(f.pre_save(record, add=True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    record.pk = row[0]
    record._state.adding = False
    record._state.db = connection.alias
    return record


def _replay(record: IdempotencyRecord) -> Response:
    data = json.loads(record.response_body) if record.response_body else None
    response = Response(data, status=record.response_status, headers=record.response_headers or None)
    response["Idempotent-Replayed"] = "true"
    return response


def _as_json_text(data) -> str:
    """The body as JSON text; the first response and every replay are rendered from it, so they are identical."""
    return JSONRenderer().render(data).decode("utf-8") if data is not None else ""


def run_idempotently(request, handler, *args, **kwargs):
    key = idempotency_key(request)
    client = request.auth
    if key is None or not isinstance(client, ApiClient):
        return handler(request, *args, **kwargs)
    fingerprint = request_fingerprint(request)  # parses the body first: malformed JSON → 400, nothing stored

    with transaction.atomic():
        record = _claim(client, key, fingerprint)
        if record is None:
            # Someone holding this key committed first (on PostgreSQL we waited for them): replay it.
            existing = IdempotencyRecord.objects.get(client=client, key=key)
            if existing.request_fingerprint != fingerprint:
                raise IdempotencyKeyReused(
                    _("This Idempotency-Key was first used for a different request; use a new key for a new request.")
                ) from None
            return _replay(existing)

        response = handler(request, *args, **kwargs)
        if not 200 <= response.status_code < 300:
            transaction.set_rollback(True)  # forget the key and whatever the handler did
            return response
        body = _as_json_text(getattr(response, "data", None))
        record.response_status = response.status_code
        record.response_body = body
        record.response_headers = {h: response[h] for h in REPLAYED_HEADERS if response.has_header(h)}
        record.save(update_fields=["response_status", "response_body", "response_headers"])
        if hasattr(response, "data"):
            response.data = json.loads(body) if body else None
        return response


def idempotent(method):
    """Decorator for a view's ``post`` / viewset's ``create``: honour ``Idempotency-Key``."""

    @functools.wraps(method)
    def wrapper(self, request, *args, **kwargs):
        return run_idempotently(request, functools.partial(method, self), *args, **kwargs)

    wrapper.is_idempotent = True
    return wrapper


class IdempotencyMixin:
    """Applies ``Idempotency-Key`` handling to every method in ``idempotent_methods`` (POST by default).

    It wraps the handler after ``initial()`` (authentication, scopes, throttling) has passed, so the
    record is always tied to an authenticated client, and inside DRF's exception handling, so a reused
    key is a normal problem response.
    """

    idempotent_methods: tuple[str, ...] = ("post",)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        method = request.method.lower()
        handler = getattr(self, method, None)
        if method in self.idempotent_methods and handler is not None and not getattr(handler, "is_idempotent", False):

            def idempotent_handler(request, *args, **kwargs):
                return run_idempotently(request, handler, *args, **kwargs)

            idempotent_handler.is_idempotent = True
            # A view instance serves one request, so shadowing the bound handler on the instance is safe.
            setattr(self, method, idempotent_handler)
