from django.db import models, transaction


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
        with transaction.atomic():
            cls.objects.get_or_create(prefix=prefix, year=year)
            seq = cls.objects.select_for_update().get(prefix=prefix, year=year)
            seq.last += 1
            seq.save(update_fields=["last"])
        return f"{prefix}-{year}-{seq.last:06d}"
