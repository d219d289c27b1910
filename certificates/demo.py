"""Demo data for `make run`: Commission members and a few applications in different states, filed and
moved through the same services a clerk uses. Idempotent: nothing is added when the demo exists."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from casework.actors import Actor
from casework.models import Channel, TerritorialUnit

from . import rules, services
from .catalogue import load_catalogue
from .models import CertificateApplication, CommissionMember

DEMO_UNIT = "470000000"
DEMO_MARK = "DEMO"  # passport numbers of demo applicants start with it

# A minimal valid PDF: the uploads are checked by content.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n160\n%%EOF\n"
)

MEMBERS = [
    ("Сәрсенбаев Ерлан Қайратұлы", "заместитель акима области", "акимат Мангистауской области", True),
    ("Жұмабаева Айгүл Сериковна", "руководитель отдела", "управление образования", False),
    ("Ким Виктор Александрович", "начальник отдела", "департамент полиции (миграционная служба)", False),
    ("Оспанов Нұрлан Бекұлы", "эксперт", "региональная палата предпринимателей «Атамекен»", False),
]

APPLICANTS = [
    ("Rahimov", "Aziz", "UZB", "1.1.1.4", [rules.HIGHER], 5),
    ("Sharma", "Priya", "IND", "2.1.3", [rules.HIGHER, rules.DEGREE], 12),
    ("Nguyen", "Linh", "VNM", "3.1.2", [rules.HIGHER], 2),
    ("Smith", "John", "GBR", "1.1.1.6", [rules.ENGLISH_CERTIFICATE], 0),
    ("Aliyev", "Tural", "AZE", "6.4.6", [rules.HIGHER], 4),
]


def _documents(education: list[str]) -> list[services.DocumentUpload]:
    docs = [
        services.DocumentUpload("identity_document", "passport.pdf", DEMO_PDF),
        services.DocumentUpload("work_experience", "experience.pdf", DEMO_PDF),
    ]
    if set(education) - {rules.ENGLISH_CERTIFICATE}:
        docs.append(services.DocumentUpload("education_document", "diploma.pdf", DEMO_PDF))
    if rules.ENGLISH_CERTIFICATE in education:
        docs.append(services.DocumentUpload("english_certificate", "celta.pdf", DEMO_PDF))
    return docs


def load_demo() -> None:
    load_catalogue()
    unit = TerritorialUnit.objects.filter(code=DEMO_UNIT).first() or TerritorialUnit.objects.order_by("path").first()
    if unit is None or CertificateApplication.objects.filter(applicant__passport_number__startswith=DEMO_MARK).exists():
        return
    actor = Actor(system="demo data")
    with transaction.atomic():
        members = [
            CommissionMember.objects.get_or_create(
                unit=unit, full_name=name, defaults={"position": position, "represents": body, "is_chair": chair}
            )[0]
            for name, position, body, chair in MEMBERS
        ]
        filed = []
        for index, (surname, given, country, code, education, years) in enumerate(APPLICANTS):
            application, _code = services.submit_application(
                kind=rules.ISSUE,
                applicant={
                    "surname": surname,
                    "given_name": given,
                    "birth_date": dt.date(1988, 3, 1 + index),
                    "citizenship": country,
                    "passport_number": f"{DEMO_MARK}{index:05d}",
                    "passport_issued_on": dt.date(2021, 5, 10),
                    "passport_issuer": "MFA",
                    "address": "Aktau, 14 mkr",
                    "phone": "+7 701 000 00 0" + str(index),
                    "email": f"{given.lower()}@example.org",
                },
                profession=code,
                education=[{"kind": kind, "specialty": "", "document_number": f"D-{index}"} for kind in education],
                experience_years=years,
                documents=_documents(education) if index != 4 else _documents(education)[:1],
                channel=Channel.PORTAL,
                received_at=timezone.now(),
                unit=unit,
                actor=actor,
            )
            filed.append(application)
        # 0 stays received; 4 lacks documents (to refuse to accept); 1 registered; 2 referred; 3 issued.
        services.register_application(filed[1], actor=actor)
        services.register_application(filed[2], actor=actor)
        services.refer_to_commission(filed[2], actor=actor)
        services.register_application(filed[3], actor=actor)
        services.refer_to_commission(filed[3], actor=actor)
        services.record_protocol(
            filed[3],
            actor=actor,
            members_present=members,
            confirmed_education=[rules.ENGLISH_CERTIFICATE],
            confirmed_experience_years=4,
            recommendation="issue",
            correction_reason="Commission confirmed 4 years of teaching from the employer's letters.",
        )
        services.issue_certificate(filed[3], actor=actor)
