"""Set-based end of term for the daily expiry jobs (certificates, labour-immigrant permits; issue 9).

``end_due(model, ...)`` ends one batch of records whose last valid day has passed and writes their history,
the same rows ``casework.services.run_transition`` + ``record_history`` would write one by one — the case type,
id and number, the transition, from/to state, no clerk, the job's actor label, the reason with the last valid
day (dd.mm.yyyy) — but for the whole batch at once. It bypasses django-fsm on purpose (the FSM field is
protected and the per-row transition is what made the jobs slow at a million records); the caller's
``changes`` must be exactly what the model's transition method sets (keep them in step).

On PostgreSQL the batch is ONE statement (found by bench/jobs_scale.py: the per-row Python of building,
sending and fetching 10,000 objects was a third of the job)::

    WITH due AS (SELECT id, <old values> FROM t WHERE status = 'active' AND valid_to < today
                 ORDER BY valid_to LIMIT n FOR UPDATE SKIP LOCKED),     -- the partial index on active valid_to
         ended AS (UPDATE t SET ... FROM due WHERE t.id = due.id AND t.status = 'active'
                   RETURNING t.id, t.number, t.valid_to, <old values>),
         history AS (INSERT INTO casework_transitionlog (...) SELECT ... FROM ended)
    SELECT * FROM ended

Safe twice and concurrently: a second job skips the rows the first one holds (SKIP LOCKED) and finds the
ones it committed no longer active; a rolled-back batch leaves neither status nor history behind. Elsewhere
(SQLite in development and tests) the same outcome with the ORM: the locked SELECT, one UPDATE, one
``bulk_create`` of the history.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router, transaction
from django.db.models.sql import UpdateQuery
from django.utils import timezone

from casework.actors import Actor
from casework.models import TransitionLog

DATE_PLACEHOLDER = "%(d)s"


@dataclass(frozen=True)
class Ended:
    """One record the batch ended: ``old`` holds the ``keep`` columns' values before the UPDATE."""

    pk: int
    number: str
    last_day: date
    old: dict[str, Any]


def _reason_template(reason: str) -> str:
    # the translated text with %(d)s left in place (and its %% escapes resolved), for Python and SQL alike
    return str(reason) % {"d": DATE_PLACEHOLDER}


def end_due(
    model,
    *,
    today: date,
    batch: int,
    actor: Actor,
    reason: str,
    changes: dict[str, Any],
    keep: tuple[str, ...] = (),
    transition: str = "expire",
    from_state: str = "active",
    to_state: str = "expired",
    state_field: str = "status",
    date_field: str = "valid_to",
    using: str | None = None,
) -> list[Ended]:
    """End up to ``batch`` records of ``model`` in ``from_state`` whose ``date_field`` is before ``today``.

    ``changes``: field name -> constant or expression (``F("valid_to")``, ``F("version") + 1``) set besides
    ``state_field`` = ``to_state``. ``reason``: the (translated) history reason; ``%(d)s`` in it becomes the
    record's last valid day as dd.mm.yyyy. ``keep``: fields whose values *before* the update the caller
    needs (e.g. the permit's quota and whether it held a unit). Runs in the caller's transaction (opens
    one when there is none); returns the records ended, in the order of their last valid day.
    """
    using = using or router.db_for_write(model)
    changes = {**changes, state_field: to_state}
    with transaction.atomic(using=using):
        if connections[using].vendor == "postgresql":
            return _end_due_postgresql(
                model, today, batch, actor, reason, changes, keep, transition, from_state, to_state, state_field,
                date_field, using,
            )  # fmt: skip
        return _end_due_orm(
            model, today, batch, actor, reason, changes, keep, transition, from_state, to_state, state_field,
            date_field, using,
        )  # fmt: skip


def _history_values(model, actor: Actor, using: str) -> dict[str, Any]:
    return {
        "case_type_id": ContentType.objects.db_manager(using).get_for_model(model).pk,
        "actor_label": actor.label[:150],
        "at": timezone.now(),
    }


def _end_due_orm(
    model, today, batch, actor, reason, changes, keep, transition, from_state, to_state, state_field, date_field, using
) -> list[Ended]:
    rows = list(
        model._default_manager.db_manager(using)
        .select_for_update(skip_locked=True)
        .filter(**{state_field: from_state, f"{date_field}__lt": today})
        .order_by(date_field, "pk")
        .values_list("pk", "number", date_field, *keep)[:batch]
    )
    if not rows:
        return []
    ended = [Ended(row[0], row[1], row[2], dict(zip(keep, row[3:], strict=True))) for row in rows]
    model._default_manager.db_manager(using).filter(pk__in=[e.pk for e in ended], **{state_field: from_state}).update(
        **changes
    )
    template = _reason_template(reason)
    common = _history_values(model, actor, using)
    TransitionLog.objects.using(using).bulk_create(
        [
            TransitionLog(
                case_id=e.pk,
                case_number=e.number,
                transition=transition,
                from_state=from_state,
                to_state=to_state,
                actor=None,
                reason=template.replace(DATE_PLACEHOLDER, f"{e.last_day:%d.%m.%Y}"),
                deadline=None,
                deadline_breached=False,
                details={},
                **common,
            )
            for e in ended
        ],
        batch_size=2000,
    )
    return ended


def _set_clause(model, changes: dict[str, Any], connection) -> tuple[list[str], list[Any]]:
    """``"column" = <sql>`` for each change, compiled the way ``QuerySet.update`` compiles them."""
    query = UpdateQuery(model)
    compiler = query.get_compiler(connection=connection)
    parts, params = [], []
    for name, value in changes.items():
        field = model._meta.get_field(name)
        if hasattr(value, "resolve_expression"):
            sql, value_params = compiler.compile(value.resolve_expression(query, allow_joins=False, for_save=True))
        else:
            sql, value_params = "%s", [field.get_db_prep_save(value, connection=connection)]
        parts.append(f"{connection.ops.quote_name(field.column)} = {sql}")
        params.extend(value_params)
    return parts, params


def _end_due_postgresql(
    model, today, batch, actor, reason, changes, keep, transition, from_state, to_state, state_field, date_field, using
) -> list[Ended]:
    connection = connections[using]
    qn = connection.ops.quote_name
    meta = model._meta
    table = qn(meta.db_table)
    pk = qn(meta.pk.column)
    state = qn(meta.get_field(state_field).column)
    last_day = qn(meta.get_field(date_field).column)
    number = qn(meta.get_field("number").column)
    kept = [qn(meta.get_field(name).column) for name in keep]
    set_parts, set_params = _set_clause(model, changes, connection)
    common = _history_values(model, actor, using)
    log = TransitionLog._meta
    columns = ", ".join(
        qn(log.get_field(name).column)
        for name in (
            "case_type",
            "case_id",
            "case_number",
            "transition",
            "from_state",
            "to_state",
            "actor",
            "actor_label",
            "at",
            "reason",
            "deadline",
            "deadline_breached",
            "details",
        )
    )
    due_columns = ", ".join([pk, *kept])
    returning = ", ".join([f"{table}.{pk}", f"{table}.{number}", f"{table}.{last_day}", *(f"due.{c}" for c in kept)])
    sql = f"""
        WITH due AS (
            SELECT {due_columns} FROM {table}
            WHERE {state} = %s AND {last_day} < %s
            ORDER BY {last_day}, {pk} LIMIT %s
            FOR UPDATE SKIP LOCKED
        ), ended AS (
            UPDATE {table} SET {", ".join(set_parts)}
            FROM due WHERE {table}.{pk} = due.{pk} AND {table}.{state} = %s
            RETURNING {returning}
        ), history AS (
            INSERT INTO {qn(log.db_table)} ({columns})
            SELECT %s, ended.{pk}, ended.{number}, %s, %s, %s, NULL, %s, %s,
                   replace(%s, %s, to_char(ended.{last_day}, 'DD.MM.YYYY')), NULL, false, '{{}}'::jsonb
            FROM ended
        )
        SELECT * FROM ended ORDER BY {last_day}, {pk}
    """  # noqa: S608 - identifiers from the models' metadata, every value a parameter
    params = [
        from_state,
        today,
        batch,
        *set_params,
        from_state,
        common["case_type_id"],
        transition,
        from_state,
        to_state,
        common["actor_label"],
        common["at"],
        _reason_template(reason),
        DATE_PLACEHOLDER,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [Ended(row[0], row[1], row[2], dict(zip(keep, row[3:], strict=True))) for row in rows]
