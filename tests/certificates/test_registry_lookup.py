"""``casework.registry.find_case`` builds the case from one prepared statement and the converters the ORM would
apply: the instance must be the ORM's to the last field (JSON, dates, aware datetimes, foreign keys) on either
backend, and it must stay a normal instance (saving it, loading its relations)."""

import pytest

from casework import registry
from certificates.models import CertificateApplication
from tests.certificates.factories import issued_certificate, submit_issue


def field_values(instance):
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def test_the_lookup_gives_the_orms_instance_field_by_field(unit, clock, members):
    received, _code = submit_issue(unit)
    decided, _certificate = issued_certificate(unit, members=members)
    for application in (received, decided):
        expected = CertificateApplication.objects.get(pk=application.pk)
        found = registry.find_case(application.number)
        assert type(found) is CertificateApplication
        assert field_values(found) == field_values(expected)
        assert found.education and isinstance(found.education, list)  # JSON decoded as the ORM does
        assert found.received_at.tzinfo is not None
        assert found._state.adding is False and found._state.db == "default"
    assert registry.find_case(decided.number).result_certificate.number == _certificate.number


def test_an_unknown_number_or_prefix_is_none(unit, clock):
    application, _code = submit_issue(unit)
    assert registry.find_case(application.number.replace("-0000", "-9999")) is None
    assert registry.find_case("XX-2026-000001") is None
    assert registry.find_case("") is None


def test_the_history_that_comes_with_the_case_is_the_one_history_of_reads(unit, clock, members):
    decided, _certificate = issued_certificate(unit, members=members)
    carried = registry.find_case(decided.number)._status_history
    read = registry.history_of(CertificateApplication.objects.get(pk=decided.pk))
    assert carried == read
    assert [entry["status"] for entry in read][:2] == ["received", "registered"]
    assert read[-1]["status"] == "issued"
    assert all(entry["at"].tzinfo is not None for entry in read)
    assert [entry["at"] for entry in read] == sorted(entry["at"] for entry in read)


@pytest.mark.postgres
def test_on_postgresql_the_lookup_is_prepared_once_per_connection_and_survives_a_rollback(unit, clock):
    from django.db import connection, connections, transaction

    application, _code = submit_issue(unit)
    connections["default"].__dict__.pop("_casework_prepared", None)  # as on a new connection
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    with pytest.raises(RuntimeError), transaction.atomic():
        assert registry.find_case(application.number).pk == application.pk
        raise RuntimeError("the request failed after the lookup")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'casework_lookup_%%'")
        assert [row[0] for row in cursor.fetchall()] == ["casework_lookup_certificates_certificateapplication"]
    found = registry.find_case(application.number)  # EXECUTE only
    assert field_values(found) == field_values(CertificateApplication.objects.get(pk=application.pk))


@pytest.mark.postgres
def test_without_prepared_statements_the_lookup_gives_the_same_case(unit, clock, settings):
    settings.DB_PREPARED_STATEMENTS = False
    application, _code = submit_issue(unit)
    assert field_values(registry.find_case(application.number)) == field_values(
        CertificateApplication.objects.get(pk=application.pk)
    )
