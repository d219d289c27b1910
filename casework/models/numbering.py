from django.db import connection, models, transaction


class NumberSequence(models.Model):
    """The last number given per prefix and year: QC-2026-000123.

    Taken under a row lock, so two registrations never get the same number and numbers
    have no gaps inside a committed year (a rolled-back registration gives its number back).
    """

    prefix = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="number_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"

    @classmethod
    def next_number(cls, prefix: str, year: int) -> str:
        """The next number: one ``UPDATE … SET last = last + 1 … RETURNING last``, whose row lock lasts until the
        caller's transaction ends (a filing's one round trip for its number; the first of a prefix and year
        creates the row, concurrent creators meeting on the unique constraint)."""
        last = cls._increment(prefix, year)
        if last is None:
            with transaction.atomic():
                cls.objects.get_or_create(prefix=prefix, year=year)
            last = cls._increment(prefix, year)
        return f"{prefix}-{year}-{last:06d}"

    @classmethod
    def _increment(cls, prefix: str, year: int) -> int | None:
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET last = last + 1 WHERE prefix = %s AND year = %s RETURNING last",  # noqa: S608
                [prefix, year],
            )
            row = cursor.fetchone()
        return row[0] if row else None
