# ruff: noqa: S608 - SQL built from this module's own constants and introspected identifiers, no input
"""Bulk-generated office at scale for bench/jobs_scale.py and bench/admin_queue.py.

``ensure_dataset(name, size)`` makes (once; a marker row says it is complete) a database with ``size``
people, each with a qualification-certificate application (1 % still open, their step deadlines spread
around today: overdue, due soon, on time), the active certificate issued on it, a labour-immigrant permit
application and the active permit issued on it within its unit's quota. 10,000 certificates and 10,000
permits (spread over the id range) had their last valid day on ``JOB_DAY - 1``: the expiry jobs run
with ``today=JOB_DAY`` end exactly them; ``reset_cohort()`` makes them active again between runs.

Rows are made by PostgreSQL itself (INSERT … SELECT over generate_series, foreign-key triggers off for the
load: the ids are consistent by construction), so 1,000,000 of each takes a minute or two, not an hour of
ORM saves. Every NOT NULL column the code does not set here gets its type's empty value (the schema may
grow under us: a new NOT NULL foreign key stops the generator with a clear message instead).
"""

import datetime as dt
import sys
import time

JOB_DAY = dt.date(2026, 6, 1)
EXPIRING = 10_000
MARKER_TABLE = "bench_dataset_marker"
BULK_TABLES = [
    "casework_person",
    "certificates_certificateapplication",
    "certificates_certificate",
    "permits_labourimmigrantpermitapplication",
    "permits_labourimmigrantpermit",
]
EMPTY_BY_TYPE = {
    "character varying": "''",
    "text": "''",
    "integer": "0",
    "smallint": "0",
    "bigint": "0",
    "boolean": "false",
    "jsonb": "'[]'::jsonb",
    "date": "current_date",
    "timestamp with time zone": "now()",
    "uuid": "gen_random_uuid()",
}


def _columns(cursor, table: str) -> list[tuple[str, str, bool]]:
    cursor.execute(
        "SELECT column_name, data_type, is_nullable = 'YES' FROM information_schema.columns "
        "WHERE table_name = %s ORDER BY ordinal_position",
        [table],
    )
    return cursor.fetchall()


def insert_series(cursor, table: str, count: int, values: dict[str, str]) -> None:
    """INSERT ``count`` rows into ``table``; ``values`` maps columns to SQL over ``g`` (1..count)."""
    names, exprs = [], []
    for column, data_type, nullable in _columns(cursor, table):
        if column in values:
            names.append(column)
            exprs.append(values[column])
        elif not nullable:
            if column.endswith("_id"):
                raise SystemExit(f"bench dataset: {table}.{column} is a new NOT NULL reference; teach _dataset.py it")
            names.append(column)
            exprs.append(EMPTY_BY_TYPE[data_type])
    missing = set(values) - set(names)
    if missing:
        raise SystemExit(f"bench dataset: {table} has no column(s) {sorted(missing)}")
    started = time.perf_counter()
    cursor.execute(
        f'INSERT INTO "{table}" ({", ".join(names)}) SELECT {", ".join(exprs)} FROM generate_series(1, {count}) AS g'
    )
    print(f"  {table}: {count:,} rows in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM \"{table}\"))")


def drop_indexes(cursor, tables: list[str]) -> list[str]:
    """Drop every index but the primary keys of ``tables`` (a bulk load into a table without them, then
    one sorted build each, is several times faster); returns the statements that put them back."""
    cursor.execute(
        """
        SELECT t.relname, i.relname, pg_get_indexdef(x.indexrelid), c.conname, pg_get_constraintdef(c.oid)
        FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
        LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid
        WHERE t.relname = ANY(%s) AND NOT x.indisprimary
        """,
        [tables],
    )
    restore = []
    for table, index, indexdef, constraint, constraintdef in cursor.fetchall():
        if constraint:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{constraint}"')
            restore.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{constraint}" {constraintdef}')
        else:
            cursor.execute(f'DROP INDEX "{index}"')
            restore.append(indexdef)
    return restore


def _number(prefix: str) -> str:
    # PREFIX-YYYY-NNNNNN (casework.models.NumberSequence): 200,000 a year from 2020
    return f"'{prefix}-' || (2020 + g / 200000)::text || '-' || lpad((g % 200000)::text, 6, '0')"


def generate(connection, size: int) -> None:
    every = size // EXPIRING  # one in ``every`` certificates / permits ends on JOB_DAY - 1
    day = f"DATE '{JOB_DAY.isoformat()}'"
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no FK triggers during the load
        cursor.execute("SET maintenance_work_mem = '256MB'")
        restore = drop_indexes(cursor, BULK_TABLES)
        cursor.execute("SELECT array_agg(id ORDER BY path) FROM casework_territorialunit")
        units = cursor.fetchone()[0]
        cursor.execute("SELECT array_agg(id ORDER BY code) FROM certificates_profession WHERE active")
        professions = cursor.fetchone()[0]
        unit = f"(ARRAY{units}::bigint[])[1 + g % {len(units)}]"
        profession = f"(ARRAY{professions}::bigint[])[1 + g % {len(professions)}]"
        expiring = f"g % {every} = 0"
        insert_series(
            cursor,
            "casework_person",
            size,
            {
                "id": "g",
                "surname": "'Karimov' || g",
                "given_name": "'Aziz'",
                "birth_date": "DATE '1990-01-01' + (g % 9000)",
                "citizenship": "'UZB'",
                "passport_number": "'FA' || lpad(g::text, 7, '0')",
            },
        )
        insert_series(
            cursor,
            "casework_organisation",
            1000,
            {"id": "g", "kind": "'individual'", "name": "'Employer ' || g", "iin": "lpad(g::text, 12, '0')"},
        )
        open_case = "g % 100 = 0"
        insert_series(
            cursor,
            "certificates_certificateapplication",
            size,
            {
                "id": "g",
                "number": _number("QC"),
                "kind": "'issue'",
                "channel": "'portal'",
                "regulation_version": "'bench'",
                "unit_id": unit,
                "applicant_id": "g",
                "profession_id": profession,
                "received_at": f"{day} - 400 + (g % 380) + time '10:00'",
                "registered_on": f"{day} - 400 + (g % 380)",
                "status": f"CASE WHEN {open_case} THEN 'registered' ELSE 'issued' END",
                "step_name": f"CASE WHEN {open_case} THEN 'decision' ELSE '' END",
                # open cases' step deadlines around the real today: overdue, due soon, on time
                "step_deadline": f"CASE WHEN {open_case} THEN current_date - 20 + (g / 100) % 40 END",
                "due_date": f"{day} - 390 + (g % 380)",
                "education": "'[]'::jsonb",
                "missing_documents": "'[]'::jsonb",
                "experience_years": "3",
            },
        )
        insert_series(
            cursor,
            "certificates_certificate",
            size,
            {
                "id": "g",
                "number": _number("QCC"),
                "unit_id": unit,
                "holder_id": "g",
                "profession_id": profession,
                "application_id": "g",
                "basis": "'bench'",
                "issued_on": f"{day} - 60",
                "valid_from": f"{day} - 60",
                "valid_to": f"CASE WHEN {expiring} THEN {day} - 1 ELSE {day} + 1 + g % 700 END",
                "status": "'active'",
                "version": "1",
            },
        )
        insert_series(
            cursor,
            "permits_quota",
            len(units),
            {
                "id": "g",
                "purpose": "'labour_immigrant'",
                "unit_id": f"(ARRAY{units}::bigint[])[g]",
                "period_start": "DATE '2026-01-01'",
                "period_end": "DATE '2026-12-31'",
                "total": str(size * 2),
                "issued": "0",
            },
        )
        insert_series(
            cursor,
            "permits_labourimmigrantpermitapplication",
            size,
            {
                "id": "g",
                "number": _number("LIP"),
                "kind": "'issue'",
                "channel": "'office'",
                "regulation_version": "'bench'",
                "unit_id": unit,
                "applicant_id": "g",
                "employer_id": "1 + g % 1000",
                "received_at": f"{day} - 120 + time '10:00'",
                "registered_on": f"{day} - 120",
                "status": "'issued'",
                "signatures": "'[]'::jsonb",
                "not_accepted_reasons": "'[]'::jsonb",
            },
        )
        insert_series(
            cursor,
            "permits_labourimmigrantpermit",
            size,
            {
                "id": "g",
                "number": _number("LIPM"),
                "unit_id": unit,
                "holder_id": "g",
                "employer_id": "1 + g % 1000",
                "application_id": "g",
                "months": "3",
                "chain_months": "3",
                "valid_from": f"{day} - 90",
                "valid_to": f"CASE WHEN {expiring} THEN {day} - 1 ELSE {day} + 1 + g % 700 END",
                "issued_on": f"{day} - 90",
                "quota_id": f"1 + g % {len(units)}",
                "holds_quota_unit": "true",
                "status": "'active'",
                "version": "1",
            },
        )
        cursor.execute(
            "UPDATE permits_quota q SET issued = c.n FROM (SELECT quota_id, count(*) AS n "
            "FROM permits_labourimmigrantpermit GROUP BY quota_id) c WHERE q.id = c.quota_id"
        )
        started = time.perf_counter()
        for statement in restore:
            cursor.execute(statement)
        print(f"  {len(restore)} indexes rebuilt in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
        cursor.execute("SET session_replication_role = DEFAULT")


def ensure_dataset(name: str, size: int) -> tuple[bool, float]:
    """Create (if needed) and migrate database ``name`` holding the dataset of ``size``; connect Django to it.
    Returns (generated now, seconds it took)."""
    from bench import _common

    fresh = not _common.database_exists(name) or not _has_marker(name, size)
    _common.use_database(name, fresh=fresh)
    _common.setup_django("config.settings.test")
    if not fresh:
        _common.migrate()  # the schema changes made since it was generated (e.g. new indexes) apply to it too
        return False, 0.0
    started = time.perf_counter()
    _common.migrate()
    print(f"  migrated in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    from django.core.management import call_command
    from django.db import connection

    call_command("setup_office", verbosity=0)
    generate(connection, size)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE " + ", ".join(BULK_TABLES))
        cursor.execute(f"CREATE TABLE {MARKER_TABLE} (size integer, made_at timestamptz DEFAULT now())")
        cursor.execute(f"INSERT INTO {MARKER_TABLE} (size) VALUES (%s)", [size])
    return True, time.perf_counter() - started


def _has_marker(name: str, size: int) -> bool:
    import psycopg2

    connection = psycopg2.connect(dbname=name, user="postgres", host="127.0.0.1", port=5432)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [MARKER_TABLE])
            if cursor.fetchone()[0] is None:
                return False
            cursor.execute(f"SELECT size FROM {MARKER_TABLE}")
            row = cursor.fetchone()
            return row is not None and row[0] == size
    finally:
        connection.close()


COHORT_TABLES = {"certificates": "certificates_certificate", "permits": "permits_labourimmigrantpermit"}


def reset_cohort(connection, which=("certificates", "permits")) -> None:
    """Make the day's 10,000 certificates and/or permits active again (their units held again) after a run."""
    before = f"DATE '{(JOB_DAY - dt.timedelta(days=1)).isoformat()}'"
    with connection.cursor() as cursor:
        if "certificates" in which:
            cursor.execute(
                "UPDATE certificates_certificate SET status = 'active', ended_on = NULL, end_reason = '', version = 1 "
                f"WHERE valid_to = {before} AND status <> 'active'"
            )
        if "permits" not in which:
            return
        cursor.execute(
            "WITH back AS (UPDATE permits_labourimmigrantpermit SET status = 'active', ended_on = NULL, "
            f"holds_quota_unit = true, version = 1 WHERE valid_to = {before} AND status <> 'active' "
            "RETURNING quota_id) "
            "UPDATE permits_quota q SET issued = q.issued + c.n FROM (SELECT quota_id, count(*) AS n FROM back "
            "GROUP BY quota_id) c WHERE q.id = c.quota_id"
        )
