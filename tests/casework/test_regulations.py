"""Regulation versions (issue 10): the acts' terms are rows with an effective date; a case is processed under
the version in force on its registration date, to the end; an administrator adds an amendment in the admin and
the history of the cases registered under it says what changed."""

import datetime as dt
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from casework import regulations
from casework.exceptions import NotPermitted
from casework.models import RegulationVersion, TransitionLog
from casework.roles import ADMINISTRATOR, REGISTRAR
from certificates import rules as certificate_rules
from certificates.models import CertificateApplication
from tests.certificates.factories import clerk, submit_issue
from tests.factories import RegionFactory
from workcalendar import services as workcalendar

pytestmark = pytest.mark.django_db
D = dt.date
CERTIFICATES = certificate_rules.SERVICE
SEED = "003/2025-12-30"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_snapshot():
    regulations.invalidate()
    yield
    regulations.invalidate()


@pytest.fixture
def clock(monkeypatch):
    """Thursday 19.03.2026 10:00 office time; Friday 20.03 is a working day, 21–25.03 Nauryz days off."""

    class Clock:
        at = timezone.make_aware(dt.datetime(2026, 3, 19, 10, 0))

        def __call__(self):
            return self.at

        def set(self, *args):
            self.at = timezone.make_aware(dt.datetime(*args))
            return self.at

    clock = Clock()
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture
def unit(db):
    return RegionFactory()


@pytest.fixture
def administrator(unit):
    return clerk(unit, ADMINISTRATOR)


def in_force_values(service_key: str) -> dict:
    return json.loads(json.dumps(regulations.entries(service_key)[-1].values))


def amended(service_key: str, **changes) -> dict:
    values = in_force_values(service_key)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(values.get(key), dict):
            values[key] = {**values[key], **value}
        else:
            values[key] = value
    return values


TOMORROW = D(2026, 3, 20)  # the day after the tests' clock


def add_certificates_version(user, *, effective_from=TOMORROW, version="003/2026-03-20", **changes):
    return regulations.add_version(
        CERTIFICATES,
        version=version,
        effective_from=effective_from,
        title="Order No 999 of 10.03.2026 amending order No 236",
        values=amended(CERTIFICATES, **changes),
        user=user,
    )


def first_entry(case) -> TransitionLog:
    return TransitionLog.objects.filter(case_type=ContentType.objects.get_for_model(case), case_id=case.pk).earliest(
        "at", "id"
    )


# --- data, not code ----------------------------------------------------------------------------------------


def test_the_versions_written_in_code_are_seed_rows_of_every_service():
    services = set(RegulationVersion.objects.filter(seeded=True).values_list("service", flat=True))
    assert services == {
        "certificates",
        "permits.labour_immigrant",
        "permits.foreign_labour",
        "jobseekers.job_seeker",
        "jobseekers.unemployed",
        "complaints",
    }
    row = RegulationVersion.objects.get(service=CERTIFICATES, version=SEED)
    assert row.values["service_term_working_days"] == {"issue": 5, "extend": 3, "reissue": 3, "duplicate": 3}
    assert row.values["experience_bands"] == [[0, 0, 0], [1, 3, 2], [4, 10, 4], [11, None, 6]]
    assert regulations.sync_seeds() == 0  # idempotent (also run by setup_office)
    assert certificate_rules.regulation(SEED) == certificate_rules.CURRENT


@pytest.mark.parametrize("service_key", sorted(regulations.SERVICES))
def test_every_service_reads_a_new_row_with_no_code_change(service_key, clock, administrator):
    current = regulations.regulation_on(service_key, D(2026, 3, 19))
    values = in_force_values(service_key)
    name = next(k for k, v in values.items() if isinstance(v, int) and not isinstance(v, bool))
    values[name] += 1
    regulations.add_version(
        service_key,
        version="amended-2026",
        effective_from=D(2026, 4, 1),
        title="amendment",
        values=values,
        user=administrator,
    )
    before, after = (
        regulations.regulation_on(service_key, D(2026, 3, 31)),
        regulations.regulation_on(service_key, D(2026, 4, 1)),
    )
    assert before == current
    assert getattr(after, name) == getattr(current, name) + 1
    assert regulations.regulation(service_key, "amended-2026") == after


def test_a_save_in_this_process_is_seen_at_once_and_another_process_within_the_recheck(clock, administrator):
    assert certificate_rules.regulation_on(D(2026, 4, 1)).pass_mark == 6
    add_certificates_version(administrator, effective_from=D(2026, 4, 1), pass_mark=7)
    assert certificate_rules.regulation_on(D(2026, 4, 1)).pass_mark == 7  # post_save dropped the snapshot
    # Another process's row (no signal here): seen when the recheck interval has passed.
    RegulationVersion.objects.filter(service=CERTIFICATES, version="003/2026-03-20").update(
        values=amended(CERTIFICATES, pass_mark=8), updated_at=timezone.now() + dt.timedelta(seconds=1)
    )
    regulations._snapshot.recheck_at = float("-inf")
    assert certificate_rules.regulation_on(D(2026, 4, 1)).pass_mark == 8


# --- a case keeps the version of its registration date (003 annex 2 row 3) ------------------------------------


def test_issue_term_5_to_7_working_days_applies_to_cases_registered_from_its_effective_date(clock, unit, administrator):
    add_certificates_version(administrator, service_term_working_days={"issue": 7}, pass_mark=7)

    before, _code = submit_issue(unit)  # registered 19.03.2026: the version of 30.12.2025
    clock.set(2026, 3, 19, 19, 0)  # after office hours: registered on Friday 20.03, under the new version
    after_hours, _code = submit_issue(unit)
    before = CertificateApplication.objects.get(pk=before.pk)
    after_hours = CertificateApplication.objects.get(pk=after_hours.pk)

    assert (before.registered_on, before.regulation_version) == (D(2026, 3, 19), SEED)
    assert before.due_date == D(2026, 3, 31)  # 5 WD across Nauryz: 20, 26, 27, 30, 31.03
    assert (after_hours.registered_on, after_hours.regulation_version) == (D(2026, 3, 20), "003/2026-03-20")
    assert after_hours.due_date == workcalendar.add_working_days(D(2026, 3, 20), 7) == D(2026, 4, 3)

    # Processing keeps each case's own version to the end, whatever is in force later.
    clock.set(2026, 3, 26, 10, 0)
    assert before.regulation.pass_mark == 6 and after_hours.regulation.pass_mark == 7
    six_points = (["degree"], 2)  # degree 4 + 1–3 years 2
    assert certificate_rules.score(*six_points, before.regulation).passes
    assert not certificate_rules.score(*six_points, after_hours.regulation).passes


def test_history_of_a_case_registered_under_an_added_version_says_what_changed(clock, unit, administrator):
    add_certificates_version(administrator, service_term_working_days={"issue": 7}, pass_mark=7)
    old, _code = submit_issue(unit)
    clock.set(2026, 3, 20, 10, 0)
    new, _code = submit_issue(unit)

    old_entry, new_entry = first_entry(old), first_entry(new)
    assert old_entry.details["regulation"] == {"service": CERTIFICATES, "version": SEED, "effective_from": "2025-12-30"}
    assert "Processed under regulation" not in old_entry.reason
    assert new_entry.details["regulation"]["version"] == "003/2026-03-20"
    assert new_entry.details["regulation"]["changed"] == {
        "pass_mark": [6, 7],
        "service_term_working_days.issue": [5, 7],
    }
    assert (
        "Processed under regulation 003/2026-03-20 in force from 20.03.2026: pass_mark: 6 → 7; "
        "service_term_working_days.issue: 5 → 7." in new_entry.reason
    )


def test_labour_immigrant_extension_window_follows_the_version_of_the_registration_date_004_s24_s25(
    administrator, clock
):
    """On the module's clock (Thursday 10:00, in office hours): a filing made now is registered today — at the
    wall clock after 18:30 it would be registered tomorrow, under the amended version, whatever this test says."""
    from casework.actors import Actor
    from casework.exceptions import RuleViolation
    from permits import rules as permit_rules
    from permits import services as permit_services
    from permits.models import LabourImmigrantPermit
    from tests.factories import DistrictFactory
    from tests.permits.conftest import application_input, issue_through

    job = Actor.job("test")
    district = DistrictFactory()
    today = timezone.localdate()
    from permits.models import Quota

    Quota.objects.create(
        unit=district, total=50, period_start=D(today.year - 1, 1, 1), period_end=D(today.year + 2, 12, 31)
    )

    def registered(result):
        return result[0] if isinstance(result, tuple) else result

    app = registered(permit_services.register_application(application_input(district, term_months=3), actor=job))
    permit = LabourImmigrantPermit.objects.get(pk=issue_through(app, job).result_permit_id)

    tomorrow = today + dt.timedelta(days=1)
    regulations.add_version(
        permit_rules.SERVICE,
        version="004/amended",
        effective_from=tomorrow,
        title="Order amending 004 §24–25",
        values=amended(permit_rules.SERVICE, extension_window_latest=3),
        user=administrator,
    )

    # Today, 4 days before expiry: the window of the version in force (5 days) has closed.
    LabourImmigrantPermit.objects.filter(pk=permit.pk).update(valid_to=today + dt.timedelta(days=4))
    data = application_input(district, kind=permit_rules.EXTEND, permit_number=permit.number, term_months=3)
    with pytest.raises(RuleViolation) as exc:
        permit_services.register_application(data, actor=job)
    assert exc.value.code == permit_rules.EXTENSION_WINDOW_CLOSED

    # Filed tomorrow, 4 days before expiry: the amended window (not later than 3 days) is open.
    LabourImmigrantPermit.objects.filter(pk=permit.pk).update(valid_to=tomorrow + dt.timedelta(days=4))
    received = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(10, 0)))
    data = application_input(
        district, kind=permit_rules.EXTEND, permit_number=permit.number, term_months=3, received_at=received
    )
    extension = registered(permit_services.register_application(data, actor=job))
    assert extension.regulation_version == "004/amended"
    assert extension.regulation.extension_window_latest == 3
    assert "extension_window_latest: 5 → 3" in first_entry(extension).reason


# --- checks: clear errors, nothing changed ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mutate", "field", "message"),
    [
        (lambda v: v.pop("pass_mark"), "pass_mark", "pass_mark is missing"),
        (lambda v: v.update(pass_mark="seven"), "pass_mark", "pass_mark: a whole number is expected, not 'seven'"),
        (lambda v: v.update(pass_mark=True), "pass_mark", "a whole number is expected"),
        (lambda v: v.update(pass_mark=-1), "pass_mark", "must not be negative"),
        (lambda v: v.update(bonus_points=2), "values", "Unknown term bonus_points"),
        (
            lambda v: v["service_term_working_days"].pop("issue"),
            "service_term_working_days",
            "missing: issue",
        ),
        (
            lambda v: v.update(experience_bands=[[0, 0]]),
            "experience_bands",
            "experience_bands[0]: a list of 3 items is expected",
        ),
    ],
)
def test_invalid_terms_are_refused_with_a_clear_error_and_nothing_is_saved(
    mutate, field, message, clock, administrator
):
    values = in_force_values(CERTIFICATES)
    mutate(values)
    count = RegulationVersion.objects.count()
    with pytest.raises(ValidationError) as exc:
        regulations.add_version(
            CERTIFICATES, version="bad", effective_from=D(2026, 4, 1), title="t", values=values, user=administrator
        )
    assert any(message in m for m in exc.value.message_dict[field]), exc.value.message_dict
    assert RegulationVersion.objects.count() == count


@pytest.mark.parametrize("day", [D(2026, 3, 18), D(2026, 3, 19)])
def test_a_version_cannot_come_into_force_today_or_in_the_past(day, clock, administrator):
    with pytest.raises(ValidationError) as exc:
        add_certificates_version(administrator, effective_from=day)
    assert "history cannot be changed" in exc.value.message_dict["effective_from"][0]
    assert not RegulationVersion.objects.filter(seeded=False).exists()


def test_only_an_administrator_adds_a_version(clock, unit):
    with pytest.raises(NotPermitted):
        add_certificates_version(clerk(unit, REGISTRAR))
    assert not RegulationVersion.objects.filter(seeded=False).exists()


# --- the admin -------------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, administrator, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the messages are asserted in English
    client.force_login(administrator)
    return client


ADD_URL = "/admin/casework/regulationversion/add/"


def form_data(service_key: str, **overrides) -> dict:
    data = {"version": "003/2026-04-01", "effective_from": "2026-04-01", "title": "Order No 999", "note": ""}
    for key, value in in_force_values(service_key).items():
        data[f"term_{key}"] = value if isinstance(value, int) else json.dumps(value)
    data.update(overrides)
    return data


def test_admin_add_page_is_prefilled_from_the_version_in_force_with_each_clause_as_help(clock, admin_client):
    assert admin_client.get(ADD_URL).status_code == 200  # which service?
    page = admin_client.get(ADD_URL + "?service=certificates")
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert form.initial["term_pass_mark"] == 6
    assert json.loads(form.initial["term_service_term_working_days"])["issue"] == 5
    assert "§7: to the Commission within 2 WD of registration" in form.fields["term_referral_working_days"].help_text
    assert "annex 2 row 9 p.2" in form.fields["term_pass_mark"].help_text


def test_admin_adds_a_version_and_lists_it_per_service(clock, admin_client, administrator):
    data = form_data(
        CERTIFICATES,
        term_pass_mark=7,
        term_service_term_working_days=json.dumps({"issue": 7, "extend": 3, "reissue": 3, "duplicate": 3}),
    )
    response = admin_client.post(ADD_URL + "?service=certificates", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    row = RegulationVersion.objects.get(version="003/2026-04-01")
    assert (row.service, row.effective_from, row.created_by, row.seeded) == (
        CERTIFICATES,
        D(2026, 4, 1),
        administrator,
        False,
    )
    assert row.values["pass_mark"] == 7 and row.values["service_term_working_days"]["issue"] == 7
    listing = admin_client.get("/admin/casework/regulationversion/?service=certificates")
    assert listing.status_code == 200
    assert "003/2026-04-01" in listing.content.decode() and SEED in listing.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"effective_from": "2026-03-01"}, "effective_from", "history cannot be changed"),
        ({"term_pass_mark": "six"}, "term_pass_mark", "Enter a whole number."),
        ({"term_service_term_working_days": '{"issue": 5}'}, "term_service_term_working_days", "missing: duplicate"),
        ({"term_education_points": "{oops"}, "term_education_points", "Not valid JSON"),
        ({"version": SEED}, "version", "already has a version"),
    ],
)
def test_admin_refuses_invalid_versions_with_the_reason_and_saves_nothing(
    overrides, field, message, clock, admin_client
):
    count = RegulationVersion.objects.count()
    response = admin_client.post(ADD_URL + "?service=certificates", form_data(CERTIFICATES, **overrides))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert any(message in e for e in errors[field]), errors
    assert RegulationVersion.objects.count() == count


def test_non_administrator_cannot_add_in_the_admin(clock, client, unit):
    client.force_login(clerk(unit, REGISTRAR))
    assert client.get(ADD_URL + "?service=certificates").status_code == 403
    assert client.post(ADD_URL + "?service=certificates", form_data(CERTIFICATES)).status_code == 403
    assert not RegulationVersion.objects.filter(seeded=False).exists()


def test_a_version_applied_to_a_case_can_no_longer_be_edited_or_deleted(clock, unit, admin_client, administrator):
    row = add_certificates_version(administrator, pass_mark=7)
    url = f"/admin/casework/regulationversion/{row.pk}/change/"
    assert (
        admin_client.post(url, form_data(CERTIFICATES, version=row.version, effective_from="2026-03-20")).status_code
        == 302
    )
    row = RegulationVersion.objects.get(pk=row.pk)

    clock.set(2026, 3, 19, 19, 0)  # after hours: registered on 20.03 under the new version
    case, _code = submit_issue(unit)
    assert CertificateApplication.objects.get(pk=case.pk).regulation_version == row.version
    assert regulations.is_locked(row) == "already applied to cases"

    values_before = dict(row.values)
    response = admin_client.post(url, form_data(CERTIFICATES, version=row.version, effective_from="2026-03-20"))
    assert response.status_code == 403
    assert admin_client.post(f"/admin/casework/regulationversion/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.get(url).status_code == 200  # still shown, read-only
    with pytest.raises(ValidationError) as exc:
        regulations.validate_version(CERTIFICATES, row.version, row.effective_from, row.values, instance=row)
    assert "can no longer be changed: already applied to cases" in exc.value.message_dict["__all__"][0]
    assert RegulationVersion.objects.get(pk=row.pk).values == values_before


def test_the_versions_written_in_code_are_read_only(clock, admin_client):
    seed = RegulationVersion.objects.get(service=CERTIFICATES, version=SEED)
    url = f"/admin/casework/regulationversion/{seed.pk}/change/"
    assert admin_client.post(url, form_data(CERTIFICATES, version=SEED)).status_code == 403
    assert admin_client.post(f"/admin/casework/regulationversion/{seed.pk}/delete/", {"post": "yes"}).status_code == 403
    assert "written in the code" in admin_client.get(url).content.decode()


@pytest.mark.parametrize("service_key", sorted(regulations.SERVICES))
def test_admin_adds_a_version_of_every_service_from_the_prefilled_form(service_key, clock, admin_client):
    page = admin_client.get(f"{ADD_URL}?service={service_key}")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {"version": "amended", "effective_from": "2026-04-01", "title": "amending act", "note": ""}
    for name, value in form.initial.items():
        if name.startswith("term_") and value is not False:  # an unchecked box is not posted
            data[name] = value
    response = admin_client.post(f"{ADD_URL}?service={service_key}", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    row = RegulationVersion.objects.get(service=service_key, version="amended")
    assert regulations.regulation(service_key, "amended") == regulations.service(service_key).build(
        "amended", D(2026, 4, 1), "amending act", in_force_values(service_key)
    )
    assert row.values.keys() == in_force_values(service_key).keys()
