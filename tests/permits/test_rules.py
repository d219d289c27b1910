"""The rules of 004 as pure functions: each test names the clause it checks."""

import datetime as dt

import pytest

from casework.exceptions import RuleViolation
from permits import rules

D = dt.date
pytestmark = pytest.mark.django_db  # the calendar reads decree overrides
EXPIRY = D(2026, 7, 31)


def code_of(func, *args):
    with pytest.raises(RuleViolation) as exc:
        func(*args)
    return exc.value.code


# --- 004 §19: term ---------------------------------------------------------------------------------


@pytest.mark.parametrize("months", [1, 6, 12])
def test_term_of_1_to_12_months_is_allowed_004_s19(months):
    rules.check_term(months)


@pytest.mark.parametrize("months", [0, 13, 24])
def test_term_outside_1_to_12_months_is_refused_004_s19(months):
    assert code_of(rules.check_term, months) == rules.TERM_OUT_OF_RANGE


def test_extensions_may_reach_exactly_12_months_004_s19():
    rules.check_total_term(6, 6)
    rules.check_total_term(9, 3)


def test_extension_beyond_12_months_in_total_is_refused_004_s19():
    assert code_of(rules.check_total_term, 10, 3) == rules.TERM_EXCEEDS_12_MONTHS
    assert code_of(rules.check_total_term, 12, 1) == rules.TERM_EXCEEDS_12_MONTHS


# --- 004 §24–25: the extension window, 30…5 calendar days before expiry ---------------------------------


def test_extension_filed_30_days_before_expiry_is_in_the_window_004_s24():
    rules.check_extension_window(D(2026, 7, 1), EXPIRY)


def test_extension_filed_31_days_before_expiry_is_too_early_004_s24():
    assert code_of(rules.check_extension_window, D(2026, 6, 30), EXPIRY) == rules.EXTENSION_WINDOW_CLOSED


def test_extension_filed_5_days_before_expiry_is_in_the_window_004_s24():
    rules.check_extension_window(D(2026, 7, 26), EXPIRY)


def test_extension_filed_4_days_before_expiry_is_refused_004_s25():
    assert code_of(rules.check_extension_window, D(2026, 7, 27), EXPIRY) == rules.EXTENSION_WINDOW_CLOSED


def test_extension_window_is_not_moved_when_its_last_day_is_a_day_off_004_s24():
    # expiry 27.03.2026: 5 days before is Sun 22.03 (and Nauryz follows) — the window still ends on 22.03.
    first, last = rules.extension_window(D(2026, 3, 27))
    assert (first, last) == (D(2026, 2, 25), D(2026, 3, 22))


# --- 004 §26: a new permit after 12 months, ≥ 4 calendar days before expiry ------------------------------


def test_new_permit_after_12_months_filed_4_days_before_expiry_is_in_time_004_s26():
    rules.check_new_permit_window(D(2026, 7, 27), EXPIRY)


def test_new_permit_after_12_months_filed_3_days_before_expiry_is_refused_004_s26():
    assert code_of(rules.check_new_permit_window, D(2026, 7, 28), EXPIRY) == rules.NEW_PERMIT_WINDOW_CLOSED


# --- annex 2 row 8: documents' validity --------------------------------------------------------------------


def test_medical_certificate_exactly_12_months_old_is_accepted_004_annex2_row8():
    rules.check_medical_certificate(D(2025, 6, 15), D(2026, 6, 15))


def test_medical_certificate_older_than_12_months_is_refused_004_annex2_row8():
    assert code_of(rules.check_medical_certificate, D(2025, 6, 14), D(2026, 6, 15)) == rules.MEDICAL_CERTIFICATE_EXPIRED


def test_border_crossing_mark_older_than_12_months_is_refused_004_annex2_row8():
    rules.check_border_crossing(D(2025, 6, 15), D(2026, 6, 15))
    assert code_of(rules.check_border_crossing, D(2025, 6, 14), D(2026, 6, 15)) == rules.BORDER_CROSSING_TOO_OLD
    assert code_of(rules.check_border_crossing, None, D(2026, 6, 15)) == rules.BORDER_CROSSING_TOO_OLD


def test_insurance_must_cover_the_whole_term_004_annex2_row8():
    rules.check_insurance(D(2026, 12, 31), D(2026, 12, 31))
    assert code_of(rules.check_insurance, D(2026, 12, 30), D(2026, 12, 31)) == rules.INSURANCE_DOES_NOT_COVER_TERM


# --- 004 §23: the employer's real estate in the issuing unit -------------------------------------------


def test_employer_property_outside_the_issuing_unit_is_refused_004_s23():
    rules.check_property_in_unit("471010000", "471010000")
    assert code_of(rules.check_property_in_unit, "473630000", "471010000") == rules.PROPERTY_OUTSIDE_UNIT


# --- terms and their ends ----------------------------------------------------------------------------------


def test_permit_validity_runs_to_the_day_before_the_same_date_months_later_004_s19():
    assert rules.validity(D(2026, 1, 16), 3) == (D(2026, 1, 16), D(2026, 4, 15))
    assert rules.validity(D(2026, 1, 31), 1) == (D(2026, 1, 31), D(2026, 2, 27))


def test_permit_term_ending_on_a_day_off_is_not_moved_004_s19():
    # 01.02.2026 + 1 month → ends Sat 28.02.2026, a day off: a period of validity stays where it is.
    assert rules.validity(D(2026, 2, 1), 1)[1] == D(2026, 2, 28)


def test_reservation_of_10_calendar_days_ending_on_a_day_off_moves_to_the_next_working_day_004_s12():
    # signed 12.03.2026: day 10 is Sun 22.03, then Nauryz 23–25.03 → reserved until Thu 26.03.
    assert rules.reservation_ends_on(D(2026, 3, 12)).due == D(2026, 3, 26)
    assert rules.reservation_ends_on(D(2026, 3, 2)).due == D(2026, 3, 12)


def test_termination_notice_due_2_working_days_after_the_contracts_end_skips_days_off_004_s28():
    assert rules.termination_notice_due(D(2026, 3, 13)).due == D(2026, 3, 17)  # Fri → Tue
    assert rules.termination_notice_due(D(2026, 3, 19)).due == D(2026, 3, 26)  # Nauryz 21–25.03


def test_revocation_information_due_within_2_working_days_004_s39():
    assert rules.revocation_information_due(D(2026, 3, 20)).due == D(2026, 3, 27)


def test_stay_after_revocation_is_15_calendar_days_moved_off_a_day_off_004_s40():
    assert rules.leave_by(D(2026, 3, 2)) == D(2026, 3, 17)
    assert rules.leave_by(D(2026, 3, 7)) == D(2026, 3, 26)  # day 15 = Sun 22.03, then Nauryz


def test_employer_may_look_for_immigrants_only_after_15_days_from_the_vacancy_004_s10():
    published = D(2026, 3, 2)
    assert rules.earliest_search_day(published) == D(2026, 3, 18)
    rules.check_vacancy_search(published, D(2026, 3, 18))
    assert code_of(rules.check_vacancy_search, published, D(2026, 3, 17)) == rules.VACANCY_SEARCH_TOO_EARLY


def test_reminders_when_the_window_opens_and_2_days_before_it_closes_004_s24():
    assert rules.reminder_dates(EXPIRY) == {"window_opens": D(2026, 7, 1), "window_closes_soon": D(2026, 7, 24)}


# --- annex 2 rows 8–9 -----------------------------------------------------------------------------------


def test_extension_documents_need_no_medical_certificate_004_annex2_row8_2():
    assert ("medical_certificate_028",) not in rules.required_documents(rules.EXTEND, "state_corporation")
    assert ("medical_certificate_028",) in rules.required_documents(rules.ISSUE, "portal")
    assert ("labour_contract",) in rules.required_documents(rules.EXTEND, "portal")


def test_portal_issue_and_extension_need_both_signatures_001_s13():
    assert rules.needs_both_signatures(rules.EXTEND, "portal")
    assert rules.needs_both_signatures(rules.ISSUE, "portal")
    assert not rules.needs_both_signatures(rules.EXTEND, "state_corporation")


def test_refusal_grounds_are_g1_to_g9_004_annex2_row9():
    assert list(rules.REFUSAL_GROUNDS) == [f"G{n}" for n in range(1, 10)]
