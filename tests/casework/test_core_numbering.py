"""Case numbers (casework.models.NumberSequence): PREFIX-YYYY-NNNNNN, per prefix and year, without gaps
inside a committed year, one round trip each."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from casework.models import NumberSequence


@pytest.mark.django_db
def test_numbers_follow_each_other_per_prefix_and_year():
    assert NumberSequence.next_number("QC", 2026) == "QC-2026-000001"
    assert NumberSequence.next_number("QC", 2026) == "QC-2026-000002"
    assert NumberSequence.next_number("QC", 2027) == "QC-2027-000001"
    assert NumberSequence.next_number("LIP", 2026) == "LIP-2026-000001"
    assert NumberSequence.next_number("QC", 2026) == "QC-2026-000003"


@pytest.mark.django_db
def test_a_rolled_back_filing_gives_its_number_back():
    assert NumberSequence.next_number("QC", 2026) == "QC-2026-000001"
    with pytest.raises(RuntimeError), transaction.atomic():
        assert NumberSequence.next_number("QC", 2026) == "QC-2026-000002"
        raise RuntimeError("the filing failed after taking its number")
    assert NumberSequence.next_number("QC", 2026) == "QC-2026-000002"


@pytest.mark.django_db
def test_an_existing_sequence_costs_one_statement(django_assert_num_queries):
    NumberSequence.next_number("QC", 2026)
    with django_assert_num_queries(1):
        assert NumberSequence.next_number("QC", 2026) == "QC-2026-000002"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_30_filings_at_once_get_30_different_numbers_without_a_gap():
    NumberSequence.objects.all().delete()
    barrier = threading.Barrier(30)

    def file(_):
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():  # a filing: the number's row lock lasts until its commit
                return NumberSequence.next_number("QC", 2026)
        finally:
            connection.close()

    with ThreadPoolExecutor(30) as pool:
        numbers = list(pool.map(file, range(30), timeout=120))
    assert sorted(numbers) == [f"QC-2026-{n:06d}" for n in range(1, 31)]
    assert NumberSequence.objects.get(prefix="QC", year=2026).last == 30
