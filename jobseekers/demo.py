"""Demo data for ``manage.py setup_office --demo``: a few job seekers and unemployed in every state (idempotent)."""

import datetime as dt

from django.utils import timezone

from casework.actors import Actor
from casework.models import Channel, TerritorialUnit

from . import rules, services
from .models import REFUSE, REGISTER, JobSeekerRegistration, UnemployedRegistration

DEMO_UNIT = "751710000"  # Almaly district, Almaty (seed 002 is an Almaty act)

PEOPLE = [
    # surname, given name, IIN (valid check digit), birth date
    ("Сейітов", "Нұрлан", "900402300013", dt.date(1990, 4, 2)),
    ("Ахметова", "Әйгерім", "950715400020", dt.date(1995, 7, 15)),
    ("Иванов", "Сергей", "880101300010", dt.date(1988, 1, 1)),
    ("Омарова", "Дина", "920320400018", dt.date(1992, 3, 20)),
]


def _applicant(surname, given_name, iin, birth_date, n):
    return {
        "surname": surname,
        "given_name": given_name,
        "birth_date": birth_date,
        "citizenship": "KAZ",
        "passport_number": f"N{70000000 + n}",
        "iin": iin,
        "address": "Алматы қ., Абай даңғылы, 10",
        "phone": f"+7701555{n:04d}",
        "email": f"demo{n}@example.kz",
    }


def load_demo_data() -> None:
    unit = TerritorialUnit.objects.filter(code=DEMO_UNIT).first() or TerritorialUnit.objects.first()
    if unit is None or JobSeekerRegistration.objects.filter(unit=unit).exists():
        return
    actor = Actor.job("demo data")
    now = timezone.now()
    for n, (surname, given_name, iin, birth_date) in enumerate(PEOPLE):
        applicant = _applicant(surname, given_name, iin, birth_date, n)
        js = services.register_job_seeker(
            applicant=applicant,
            residency=rules.CITIZEN,
            unit=unit,
            channel=Channel.OFFICE,
            actor=actor,
            received_at=now,
        ).case
        steps = [
            ("enter_data", {}),
            (
                "prepare_notice",
                {"decision": REFUSE if n == 3 else REGISTER, "refusal_ground": "unreliable_data" if n == 3 else ""},
            ),
            ("sign_notice", {}),
            ("hand_over", {}),
        ][: n + 1]
        for name, kwargs in steps:
            js = services.advance(JobSeekerRegistration, js.pk, name, actor=actor, **kwargs)
        ue = services.register_unemployed(
            applicant=applicant,
            residency=rules.CITIZEN,
            unit=unit,
            notify_by=rules.SMS,
            channel=Channel.OFFICE,
            actor=actor,
            received_at=now,
        ).case
        for name in ("enter_data", "forward")[:n]:
            ue = services.advance(UnemployedRegistration, ue.pk, name, actor=actor)
