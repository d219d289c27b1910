"""The six flows of seed 000 §5/§8 end to end, each with its step deadlines (DOMAIN.md §5 table), one of them
across Nauryz 2026 (21–25.03 are days off: 21–23 Nauryz, the weekend's two moved to 24 and 25)."""

import datetime as dt

import pytest

from casework.models import TransitionLog
from casework.models.issued import DocumentKind, IssuedDocument
from permits.foreign_labour import rules
from permits.foreign_labour import services as flp
from permits.foreign_labour.models import FLPermitStatus, FLPStatus, ForeignLabourPermit, ServiceJournalEntry
from permits.models import Quota

from .test_foreign_support import *  # noqa: F403  fixtures: region, members, job
from .test_foreign_support import application_input, at, commission, get_app, issue_through, issued_permit, pay_fee

pytestmark = pytest.mark.django_db

D = dt.date


def history(app) -> list[str]:
    return list(
        TransitionLog.objects.filter(case_number=app.number).order_by("at", "id").values_list("transition", flat=True)
    )


def test_ordinary_issue_across_nauryz_20min_3_4_1_wd_then_fee_10_issue_11_000_s5_s8(
    region, members, job, django_capture_on_commit_callbacks
):
    documents_rendered = django_capture_on_commit_callbacks  # the PDFs are rendered after each commit
    # Thursday 19.03.2026 10:00, receipt given at 10:12 (within the 20 minutes of 000 §5(1)).
    with documents_rendered(execute=True):
        app, _code = flp.submit_foreign_labour_application(
            application_input(region, received=at(2026, 3, 19, 10, 0), registered_at=at(2026, 3, 19, 10, 12)),
            actor=job,
        )
    assert app.number.startswith("FLP-2026-")
    assert (app.status, app.step_name, app.registered_on) == (FLPStatus.UNDER_CHECK, "check", D(2026, 3, 19))
    assert app.registration_minutes == 12 and app.registered_in_time
    # check 3 WD: 20.03, (21–25.03 Nauryz and moved days off), 26.03, 27.03
    assert app.step_deadline == D(2026, 3, 27)
    assert "Nauryz" in app.deadline_explanation or "Наурыз" in app.deadline_explanation
    # expected result: 3 + 4 + 1 + 11 = 19 WD after registration
    assert app.due_date == D(2026, 4, 20)

    app = flp.complete_check(app.pk, actor=job, at=at(2026, 3, 26, 11))
    assert (app.status, app.step_name, app.step_deadline) == (FLPStatus.REFERRED, "commission", D(2026, 4, 1))
    commission(app, members, reasons="specialists not available locally", when=at(2026, 3, 31, 15))
    app = get_app(app.pk)
    assert (app.status, app.step_name, app.step_deadline) == (FLPStatus.APPROVED, "letter", D(2026, 4, 1))

    with documents_rendered(execute=True):
        app = flp.send_letter(app.pk, actor=job, on=D(2026, 4, 1))
    assert app.status == FLPStatus.AWAITING_FEE
    assert app.fee_due_on == D(2026, 4, 15)  # 10 WD after the letter
    assert (app.step_name, app.step_deadline) == ("fee_and_issue", D(2026, 4, 16))  # 11 WD after the letter

    pay_fee(app, at(2026, 4, 10, 9, 30))
    app = get_app(app.pk)
    assert app.status == FLPStatus.AWAITING_SIGNATURE
    assert app.signature_due_at == at(2026, 4, 10, 9, 50)  # confirmed 9:35 + 15 minutes
    with documents_rendered(execute=True):
        app = flp.sign_permit(app.pk, actor=job, at=at(2026, 4, 10, 9, 45))
    assert app.status == FLPStatus.SIGNED and app.signed_in_time
    assert app.step_deadline == D(2026, 4, 16)  # the issue term still runs from the letter
    app = flp.issue_permit(
        app.pk, collected_by="Aliyev Marat", collector_document="ID 123", actor=job, at=at(2026, 4, 13, 11)
    )
    assert app.status == FLPStatus.ISSUED and app.step_deadline is None
    permit = ForeignLabourPermit.objects.get(pk=app.result_permit_id)
    assert (permit.status, permit.workers_total, permit.valid_from, permit.valid_to) == (
        FLPermitStatus.ACTIVE,
        4,
        D(2026, 4, 10),
        D(2027, 4, 9),
    )
    assert permit.number.startswith("FLPM-2026-")
    entry = ServiceJournalEntry.objects.get(permit=permit)
    assert (entry.collected_by, entry.document_number) == (
        "Aliyev Marat",
        IssuedDocument.objects.filter(kind=DocumentKind.PERMIT).first().number,
    )
    assert history(app) == [
        "register",
        "refer_to_commission",
        "commission_approves",
        "send_letter",
        "fee_proof_submitted",
        "fee_paid",
        "sign",
        "issue",
    ]
    kinds = set(IssuedDocument.objects.filter(case_number=app.number).values_list("kind", flat=True))
    assert {DocumentKind.RECEIPT, DocumentKind.NOTICE} <= kinds


def test_ordinary_reissue_5_wd_then_sign_and_issue_within_1_wd_keeps_the_term_000_s5(
    region, members, job, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        permit = issued_permit(region, members)
    app, _code = flp.submit_foreign_labour_application(
        application_input(
            region,
            kind=rules.REISSUE,
            permit_number=permit.number,
            received=at(2026, 3, 2, 9, 30),
            reissue_reason="change of the employer's name",
            changes={"employer_name": "TOO Caspian Drilling Services"},
        ),
        actor=job,
    )
    # 5 WD: 3, 4, 5, 6, (9.03 off: 8 March on a Sunday), 10.03
    assert (app.step_name, app.step_deadline, app.due_date) == ("check", D(2026, 3, 10), D(2026, 3, 11))
    app = flp.complete_check(app.pk, actor=job, at=at(2026, 3, 5, 10))
    assert (app.status, app.step_name, app.step_deadline) == (FLPStatus.AWAITING_SIGNATURE, "signature", D(2026, 3, 5))
    with django_capture_on_commit_callbacks(execute=True):
        app = flp.sign_permit(app.pk, actor=job, at=at(2026, 3, 5, 10, 10))
    assert (app.step_name, app.step_deadline) == ("issue", D(2026, 3, 6))
    app = flp.issue_permit(app.pk, collected_by="Aliyev Marat", actor=job, at=at(2026, 3, 6, 9))
    after = ForeignLabourPermit.objects.get(pk=permit.pk)
    assert app.result_permit_id == permit.pk
    assert (after.valid_from, after.valid_to) == (permit.valid_from, permit.valid_to)  # the term is kept
    assert (after.employer_name, after.reissues, after.last_change) == ("TOO Caspian Drilling Services", 1, "reissue")
    docs = IssuedDocument.objects.filter(kind=DocumentKind.PERMIT, case_number=permit.number, language="ru")
    assert sorted(docs.values_list("status", flat=True)) == ["superseded", "valid"]  # replaced, same permit number


def test_ordinary_extension_3_wd_letter_1_wd_fee_10_issue_11_lengthens_the_term_000_s5(region, members, job):
    permit = issued_permit(region, members)
    app, _code = flp.submit_foreign_labour_application(
        application_input(
            region, kind=rules.EXTEND, permit_number=permit.number, term_months=6, received=at(2026, 3, 2)
        ),
        actor=job,
    )
    assert (app.step_deadline, app.due_date) == (D(2026, 3, 5), D(2026, 3, 27))  # 3 + 1 + 11 WD, over Nauryz
    app = flp.complete_check(app.pk, actor=job, at=at(2026, 3, 4))
    assert (app.status, app.step_name, app.step_deadline) == (FLPStatus.APPROVED, "letter", D(2026, 3, 5))
    app = flp.send_letter(app.pk, actor=job, on=D(2026, 3, 5))
    assert app.fee_due_on == D(2026, 3, 20)  # 6, 10, 11, 12, 13, 16, 17, 18, 19, 20 (9.03 off)
    assert app.step_deadline == D(2026, 3, 26)  # the 11th WD: over Nauryz
    pay_fee(app, at(2026, 3, 20, 17))  # the last day
    app = issue_through(app, at(2026, 3, 26, 10))
    after = ForeignLabourPermit.objects.get(pk=permit.pk)
    assert (
        after.valid_to == D(2027, 8, 6) and after.term_months == 18 and after.extensions == 1
    )  # 07.02.2026 + 18 months
    assert after.valid_from == permit.valid_from


def test_intra_corporate_issue_3_and_4_wd_then_sign_and_issue_within_1_wd_no_fee_000_s5(region, members, job):
    app, _code = flp.submit_foreign_labour_application(
        application_input(region, intra=True, received=at(2026, 3, 2)), actor=job
    )
    assert (app.step_deadline, app.due_date) == (D(2026, 3, 5), D(2026, 3, 13))  # 3 + 4 + 1 WD (9.03 off)
    app = flp.complete_check(app.pk, actor=job, at=at(2026, 3, 5, 16))
    assert app.step_deadline == D(2026, 3, 12)  # 6, 10, 11, 12
    commission(app, members, when=at(2026, 3, 11, 15))
    app = get_app(app.pk)
    assert (app.status, app.step_name, app.fee_due_on) == (FLPStatus.AWAITING_SIGNATURE, "signature", None)
    app = flp.sign_permit(app.pk, actor=job, at=at(2026, 3, 11, 15, 30))  # 30 minutes: late, recorded
    assert app.signed_in_time is False
    assert (app.step_name, app.step_deadline) == ("issue", D(2026, 3, 12))
    app = flp.issue_permit(app.pk, collected_by="Aliyev Marat", actor=job, at=at(2026, 3, 12, 10))
    permit = ForeignLabourPermit.objects.get(pk=app.result_permit_id)
    assert permit.intra_corporate and permit.workers[0]["transferee"] == "Smith John"
    assert not app.fee_payments.exists()


def test_intra_corporate_reissue_5_wd_then_1_wd_000_s5(region, members, job):
    permit = issued_permit(region, members, intra=True)
    app, _code = flp.submit_foreign_labour_application(
        application_input(
            region,
            kind=rules.REISSUE,
            intra=True,
            permit_number=permit.number,
            received=at(2026, 3, 2),
            transferees=[
                {
                    "person": {
                        **__import__("tests.permits.test_foreign_support", fromlist=["x"]).transferee("P0000009")
                    },
                    "profession": "site manager",
                    "qualification_category": "2",
                    "territory": "",
                }
            ],
        ),
        actor=job,
    )
    assert (app.step_deadline, app.due_date) == (D(2026, 3, 10), D(2026, 3, 11))
    flp.complete_check(app.pk, actor=job, at=at(2026, 3, 10))
    app = issue_through(app, at(2026, 3, 10, 11))
    after = ForeignLabourPermit.objects.get(pk=permit.pk)
    assert after.workers[0]["passport_number"] == "P0000009" and after.valid_to == permit.valid_to


def test_intra_corporate_extension_5_wd_then_1_wd_000_s5(region, members, job):
    permit = issued_permit(region, members, intra=True)
    app, _code = flp.submit_foreign_labour_application(
        application_input(
            region,
            kind=rules.EXTEND,
            intra=True,
            permit_number=permit.number,
            term_months=12,
            received=at(2026, 3, 18, 19, 0),
        ),  # after hours: registered on the next working day
        actor=job,
    )
    assert app.registered_on == D(2026, 3, 19)
    assert app.step_deadline == D(2026, 3, 31)  # 20, (21–25 off), 26, 27, 30, 31
    app = flp.complete_check(app.pk, actor=job, at=at(2026, 3, 27))
    assert app.status == FLPStatus.AWAITING_SIGNATURE
    app = issue_through(app, at(2026, 3, 27, 11))
    after = ForeignLabourPermit.objects.get(pk=permit.pk)
    assert after.valid_to == rules.extended_validity(permit.valid_to, 12)


def test_ordinary_issue_takes_its_workers_places_in_an_allocated_quota_and_expiry_frees_them(region, members, job):
    quota = Quota.objects.create(
        purpose=Quota.Purpose.FOREIGN_LABOUR,
        unit=region,
        period_start=D(2026, 1, 1),
        period_end=D(2026, 12, 31),
        total=5,
    )
    permit = issued_permit(region, members)
    assert Quota.objects.get(pk=quota.pk).issued == 4 and permit.quota_units == 4
    with pytest.raises(Exception) as exc:
        flp.submit_foreign_labour_application(application_input(region, received=at(2026, 3, 2)), actor=job)
    assert exc.value.code == rules.QUOTA_EXHAUSTED
    assert flp.expire_permits(today=D(2027, 3, 1)) == 1
    assert flp.expire_permits(today=D(2027, 3, 1)) == 0
    assert Quota.objects.get(pk=quota.pk).issued == 0
    assert ForeignLabourPermit.objects.get(pk=permit.pk).status == FLPermitStatus.EXPIRED
