"""``casework.registry.find_case`` builds the case from one prepared statement and the converters the ORM would
apply: the instance must be the ORM's to the last field (JSON, dates, aware datetimes, foreign keys) on either
backend, and it must stay a normal instance (saving it, loading its relations)."""

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
