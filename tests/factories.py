"""factory_boy factories shared by every app's tests."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from casework.identifiers import check_digit
from casework.models import ClerkProfile, Organisation, Person, TerritorialUnit


def make_identifier(seed: int) -> str:
    """A valid IIN/BIN derived from ``seed`` (first 11 digits vary, the 12th is the check digit)."""
    n = seed
    while True:
        first = f"{n % 10**11:011d}"
        digit = check_digit(first)
        if digit is not None:
            return first + str(digit)
        n += 1


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TerritorialUnit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{10 + n:02d}0000000")
    name_kk = factory.Sequence(lambda n: f"Облыс {n}")
    name_ru = factory.Sequence(lambda n: f"Область {n}")
    level = TerritorialUnit.Level.REGION
    parent = None


class DistrictFactory(RegionFactory):
    code = factory.Sequence(lambda n: f"{500000000 + n}")
    name_kk = factory.Sequence(lambda n: f"Аудан {n}")
    name_ru = factory.Sequence(lambda n: f"Район {n}")
    level = TerritorialUnit.Level.DISTRICT
    parent = factory.SubFactory(RegionFactory)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    surname = factory.Sequence(lambda n: f"Karimov{n}")
    given_name = "Aziz"
    patronymic = ""
    birth_date = dt.date(1990, 4, 2)
    citizenship = "UZB"
    passport_number = factory.Sequence(lambda n: f"FA{n:07d}")
    passport_issued_on = dt.date(2020, 1, 10)
    passport_issuer = "MVD"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"TOO Company {n}")
    bin = factory.Sequence(lambda n: make_identifier(40_000_000_000 + n * 7))


class ClerkFactory(factory.django.DjangoModelFactory):
    """A staff user in a territorial unit with the given roles (group names)."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"clerk{n}")
    is_staff = True
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def unit(self, create, extracted, **kwargs):
        ClerkProfile.objects.create(user=self, unit=extracted or DistrictFactory())

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for name in extracted or ():
            self.groups.add(Group.objects.get(name=name))


def aware(year, month, day, hour=10, minute=0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))
