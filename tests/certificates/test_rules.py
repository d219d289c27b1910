"""The act's numbers and the scoring ruling (003 §10, §15, §16, annex 2 rows 3, 8, 9)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certificates import rules

EDUCATION = st.sets(st.sampled_from(rules.EDUCATION_KINDS))
YEARS = st.integers(min_value=0, max_value=60)


def test_terms_per_sub_service_are_5_3_3_3_working_days_annex2_row3():
    assert rules.CURRENT.service_term_working_days == {"issue": 5, "extend": 3, "reissue": 3, "duplicate": 3}


def test_step_terms_referral_2_commission_3_decision_5_and_windows_5_003_s7_s9_s11_s17_s22():
    r = rules.CURRENT
    assert (r.referral_working_days, r.commission_working_days, r.decision_working_days) == (2, 3, 5)
    assert r.extension_window_working_days == r.reissue_window_working_days == r.duplicate_window_working_days == 5
    assert r.employer_change_notice_working_days == r.termination_notice_working_days == 5
    assert (r.validity_months, r.extension_max_years, r.pass_mark) == (3, 3, 6)


@pytest.mark.django_db  # the versions are rows (casework.regulations)
def test_each_application_records_the_regulation_version():
    assert rules.REGULATION_VERSION == "003/2025-12-30"
    assert rules.regulation_on(dt.date(2026, 3, 19)).version == "003/2025-12-30"
    assert rules.regulation("003/2025-12-30") == rules.CURRENT
    with pytest.raises(LookupError):
        rules.regulation("003/1999")


@pytest.mark.parametrize(
    ("education", "years", "points"),
    [
        ([], 0, 0),
        (["higher"], 0, 3),
        (["degree"], 0, 4),
        (["english_certificate"], 0, 3),
        (["higher", "degree", "english_certificate"], 0, 10),
        ([], 1, 2),
        ([], 3, 2),
        ([], 4, 4),
        ([], 10, 4),
        ([], 11, 6),
        (["higher"], 3, 5),
        (["higher"], 4, 7),
        (["degree"], 1, 6),
    ],
)
def test_score_sums_education_items_and_one_experience_band_003_s10(education, years, points):
    assert rules.score(education, years).points == points


def test_5_points_fail_and_6_points_pass_annex2_row9_p2():
    assert not rules.score(["higher"], 3).passes  # 3 + 2 = 5
    assert rules.score(["degree"], 3).passes  # 4 + 2 = 6
    assert rules.score([], 11).passes  # 6 on experience alone


def test_experience_bands_turn_at_1_4_and_11_whole_years_003_s10_ruling():
    assert [rules.experience_points(y) for y in (0, 1, 3, 4, 10, 11)] == [0, 2, 2, 4, 4, 6]


def test_score_breakdown_lists_every_criterion():
    score = rules.score(["degree"], 5)
    assert dict(score.breakdown) == {"higher": 0, "degree": 4, "english_certificate": 0, "experience": 4}
    assert score.as_dict()["passes"] is True


def test_unknown_education_kind_and_negative_years_are_refused():
    with pytest.raises(ValueError):
        rules.score(["phd"], 1)
    with pytest.raises(ValueError):
        rules.score([], -1)


@given(EDUCATION, YEARS)
def test_score_is_the_sum_of_its_breakdown_and_passes_at_six(education, years):
    score = rules.score(education, years)
    assert score.points == sum(p for _c, p in score.breakdown)
    assert score.passes == (score.points >= 6)
    assert 0 <= score.points <= 16


@given(EDUCATION, YEARS, YEARS)
def test_more_experience_never_lowers_the_score(education, a, b):
    low, high = sorted((a, b))
    assert rules.score(education, low).points <= rules.score(education, high).points


@given(EDUCATION, EDUCATION, YEARS)
def test_more_education_never_lowers_the_score(a, b, years):
    assert rules.score(a, years).points <= rules.score(a | b, years).points


@given(st.lists(st.sampled_from(rules.EDUCATION_KINDS), max_size=6), YEARS)
def test_an_education_item_counts_once_however_often_declared(items, years):
    assert rules.score(items, years) == rules.score(set(items), years)


def test_certificate_is_valid_three_months_at_most_003_s15():
    assert rules.initial_validity(dt.date(2026, 1, 16)) == (dt.date(2026, 1, 16), dt.date(2026, 4, 15))
    assert rules.initial_validity(dt.date(2025, 11, 30)) == (dt.date(2025, 11, 30), dt.date(2026, 2, 27))


@given(st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2099, 1, 1)))
def test_validity_never_exceeds_three_months_003_s15(day):
    start, end = rules.initial_validity(day)
    assert start == day < end < rules.add_months(day, 3)


def test_extension_runs_to_the_contract_end_but_at_most_3_years_003_s16():
    assert rules.extension_end(dt.date(2026, 3, 19), dt.date(2027, 1, 31)) == dt.date(2027, 1, 31)
    assert rules.extension_end(dt.date(2026, 3, 19), dt.date(2030, 12, 31)) == dt.date(2029, 3, 18)


def test_documents_required_per_sub_service_annex2_row8():
    assert rules.required_documents("issue", education=["higher"]) == [
        ("identity_document",),
        ("education_document",),
        ("work_experience",),
    ]
    assert rules.required_documents("issue", education=["english_certificate"])[1] == ("english_certificate",)
    assert rules.required_documents("extend") == [("labour_contract",)]
    assert rules.required_documents("reissue", reissue_reason="identity_change") == [("changed_identity_document",)]
    assert rules.required_documents("reissue", reissue_reason="employer_change") == [("labour_contract",)]
    assert rules.required_documents("duplicate") == [("identity_document",), ("work_experience",)]
    assert rules.missing_documents(rules.required_documents("duplicate"), ["identity_document"]) == ["work_experience"]


def test_only_the_issue_goes_to_the_commission_and_only_it_refuses_on_the_score():
    assert rules.needs_commission("issue") and not any(
        rules.needs_commission(k) for k in ("extend", "reissue", "duplicate")
    )
    assert rules.SCORE_BELOW_PASS_MARK in rules.refusal_grounds_for("issue")
    assert rules.SCORE_BELOW_PASS_MARK not in rules.refusal_grounds_for("extend")
