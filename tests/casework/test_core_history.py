import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from casework.actors import Actor
from casework.models import AppendOnlyError, TransitionLog
from casework.services import run_transition
from tests.caseapp.models import DemoCase


@pytest.fixture
def logged_case(make_case):
    case = make_case()
    run_transition(DemoCase, case.pk, "register", actor=Actor.job("test"), reason="documents complete")
    return case


def test_transition_writes_one_history_row_with_actor_reason_and_states(logged_case):
    row = TransitionLog.objects.get(case_number=logged_case.number)
    assert (row.from_state, row.to_state, row.transition) == ("received", "registered", "register")
    assert row.actor_label == "job:test" and row.reason == "documents complete"


def test_history_row_cannot_be_changed_or_deleted_through_the_orm(logged_case):
    row = TransitionLog.objects.get(case_number=logged_case.number)
    row.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        TransitionLog.objects.filter(pk=row.pk).update(reason="rewritten")
    with pytest.raises(AppendOnlyError):
        TransitionLog.objects.filter(pk=row.pk).delete()
    assert TransitionLog.objects.get(pk=row.pk).reason == "documents complete"


def test_history_admin_offers_no_change_or_delete(admin_client, logged_case):
    row = TransitionLog.objects.get(case_number=logged_case.number)
    response = admin_client.post(f"/admin/casework/transitionlog/{row.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    response = admin_client.post(f"/admin/casework/transitionlog/{row.pk}/change/", {"reason": "x"})
    assert response.status_code == 403
    assert TransitionLog.objects.get(pk=row.pk).reason == "documents complete"


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE casework_transitionlog SET reason = 'rewritten'",
        "DELETE FROM casework_transitionlog",
    ],
)
def test_history_cannot_be_changed_through_sql_on_postgresql(logged_case, sql):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert TransitionLog.objects.get(case_number=logged_case.number).reason == "documents complete"
