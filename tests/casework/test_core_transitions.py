import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from casework.actors import Actor
from casework.exceptions import NotAllowedInState, NotPermitted, StaleVersion, TransitionConflict
from casework.models import TransitionLog
from casework.roles import OFFICER, REGISTRAR
from casework.services import available_transitions, run_transition
from tests.caseapp.models import DemoCase
from tests.factories import ClerkFactory, DistrictFactory


@pytest.fixture
def registrar(db):
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.get(name=REGISTRAR)
    group.permissions.add(Permission.objects.get(codename="register_democase"))
    return ClerkFactory


def test_clerk_without_the_transition_permission_is_refused(make_case):
    unit = DistrictFactory()
    case = make_case(unit=unit)
    clerk = ClerkFactory(unit=unit, roles=[OFFICER])
    with pytest.raises(NotPermitted):
        run_transition(DemoCase, case.pk, "register", actor=Actor.clerk(clerk))
    assert DemoCase.objects.get(pk=case.pk).status == "received" and not TransitionLog.objects.exists()


def test_clerk_of_another_district_is_refused_even_with_the_permission(make_case, registrar):
    case = make_case(unit=DistrictFactory())
    clerk = registrar(unit=DistrictFactory(), roles=[REGISTRAR])
    with pytest.raises(NotPermitted):
        run_transition(DemoCase, case.pk, "register", actor=Actor.clerk(clerk))


def test_clerk_of_the_region_acts_on_its_districts(make_case, registrar):
    district = DistrictFactory()
    case = make_case(unit=district)
    clerk = registrar(unit=district.parent, roles=[REGISTRAR])
    assert available_transitions(case, Actor.clerk(clerk)) == ["register"]
    run_transition(DemoCase, case.pk, "register", actor=Actor.clerk(clerk))
    assert DemoCase.objects.get(pk=case.pk).status == "registered"


def test_failed_condition_explains_itself(make_case):
    case = make_case(applicant=False)
    with pytest.raises(NotAllowedInState, match="applicant must be recorded") as err:
        run_transition(DemoCase, case.pk, "register", actor=Actor.job("t"))
    assert err.value.code == "condition_not_met"


def test_transition_from_the_wrong_state_is_not_allowed_in_state(make_case):
    case = make_case()
    with pytest.raises(NotAllowedInState) as err:
        run_transition(DemoCase, case.pk, "decide", actor=Actor.job("t"))
    assert err.value.code == "not_allowed_in_state"


def test_stale_version_is_refused_and_fresh_version_accepted(make_case):
    case = make_case()
    with pytest.raises(StaleVersion):
        run_transition(DemoCase, case.pk, "register", actor=Actor.job("t"), expected_version=case.version + 1)
    done = run_transition(DemoCase, case.pk, "register", actor=Actor.job("t"), expected_version=case.version)
    assert done.version == case.version + 1


def test_state_changed_since_the_caller_looked_is_a_conflict(make_case):
    case = make_case()
    run_transition(DemoCase, case.pk, "register", actor=Actor.job("t"))
    with pytest.raises(TransitionConflict):
        run_transition(DemoCase, case.pk, "refuse", actor=Actor.job("t"), expected_state="received")


def test_transition_after_the_step_deadline_is_allowed_but_recorded_as_breached(make_case):
    case = make_case(step_deadline=dt.date(2020, 1, 6))
    run_transition(DemoCase, case.pk, "register", actor=Actor.job("t"))
    row = TransitionLog.objects.get(case_number=case.number)
    assert row.deadline_breached and row.deadline == dt.date(2020, 1, 6)


def test_side_effects_run_only_after_commit(make_case, django_capture_on_commit_callbacks):
    case = make_case()
    seen = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run_transition(
            DemoCase, case.pk, "register", actor=Actor.job("t"), after_commit=[lambda c: seen.append(c.status)]
        )
    assert seen == ["registered"] and callbacks


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transitions_on_one_case_one_wins_one_conflicts(make_case):
    case = make_case()
    barrier = threading.Barrier(2)

    def attempt(name):
        try:
            barrier.wait()
            run_transition(DemoCase, case.pk, name, actor=Actor.job(name), expected_state="received")
            return "won"
        except (TransitionConflict, NotAllowedInState) as exc:
            return exc.code
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        results = sorted(pool.map(attempt, ["register", "refuse"]))
    assert results.count("won") == 1 and len(results) == 2
    assert results[0] in {"conflict", "not_allowed_in_state"} and results[0] != "won"
    assert TransitionLog.objects.filter(case_number=case.number).count() == 1
    assert DemoCase.objects.get(pk=case.pk).version == 2
