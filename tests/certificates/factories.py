"""Factories and helpers for the qualification certificate tests (seed 003)."""

import datetime as dt

import factory
from django.utils import timezone

from casework.actors import Actor
from certificates import rules, services
from certificates.models import CommissionMember, Profession
from tests.factories import ClerkFactory, RegionFactory, aware
from tests.samples import PDF

JOB = Actor.job("test")


class ProfessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profession
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"9.9.{n}")
    sector_code = "9"
    sector_kk = "Сала"
    sector_ru = "Отрасль"
    activity_kk = "Қызмет"
    activity_ru = "Деятельность"
    name_kk = factory.Sequence(lambda n: f"Мамандық {n}")
    name_ru = factory.Sequence(lambda n: f"Профессия {n}")


class CommissionMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommissionMember

    unit = factory.SubFactory(RegionFactory)
    full_name = factory.Sequence(lambda n: f"Member {n}")
    represents = "akimat"


def applicant_data(**overrides) -> dict:
    data = {
        "surname": "Karimov",
        "given_name": "Aziz",
        "patronymic": None,
        "birth_date": "1990-04-02",
        "citizenship": "UZB",
        "passport_number": "FA1234567",
        "passport_issued_on": "2020-01-10",
        "passport_issuer": "MVD",
        "iin": None,
        "address": "Aktau, 5-12",
        "phone": "+7 701 123 45 67",
        "residence_country_address": "Tashkent",
        "email": "aziz@example.org",
    }
    data.update(overrides)
    return data


def issue_documents(education=(rules.HIGHER,)) -> list[dict]:
    docs = [
        {"type": "identity_document", "filename": "passport.pdf", "content": PDF},
        {"type": "work_experience", "filename": "work.pdf", "content": PDF},
    ]
    if set(education) - {rules.ENGLISH_CERTIFICATE} or not education:
        docs.append({"type": "education_document", "filename": "diploma.pdf", "content": PDF})
    if rules.ENGLISH_CERTIFICATE in education:
        docs.append({"type": "english_certificate", "filename": "celta.pdf", "content": PDF})
    return docs


def submit_issue(
    unit,
    *,
    education=(rules.HIGHER,),
    experience_years=5,
    profession=None,
    received_at=None,
    documents=None,
    applicant=None,
    actor=JOB,
):
    profession = profession or ProfessionFactory()
    return services.submit_application(
        kind=rules.ISSUE,
        applicant=applicant or applicant_data(),
        profession=profession.code,
        education=[{"kind": k, "specialty": "physics", "document_number": "D1"} for k in education],
        experience_years=experience_years,
        documents=issue_documents(education) if documents is None else documents,
        received_at=received_at or timezone.now(),
        unit=unit,
        actor=actor,
    )


def issued_certificate(unit, *, members=None, **kwargs):
    """An application taken through the whole issue workflow by a job actor; returns (application, certificate)."""
    application, _code = submit_issue(unit, **kwargs)
    services.register_application(application, actor=JOB)
    services.refer_to_commission(application, actor=JOB)
    members = members or [CommissionMemberFactory(unit=unit)]
    services.record_protocol(
        application,
        actor=JOB,
        members_present=members,
        confirmed_education=application.declared_education_kinds(),
        confirmed_experience_years=application.experience_years,
        recommendation="issue",
    )
    certificate = services.issue_certificate(application, actor=JOB)
    return application, certificate


def clerk(unit, *roles):
    return ClerkFactory(unit=unit, roles=list(roles))


def local(year, month, day, hour=10, minute=0) -> dt.datetime:
    return aware(year, month, day, hour, minute)
