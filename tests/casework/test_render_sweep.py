"""Renders lost while the broker was down are not lost (casework.pdf: DocumentRenderRequest + the render sweep).

``schedule_documents`` writes a request row in the service's transaction; the queued task closes it; the
periodic sweep (``render_due``, scheduled as ``casework.tasks.render_pending_documents``) renders what is
still pending after the grace period and retries failures with backoff (DOMAIN.md §8 official documents).
"""

import datetime as dt
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from casework import pdf
from casework.models import DocumentRenderRequest, IssuedDocument
from casework.pdf import DocumentSpec, document_builder, render_due, schedule_documents
from casework.schedules import PERIODIC_TASKS
from casework.tasks import render_pending_documents

Status = DocumentRenderRequest.Status


@document_builder("caseapp.democase", "decision")
def demo_decision(case, language) -> DocumentSpec:
    return DocumentSpec(
        template="documents/generic.html",
        context={"heading": f"Decision {case.number}", "paragraphs": ["Шешім.", "Решение."]},
        holder_name=str(case.applicant or ""),
    )


@pytest.fixture(autouse=True)
def broker_assumed_up():
    pdf._broker_down_until = 0.0
    yield
    pdf._broker_down_until = 0.0


@pytest.fixture
def broker_down(monkeypatch):
    """A real broker configured (not eager) but unreachable: enqueueing raises kombu's OperationalError."""
    app = pdf.render_document.app
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    for task in (pdf.render_document, pdf.render_documents):
        monkeypatch.setattr(task, "apply_async", refuse)
        monkeypatch.setattr(task, "delay", refuse)
    yield calls
    app.conf.task_always_eager = saved


@pytest.fixture
def renders(monkeypatch):
    """Counts the PDFs actually rendered (thread-safe)."""
    real = pdf.render_pdf
    lock = threading.Lock()
    calls = []

    def counting(*args, **kwargs):
        with lock:
            calls.append(args[2] if len(args) > 2 else kwargs.get("language"))
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "render_pdf", counting)
    return calls


def make_due():
    """As if the grace period (a few minutes) had passed."""
    DocumentRenderRequest.objects.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))


def test_queued_task_renders_and_closes_the_requests(make_case, django_capture_on_commit_callbacks, renders):
    case = make_case()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            schedule_documents(case, "decision")
            assert DocumentRenderRequest.objects.filter(status=Status.PENDING).count() == 2
    requests = DocumentRenderRequest.objects.order_by("language")
    assert [r.status for r in requests] == [Status.DONE, Status.DONE]
    assert requests[0].document_number == IssuedDocument.objects.get(language="kk").number
    make_due()
    assert render_due()["rendered"] == 0
    assert sorted(renders) == ["kk", "ru"]


def test_broker_down_the_document_stays_pending_and_the_sweep_renders_it_once(
    make_case, django_capture_on_commit_callbacks, broker_down, renders
):
    case = make_case()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            schedule_documents(case, "decision")
    assert broker_down, "the render was asked for"
    assert not IssuedDocument.objects.exists()
    assert set(DocumentRenderRequest.objects.values_list("status", flat=True)) == {Status.PENDING}
    assert render_due() == {"rendered": 0, "failed": 0, "dead": 0}, "a queued task gets a few minutes first"

    make_due()
    assert render_due()["rendered"] == 2
    assert sorted(renders) == ["kk", "ru"]
    copies = IssuedDocument.objects.filter(case_id=case.pk)
    assert copies.count() == 2 and copies.values("number").distinct().count() == 1
    assert set(DocumentRenderRequest.objects.values_list("status", flat=True)) == {Status.DONE}

    make_due()
    assert render_due()["rendered"] == 0
    assert len(renders) == 2, "rendered once"


def test_broker_down_is_not_asked_again_for_every_document(make_case, django_capture_on_commit_callbacks, broker_down):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            schedule_documents(make_case(), "decision")
            schedule_documents(make_case(), "decision")
    assert len(broker_down) == 1, "one connection failure, then the broker is left alone for a while"
    assert DocumentRenderRequest.objects.filter(status=Status.PENDING).count() == 4


def test_scheduling_twice_keeps_one_open_request_per_language(make_case, broker_down):
    case = make_case()
    with transaction.atomic():
        schedule_documents(case, "decision")
        schedule_documents(case, "decision")
    assert DocumentRenderRequest.objects.count() == 2


def test_nothing_is_requested_for_a_rolled_back_change(make_case):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            schedule_documents(make_case(), "decision")
            raise RuntimeError("the change failed")
    assert not DocumentRenderRequest.objects.exists()


def test_a_failed_render_is_retried_with_backoff_then_succeeds(make_case, broker_down, monkeypatch):
    case = make_case()
    with transaction.atomic():
        schedule_documents(case, "decision", languages=["kk"])
    make_due()
    real = pdf.render_pdf
    monkeypatch.setattr(pdf, "render_pdf", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("fonts missing")))
    before = timezone.now()
    assert render_due() == {"rendered": 0, "failed": 1, "dead": 0}
    request = DocumentRenderRequest.objects.get()
    assert request.status == Status.FAILED and request.attempts == 1
    assert "fonts missing" in request.last_error
    assert request.next_attempt_at >= before + pdf.render_backoff(1) >= before + dt.timedelta(seconds=60)
    assert not IssuedDocument.objects.exists(), "nothing half-stored"
    assert render_due()["failed"] == 0, "not due again before the backoff"

    monkeypatch.setattr(pdf, "render_pdf", real)
    make_due()
    assert render_due()["rendered"] == 1
    request = DocumentRenderRequest.objects.get()
    assert request.status == Status.DONE and request.document_number
    assert IssuedDocument.objects.get().number == request.document_number


def test_retries_are_bounded(make_case, broker_down, monkeypatch, settings):
    settings.RENDER_MAX_ATTEMPTS = 3
    with transaction.atomic():
        schedule_documents(make_case(), "decision", languages=["ru"])
    monkeypatch.setattr(pdf, "render_pdf", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("broken template")))
    outcomes = []
    for _round in range(5):
        make_due()
        outcomes.append(render_due())
    request = DocumentRenderRequest.objects.get()
    assert request.status == Status.DEAD and request.attempts == 3
    assert [o["failed"] for o in outcomes[:2]] == [1, 1] and outcomes[2]["dead"] == 1
    assert outcomes[3:] == [{"rendered": 0, "failed": 0, "dead": 0}] * 2, "a dead request is left alone"


def test_a_render_task_that_fails_leaves_the_request_for_the_sweep(make_case, monkeypatch, renders):
    case = make_case()
    monkeypatch.setattr(pdf, "render_for", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("worker crashed")))
    with transaction.atomic():
        schedule_documents(case, "decision", languages=["kk"])
    with pytest.raises(RuntimeError):
        pdf.render_document("caseapp.democase", case.pk, "decision", "kk")
    request = DocumentRenderRequest.objects.get()
    assert request.status == Status.FAILED and request.attempts == 1


def test_the_sweep_gives_up_on_a_deleted_case(make_case, broker_down):
    case = make_case()
    with transaction.atomic():
        schedule_documents(case, "decision", languages=["kk"])
    DocumentRenderRequest.objects.update(case_id=999_999)
    make_due()
    assert render_due()["dead"] == 1
    assert DocumentRenderRequest.objects.get().status == Status.DEAD


def test_the_sweep_is_a_registered_periodic_task(make_case, broker_down):
    [spec] = [s for s in PERIODIC_TASKS if s.task == "casework.tasks.render_pending_documents"]
    assert spec.every_seconds and spec.every_seconds <= 300
    with transaction.atomic():
        schedule_documents(make_case(), "decision", languages=["kk"])
    make_due()
    assert render_pending_documents.apply().get()["rendered"] == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_moment_render_a_lost_document_once(make_case, broker_down, monkeypatch):
    case = make_case()
    with transaction.atomic():
        schedule_documents(case, "decision", languages=["kk"])
    make_due()
    real = pdf.render_pdf
    calls = []

    def slow_render(*args, **kwargs):
        calls.append(args)
        time.sleep(0.5)  # the other sweep looks for due requests meanwhile
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "render_pdf", slow_render)
    barrier = threading.Barrier(2)

    def sweep(_):
        try:
            barrier.wait()
            return render_due()
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(sweep, range(2)))
    assert len(calls) == 1
    assert sorted(r["rendered"] for r in results) == [0, 1]
    assert IssuedDocument.objects.filter(case_id=case.pk).count() == 1
    assert DocumentRenderRequest.objects.get().status == Status.DONE


def test_a_closed_request_does_not_stop_a_new_one_for_the_same_document(make_case, broker_down):
    case = make_case()
    with transaction.atomic():
        schedule_documents(case, "decision", languages=["kk"])
    DocumentRenderRequest.objects.update(status=Status.DONE)
    with transaction.atomic():
        schedule_documents(case, "decision", languages=["kk"])
    assert sorted(DocumentRenderRequest.objects.values_list("status", flat=True)) == [Status.DONE, Status.PENDING]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_steps_scheduling_one_document_at_the_same_moment_leave_one_open_request(make_case, broker_down):
    """The unique constraint render_request_one_open: the second INSERT waits for the first transaction and then
    skips (ON CONFLICT DO NOTHING) — before it, two concurrent look-ups both found nothing and both inserted."""
    case = make_case()
    barrier = threading.Barrier(2)

    def step(_):
        try:
            with transaction.atomic():
                barrier.wait()
                schedule_documents(case, "decision", languages=["kk"])
                time.sleep(0.3)  # both transactions are open at once
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(step, range(2)))
    assert DocumentRenderRequest.objects.filter(case_id=case.pk, status=Status.PENDING).count() == 1
