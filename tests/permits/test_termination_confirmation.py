"""Termination notices (004 §28, annex 6) by channel: the portal's API (authenticated, EDS-backed) and a clerk at
the office end the permit at once; the public web form (nobody authenticated) only registers the notice for the
clerks' queue, where a clerk confirms it (the permit ends as from the notice) or rejects it with a reason."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from casework.actors import Actor
from casework.exceptions import NotAllowedInState, RuleViolation, ServiceError
from casework.models import Channel, DocumentRenderRequest, TransitionLog
from permits import rules, services
from permits.models import LabourImmigrantPermit, NoticeStatus, PermitStatus, Quota, TerminationNotice
from tests.factories import ClerkFactory, DistrictFactory

from .conftest import EMPLOYER_IIN

pytestmark = pytest.mark.django_db


@pytest.fixture
def permit(unit, quota, issued_permit):
    return issued_permit(6)


@pytest.fixture
def clerk_client(client, unit):
    client.force_login(ClerkFactory(unit=unit, roles=["registrar", "officer", "head"]))
    return client


def web_notice(permit, ended_on=None, received_at=None) -> TerminationNotice:
    """What permits.views does with a public form whose facts match the permit."""
    return services.submit_termination_notice(
        permit_number=permit.number,
        employer_iin=EMPLOYER_IIN,
        contract_ended_on=ended_on or timezone.localdate(),
        channel=Channel.WEB_FORM,
        actor=Actor.applicant(),
        received_at=received_at,
        declared={"employer_name": "Seitkali Aigerim", "immigrant_name": "KARIMOV Aziz"},
    )


def history(obj) -> list[tuple[str, str, str]]:
    rows = TransitionLog.objects.filter(case_type=ContentType.objects.get_for_model(obj), case_id=obj.pk)
    return [(r.transition, r.from_state, r.to_state) for r in rows.order_by("at", "id")]


def fresh(permit) -> LabourImmigrantPermit:
    return LabourImmigrantPermit.objects.get(pk=permit.pk)


def test_a_forged_public_notice_changes_nothing_until_confirmed_004_s28(permit):
    notice = web_notice(permit)
    assert notice.status == NoticeStatus.PENDING and notice.unit_id == permit.unit_id
    assert fresh(permit).status == PermitStatus.ACTIVE and fresh(permit).ended_on is None
    assert Quota.objects.get().issued == 1, "the quota unit is still the permit's"
    assert not DocumentRenderRequest.objects.filter(kind="notice", case_number=notice.number).exists()
    assert history(notice) == [("receive", "", NoticeStatus.PENDING)]
    assert history(fresh(permit))[-1] == ("termination_notice_received", "active", "active")
    assert notice_needs_confirmation_for_each_channel() == {
        Channel.WEB_FORM: True,
        Channel.PORTAL: False,
        Channel.STATE_CORPORATION: False,
        Channel.OFFICE: False,
    }


def notice_needs_confirmation_for_each_channel() -> dict:
    return {channel: services.notice_needs_confirmation(channel) for channel in Channel.values}


def test_the_portal_api_still_ends_the_permit_directly_004_s28(api, permit):
    response = api().post(
        "/api/v1/termination-notices/",
        {
            "permit_number": permit.number,
            "employer": {"iin": EMPLOYER_IIN},
            "contract_ended_on": str(timezone.localdate()),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert set(response.json()) == {"number", "permit_number", "contract_ended_on", "due_on", "is_late", "received_at"}
    notice = TerminationNotice.objects.get()
    assert notice.status == NoticeStatus.CONFIRMED and notice.channel == Channel.PORTAL
    assert history(notice) == [("receive", "", NoticeStatus.CONFIRMED)]
    assert fresh(permit).status == PermitStatus.TERMINATED and Quota.objects.get().issued == 0


def test_clerk_confirms_a_web_notice_in_the_admin_and_the_permit_ends_004_s28(clerk_client, permit):
    ended_on = timezone.localdate()
    notice = web_notice(permit, ended_on=ended_on)
    queue = clerk_client.get(
        reverse("admin:permits_terminationnotice_changelist") + "?status__exact=pending_confirmation"
    )
    assert queue.status_code == 200 and notice.number in queue.content.decode()
    page = clerk_client.get(reverse("admin:permits_terminationnotice_change", args=[notice.pk])).content.decode()
    assert 'id="notice-confirm"' in page and 'id="notice-reject"' in page and "KARIMOV Aziz" in page

    url = reverse("admin:permits_terminationnotice_confirm", args=[notice.pk])
    assert clerk_client.get(url).status_code == 200
    assert clerk_client.post(url).status_code == 302
    notice = TerminationNotice.objects.get(pk=notice.pk)
    assert notice.status == NoticeStatus.CONFIRMED and notice.decided_at and notice.decided_by
    permit = fresh(permit)
    assert permit.status == PermitStatus.TERMINATED and permit.ended_on == ended_on
    assert Quota.objects.get().issued == 0
    assert history(notice) == [("receive", "", NoticeStatus.PENDING), ("confirm", NoticeStatus.PENDING, "confirmed")]
    terminate = TransitionLog.objects.filter(case_id=permit.pk, transition="terminate").get()
    assert notice.number in terminate.reason and terminate.actor_id is not None
    assert DocumentRenderRequest.objects.filter(kind="notice", case_number=notice.number).exists()
    page = clerk_client.get(reverse("admin:permits_terminationnotice_change", args=[notice.pk])).content.decode()
    assert 'id="notice-confirm"' not in page


def test_lateness_is_counted_from_when_the_notice_was_sent_not_when_it_was_confirmed_004_s28(permit):
    LabourImmigrantPermit.objects.filter(pk=permit.pk).update(valid_from=dt.date(2025, 1, 6))
    sent = timezone.make_aware(dt.datetime(2025, 3, 4, 10))  # Tue, 1 WD after the contract ended: in time
    on_time = web_notice(fresh(permit), ended_on=dt.date(2025, 3, 3), received_at=sent)
    assert not on_time.is_late
    confirmed = services.confirm_termination_notice(on_time.pk, actor=Actor.job("test"))  # months later
    assert not confirmed.is_late and fresh(permit).ended_on == dt.date(2025, 3, 3)
    assert "late" not in TransitionLog.objects.get(case_id=permit.pk, transition="terminate").reason


def test_a_late_web_notice_stays_late_when_confirmed_004_s28(permit):
    LabourImmigrantPermit.objects.filter(pk=permit.pk).update(valid_from=dt.date(2025, 1, 6))
    late = web_notice(fresh(permit), ended_on=dt.date(2025, 3, 3))  # sent today
    assert late.is_late and late.due_on == rules.termination_notice_due(dt.date(2025, 3, 3)).due
    services.confirm_termination_notice(late.pk, actor=Actor.job("test"))
    assert TransitionLog.objects.get(case_id=permit.pk, transition="terminate").details["late"] is True


def test_clerk_rejects_a_web_notice_with_a_reason_and_the_permit_is_unchanged_004_s28(clerk_client, permit):
    notice = web_notice(permit)
    url = reverse("admin:permits_terminationnotice_reject", args=[notice.pk])
    empty = clerk_client.post(url, {"reason": ""})
    assert empty.status_code == 200 and TerminationNotice.objects.get(pk=notice.pk).is_pending
    assert clerk_client.post(url, {"reason": "The employer denies sending it (phoned 25.11)."}).status_code == 302
    notice = TerminationNotice.objects.get(pk=notice.pk)
    assert notice.status == NoticeStatus.REJECTED and "denies" in notice.rejection_reason
    assert fresh(permit).status == PermitStatus.ACTIVE and Quota.objects.get().issued == 1
    assert history(notice)[-1] == ("reject", NoticeStatus.PENDING, NoticeStatus.REJECTED)
    assert history(fresh(permit))[-1] == ("termination_notice_rejected", "active", "active")
    with pytest.raises(NotAllowedInState):
        services.confirm_termination_notice(notice.pk, actor=Actor.job("test"))
    assert fresh(permit).status == PermitStatus.ACTIVE


def test_rejection_needs_a_reason(permit):
    notice = web_notice(permit)
    with pytest.raises(RuleViolation) as refused:
        services.reject_termination_notice(notice.pk, reason="  ", actor=Actor.job("test"))
    assert refused.value.code == "reason_required"


def test_a_pending_notice_is_rejected_when_another_notice_ends_the_permit_004_s28(api, permit):
    pending = web_notice(permit)
    ending = services.submit_termination_notice(
        permit_number=permit.number,
        employer_iin=EMPLOYER_IIN,
        contract_ended_on=timezone.localdate(),
        channel=Channel.PORTAL,
        actor=Actor.job("portal"),
    )
    pending = TerminationNotice.objects.get(pk=pending.pk)
    assert pending.status == NoticeStatus.REJECTED and ending.number in pending.rejection_reason
    assert history(pending)[-1] == ("reject", NoticeStatus.PENDING, NoticeStatus.REJECTED)
    assert history(fresh(permit))[-1] == ("termination_notice_rejected", "terminated", "terminated")
    with pytest.raises(NotAllowedInState):
        services.confirm_termination_notice(pending.pk, actor=Actor.job("test"))


def test_confirming_one_of_several_web_notices_rejects_the_others_004_s28(permit):
    first, second, third = web_notice(permit), web_notice(permit), web_notice(permit)
    services.confirm_termination_notice(second.pk, actor=Actor.job("test"))
    statuses = dict(TerminationNotice.objects.values_list("pk", "status"))
    assert statuses == {
        first.pk: NoticeStatus.REJECTED,
        second.pk: NoticeStatus.CONFIRMED,
        third.pk: NoticeStatus.REJECTED,
    }
    for other in (first, third):
        assert second.number in TerminationNotice.objects.get(pk=other.pk).rejection_reason
    assert fresh(permit).status == PermitStatus.TERMINATED and Quota.objects.get().issued == 0


def test_a_notice_for_a_permit_ended_otherwise_cannot_be_confirmed_only_rejected(permit):
    pending = web_notice(permit)
    LabourImmigrantPermit.objects.filter(pk=permit.pk).update(status=PermitStatus.REVOKED)  # ended meanwhile
    with pytest.raises(ServiceError) as refused:
        services.confirm_termination_notice(pending.pk, actor=Actor.job("test"))
    assert refused.value.code == rules.PERMIT_NOT_ACTIVE
    services.reject_termination_notice(pending.pk, reason="Already revoked.", actor=Actor.job("t"))
    assert TerminationNotice.objects.get(pk=pending.pk).status == NoticeStatus.REJECTED


def test_a_clerk_without_the_permission_cannot_confirm(client, unit, permit):
    client.force_login(ClerkFactory(unit=unit, roles=["registrar"]))
    notice = web_notice(permit)
    assert client.post(reverse("admin:permits_terminationnotice_confirm", args=[notice.pk])).status_code in (403, 404)
    assert TerminationNotice.objects.get(pk=notice.pk).is_pending


def test_a_clerk_of_another_unit_does_not_see_the_notice(client, permit):
    client.force_login(ClerkFactory(unit=DistrictFactory(), roles=["registrar", "officer", "head"]))
    notice = web_notice(permit)
    assert client.post(reverse("admin:permits_terminationnotice_confirm", args=[notice.pk])).status_code == 404
    assert TerminationNotice.objects.get(pk=notice.pk).is_pending


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clerks_confirming_at_once_end_the_permit_once(unit, quota, issued_permit):
    permit = issued_permit(6)
    notice = web_notice(permit)
    barrier = threading.Barrier(2)

    def confirm(_):
        try:
            barrier.wait()
            services.confirm_termination_notice(notice.pk, actor=Actor.job("clerk"))
            return "ok"
        except ServiceError as exc:
            return exc.code
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(confirm, range(2)))
    assert outcomes[1] == "ok" and outcomes[0] != "ok"
    assert TransitionLog.objects.filter(case_id=permit.pk, transition="terminate").count() == 1
    assert Quota.objects.get().issued == 0
