"""Least privilege per clerk role and territorial unit (findings of tests/reliability/test_access_matrix.py):
parties only of the clerk's units, the administrator's API-client permissions, step forms only for their takers."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework.access import party_relations, scope_parties
from casework.models import ApiClient, Channel, Organisation, Person
from casework.roles import ADMINISTRATOR, OFFICER, REGISTRAR, ROLES
from tests.caseapp.models import DemoCase
from tests.factories import ClerkFactory, DistrictFactory, OrganisationFactory, PersonFactory

PERSONS = "/admin/casework/person/"


def case_of(person, unit, **kwargs):
    return DemoCase.objects.create(
        number=f"DC-2026-{DemoCase.objects.count() + 1:06d}",
        kind="issue",
        channel=Channel.OFFICE,
        regulation_version="test",
        unit=unit,
        received_at=timezone.now(),
        applicant=person,
        **kwargs,
    )


@pytest.fixture
def world(db):
    """Two districts of one region and a district of another; a case of each district with its own applicant; and
    a person who is a party of nothing."""
    mine = DistrictFactory()
    sibling = DistrictFactory(parent=mine.parent)
    theirs = DistrictFactory()
    people = {
        name: PersonFactory(surname=surname, passport_number=passport)
        for name, surname, passport in (
            ("mine", "Ownunitova", "NA1111111"),
            ("sibling", "Sibdistrictov", "NA2222222"),
            ("theirs", "Otherregionov", "NA3333333"),
            ("nobody", "Nocaseva", "NA4444444"),
        )
    }
    cases = {
        "mine": case_of(people["mine"], mine),
        "sibling": case_of(people["sibling"], sibling),
        "theirs": case_of(people["theirs"], theirs),
    }
    return {"mine": mine, "sibling": sibling, "theirs": theirs, "people": people, "cases": cases}


def listed(client, url=PERSONS) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    return {s for s in ("Ownunitova", "Sibdistrictov", "Otherregionov", "Nocaseva") if s in response.text}


# --------------------------------------------------------------------------------------------------
# 1. Persons and organisations: the parties of the clerk's units only (README "Roles")
# --------------------------------------------------------------------------------------------------


def test_clerk_sees_only_the_persons_who_are_parties_of_their_units_cases_readme_roles(client, world):
    client.force_login(ClerkFactory(unit=world["mine"], roles=[REGISTRAR]))
    assert listed(client) == {"Ownunitova"}
    # by IIN / passport too: the search runs inside the scope
    assert listed(client, f"{PERSONS}?q=NA3333333") == set()
    assert listed(client, f"{PERSONS}?q=NA1111111") == {"Ownunitova"}

    own = client.get(f"{PERSONS}{world['people']['mine'].pk}/change/")
    assert own.status_code == 200 and "NA1111111" in own.text


def test_out_of_scope_person_pages_answer_like_an_out_of_scope_case_not_found_readme_roles(client, world):
    client.force_login(ClerkFactory(unit=world["mine"], roles=[OFFICER]))
    other = world["people"]["theirs"]
    for suffix in ("change/", "history/"):
        response = client.get(f"{PERSONS}{other.pk}/{suffix}")
        # the admin's "doesn't exist": a redirect to the index, as for a case of another unit
        assert response.status_code == 302 and response["Location"].rstrip("/").endswith("/admin"), suffix
        assert "NA3333333" not in client.get(f"{PERSONS}{other.pk}/{suffix}", follow=True).text
    # a change POSTed anyway finds nothing to change
    client.post(f"{PERSONS}{other.pk}/change/", {"surname": "Changed"})
    assert Person.objects.get(pk=other.pk).surname == "Otherregionov"


def test_region_clerk_sees_its_districts_parties_and_the_administrator_every_party_readme_roles(client, world):
    client.force_login(ClerkFactory(unit=world["mine"].parent, roles=[OFFICER]))
    assert listed(client) == {"Ownunitova", "Sibdistrictov"}
    client.force_login(ClerkFactory(unit=world["theirs"], roles=[ADMINISTRATOR]))
    assert listed(client) == {"Ownunitova", "Sibdistrictov", "Otherregionov", "Nocaseva"}


def test_staff_user_without_a_unit_sees_no_party_readme_roles(client, world, django_user_model):
    user = django_user_model.objects.create_user("nounit", password="x-very-long-password", is_staff=True)
    user.groups.add(Group.objects.get(name=OFFICER))
    client.force_login(user)
    assert listed(client) == set()


def test_raw_id_and_autocomplete_lookups_offer_the_in_scope_parties_readme_roles(client, world):
    client.force_login(ClerkFactory(unit=world["mine"], roles=[REGISTRAR]))
    # the raw-id popup of another form is this changelist
    assert listed(client, f"{PERSONS}?_to_field=id&_popup=1") == {"Ownunitova"}
    # the autocomplete of a case form's party field searches this queryset
    response = client.get(
        "/admin/autocomplete/",
        {"term": "", "app_label": "caseapp", "model_name": "democase", "field_name": "applicant"},
    )
    assert response.status_code == 200
    assert {r["id"] for r in response.json()["results"]} == {str(world["people"]["mine"].pk)}


def test_party_relations_are_found_from_every_model_with_a_unit_directly_or_through_its_case_readme_roles():
    persons = {(m._meta.label_lower, f, lookup) for m, f, lookup in party_relations(Person)}
    organisations = {(m._meta.label_lower, f, lookup) for m, f, lookup in party_relations(Organisation)}
    assert {
        ("certificates.certificateapplication", "applicant", "unit"),
        ("certificates.certificate", "holder", "unit"),
        ("permits.labourimmigrantpermitapplication", "applicant", "unit"),
        ("permits.labourimmigrantpermit", "holder", "unit"),
        ("permits.requestedworker", "transferee", "application__unit"),  # through the application
        ("complaints.complaint", "complainant", "unit"),
        ("jobseekers.jobseekerregistration", "applicant", "unit"),
        ("jobseekers.unemployedregistration", "applicant", "unit"),
        ("caseapp.democase", "applicant", "unit"),
    } <= persons
    assert {
        ("certificates.certificateapplication", "employer", "unit"),
        ("certificates.holdernotice", "employer", "certificate__unit"),  # through the certificate
        ("permits.foreignlabourpermitapplication", "employer", "unit"),
        ("permits.labourimmigrantpermit", "employer", "unit"),
        ("complaints.complaint", "complainant_organisation", "unit"),
    } <= organisations


def test_organisation_is_seen_by_the_clerks_of_its_permits_and_certificates_units_readme_roles(client, db):
    """An employer of an intention agreement (own unit) and of a holder notice (through its certificate's unit)."""
    from certificates.models import HolderNotice
    from permits.models import IntentionAgreement
    from tests.reliability.test_access_matrix import World

    world = World()
    region = DistrictFactory().parent
    world.units = {"R1": region, "D1": DistrictFactory(parent=region), "R2": DistrictFactory().parent}
    agreement = world.obj(IntentionAgreement, "D1")
    notice = world.obj(HolderNotice, "R1")
    notice.employer = OrganisationFactory(name="TOO Notified")
    notice.save()
    outsider = world.obj(IntentionAgreement, "R2").employer

    client.force_login(ClerkFactory(unit=region, roles=[OFFICER]))
    text = client.get("/admin/casework/organisation/").text
    assert agreement.employer.name in text and "TOO Notified" in text and outsider.name not in text
    assert client.get(f"/admin/casework/organisation/{outsider.pk}/change/").status_code == 302
    assert client.get(f"/admin/casework/organisation/{notice.employer.pk}/change/").status_code == 200


def test_party_list_costs_the_same_queries_for_one_or_many_parties_no_n_plus_1_readme_roles(client, world):
    client.force_login(ClerkFactory(unit=world["mine"], roles=[OFFICER]))
    client.get(PERSONS)  # warm the session / content types
    with CaptureQueriesContext(connection) as one:
        client.get(PERSONS)
    for _ in range(5):
        case_of(PersonFactory(), world["mine"])
    with CaptureQueriesContext(connection) as six:
        client.get(PERSONS)
    assert len(six) == len(one)


@pytest.mark.postgres
def test_party_scope_probes_each_relation_by_an_index_readme_roles(world):
    """EXISTS per relation on the relation's foreign-key index: with sequential scans priced out, no table of a
    relation is read whole (a missing index would leave PostgreSQL no other way)."""
    clerk = ClerkFactory(unit=world["mine"], roles=[OFFICER])
    queryset = scope_parties(Person.objects.all(), clerk)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = queryset.explain()
    tables = {m._meta.db_table for m, _f, _l in party_relations(Person)}
    scanned = {t for t in tables if re.search(rf"Seq Scan on {t}\b", plan)}
    assert not scanned, plan


# --------------------------------------------------------------------------------------------------
# 2. The administrator manages the API clients (README "Roles")
# --------------------------------------------------------------------------------------------------

API_MODELS = ("apiclient", "webhooksubscription", "outboxmessage", "idempotencyrecord")


def api_permissions(role: str) -> set[str]:
    return set(
        Group.objects.get(name=role)
        .permissions.filter(content_type__app_label="casework", content_type__model__in=API_MODELS)
        .values_list("codename", flat=True)
    )


def test_only_the_administrator_role_holds_the_api_client_permissions_readme_roles(db):
    assert api_permissions(ADMINISTRATOR) == {
        "view_apiclient",
        "add_apiclient",
        "change_apiclient",
        "view_webhooksubscription",
        "add_webhooksubscription",
        "change_webhooksubscription",
        "view_outboxmessage",
        "view_idempotencyrecord",
    }
    for role in set(ROLES) - {ADMINISTRATOR}:
        assert api_permissions(role) == set(), role


def test_administrator_adds_an_api_client_and_sees_its_key_once_readme_roles(client, db):
    client.force_login(ClerkFactory(unit=DistrictFactory(), roles=[ADMINISTRATOR]))
    response = client.post(
        "/admin/casework/apiclient/add/",
        {"name": "egov portal", "kind": "portal", "scopes": ["applications:read"], "is_active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    key = next(m for m in shown if "egov portal" in m).rsplit(" ", 1)[-1]
    created = ApiClient.objects.get(name="egov portal")
    assert ApiClient.authenticate_key(key) == created and created.key_hash != key
    page = client.get(f"/admin/casework/apiclient/{created.pk}/change/")
    assert page.status_code == 200 and key not in page.text and created.key_hash not in page.text
    # revoked, never deleted; the outbox is read, not retried
    assert client.get(f"/admin/casework/apiclient/{created.pk}/delete/").status_code == 403
    outbox = client.get("/admin/casework/outboxmessage/")
    assert outbox.status_code == 200 and 'value="retry"' not in outbox.text


# --------------------------------------------------------------------------------------------------
# 3. A step's form opens only for the clerks who may take the step
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def demo_roles(db):
    """Registrars register demo cases; officers only look at them."""
    view = Permission.objects.get(codename="view_democase")
    Group.objects.get(name=REGISTRAR).permissions.add(view, Permission.objects.get(codename="register_democase"))
    Group.objects.get(name=OFFICER).permissions.add(view)


def test_step_form_get_is_refused_to_a_clerk_without_the_steps_permission_like_its_post(client, world, demo_roles):
    case = world["cases"]["mine"]
    url = f"/admin/caseapp/democase/{case.pk}/transition/register/"
    client.force_login(ClerkFactory(unit=world["mine"], roles=[OFFICER]))
    assert client.get(url).status_code == 403
    assert client.post(url, {"version": case.version}).status_code == 403
    assert DemoCase.objects.get(pk=case.pk).status == "received"

    client.force_login(ClerkFactory(unit=world["mine"], roles=[REGISTRAR]))
    assert client.get(url).status_code == 200
    assert client.get(f"/admin/caseapp/democase/{case.pk}/transition/no_such_step/").status_code == 403
    other = world["cases"]["theirs"]
    assert client.get(f"/admin/caseapp/democase/{other.pk}/transition/register/").status_code == 403


def test_change_page_shows_only_the_steps_the_clerk_may_take(client, world, demo_roles):
    case = world["cases"]["mine"]
    register = f"/admin/caseapp/democase/{case.pk}/transition/register/"
    refuse = f"/admin/caseapp/democase/{case.pk}/transition/refuse/"
    client.force_login(ClerkFactory(unit=world["mine"], roles=[OFFICER]))
    page = client.get(f"/admin/caseapp/democase/{case.pk}/change/")
    assert page.status_code == 200 and register not in page.text and refuse not in page.text
    client.force_login(ClerkFactory(unit=world["mine"], roles=[REGISTRAR]))
    page = client.get(f"/admin/caseapp/democase/{case.pk}/change/")
    assert register in page.text and refuse not in page.text  # refusing needs the decide permission
