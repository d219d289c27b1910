"""A person / organisation a clerk registers in the admin is visible to the clerk's unit (README "Roles", least
privilege: casework.access.scope_parties): the registrar sees and picks the party they just added before it is a
party of any case; the clerks of the units above see it too, other units' clerks do not, the administrator sees
every party. Regression: a registrar could not see or pick the person they had just created."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

from casework.access import scope_parties
from casework.models import Channel, Organisation, Person
from casework.roles import ADMINISTRATOR, OFFICER, REGISTRAR
from tests.caseapp.models import DemoCase
from tests.factories import ClerkFactory, DistrictFactory, PersonFactory, make_identifier

PERSONS = "/admin/casework/person/"
ORGANISATIONS = "/admin/casework/organisation/"

PERSON_FORM = {
    "surname": "Registrova",
    "given_name": "Aigerim",
    "patronymic": "",
    "birth_date": "1991-05-17",
    "citizenship": "UZB",
    "passport_number": "NR7777777",
    "passport_issued_on": "2021-03-01",
    "passport_issuer": "MVD",
    "iin": "",
    "address": "",
    "residence_country_address": "",
    "phone": "",
    "email": "",
    "_save": "Save",
}


@pytest.fixture
def units(db):
    """A district (where the registrar works), a sibling district of the same region, and a district of another
    region."""
    mine = DistrictFactory()
    return {
        "mine": mine,
        "region": mine.parent,
        "sibling": DistrictFactory(parent=mine.parent),
        "other": DistrictFactory(),
    }


def add_person(client, clerk) -> Person:
    client.force_login(clerk)
    response = client.post(f"{PERSONS}add/", PERSON_FORM)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].endswith(PERSONS)
    client.get(response["Location"])  # shows (and so clears) the "added" message naming the person
    return Person.objects.get(passport_number="NR7777777")


def autocomplete_ids(client, app_label="caseapp", model_name="democase", field_name="applicant", term="") -> set[str]:
    response = client.get(
        "/admin/autocomplete/",
        {"term": term, "app_label": app_label, "model_name": model_name, "field_name": field_name},
    )
    assert response.status_code == 200
    return {r["id"] for r in response.json()["results"]}


def sees(client, person: Person) -> bool:
    """In the changelist, its search, the raw-id popup and the autocomplete, and its change page opens; or in none
    of them and its change page is the admin's "doesn't exist" (a redirect to the index)."""
    found = [
        person.surname in client.get(PERSONS).text,
        person.surname in client.get(f"{PERSONS}?q={person.passport_number}").text,
        person.surname in client.get(f"{PERSONS}?_to_field=id&_popup=1").text,
        str(person.pk) in autocomplete_ids(client),
    ]
    change = client.get(f"{PERSONS}{person.pk}/change/")
    if all(found):
        assert change.status_code == 200 and person.passport_number in change.text
        return True
    assert not any(found), found
    assert change.status_code == 302 and change["Location"].rstrip("/").endswith("/admin")
    return False


def test_registrar_adds_a_person_in_the_admin_it_is_registered_in_their_unit_and_they_see_and_pick_it_readme_roles(
    client, units
):
    registrar = ClerkFactory(unit=units["mine"], roles=[REGISTRAR])
    person = add_person(client, registrar)

    assert person.registered_in == units["mine"]
    assert not DemoCase.objects.filter(applicant=person).exists()  # a party of nothing yet
    assert sees(client, person)
    # the change page shows where it was registered, read-only
    change = client.get(f"{PERSONS}{person.pk}/change/")
    assert units["mine"].name_ru in change.text and 'name="registered_in"' not in change.text


def test_party_registered_in_a_unit_is_hidden_from_the_clerks_of_an_unrelated_unit_readme_roles(client, units):
    person = add_person(client, ClerkFactory(unit=units["mine"], roles=[REGISTRAR]))

    for unit in ("other", "sibling"):
        client.force_login(ClerkFactory(unit=units[unit], roles=[REGISTRAR]))
        assert not sees(client, person), unit
        # a change POSTed anyway finds nothing to change
        client.post(f"{PERSONS}{person.pk}/change/", {**PERSON_FORM, "surname": "Changed"})
        assert Person.objects.get(pk=person.pk).surname == "Registrova"


def test_party_registered_in_a_district_is_seen_by_its_region_not_the_other_way_round_readme_roles(client, units):
    """The units rule of cases (casework.access.visible_unit_ids): a clerk sees their unit and the units under it."""
    person = add_person(client, ClerkFactory(unit=units["mine"], roles=[REGISTRAR]))
    client.force_login(ClerkFactory(unit=units["region"], roles=[OFFICER]))
    assert sees(client, person)

    Person.objects.filter(pk=person.pk).delete()
    person = add_person(client, ClerkFactory(unit=units["region"], roles=[REGISTRAR]))
    assert person.registered_in == units["region"]
    client.force_login(ClerkFactory(unit=units["mine"], roles=[OFFICER]))
    assert not sees(client, person)


def test_administrator_sees_every_registered_party_and_a_superuser_without_a_unit_registers_none_readme_roles(
    client, units, django_user_model
):
    person = add_person(client, ClerkFactory(unit=units["mine"], roles=[REGISTRAR]))
    client.force_login(ClerkFactory(unit=units["other"], roles=[ADMINISTRATOR]))
    assert sees(client, person)

    administrator = django_user_model.objects.create_user("nounitadmin", password="x-very-long-password", is_staff=True)
    administrator.groups.add(Group.objects.get(name=ADMINISTRATOR))
    client.force_login(administrator)
    assert sees(client, person)

    Person.objects.filter(pk=person.pk).delete()
    root = django_user_model.objects.create_superuser("root", password="x-very-long-password")
    person = add_person(client, root)
    assert person.registered_in is None
    assert sees(client, person)
    client.force_login(ClerkFactory(unit=units["mine"], roles=[REGISTRAR]))
    assert not sees(client, person)  # registered nowhere, a party of nothing: least privilege


def test_changing_a_party_keeps_where_it_was_registered_readme_roles(client, units):
    """Only the add sets ``registered_in``: an officer of the region editing the person does not move it."""
    person = add_person(client, ClerkFactory(unit=units["mine"], roles=[REGISTRAR]))
    client.force_login(ClerkFactory(unit=units["region"], roles=[OFFICER]))
    response = client.post(f"{PERSONS}{person.pk}/change/", {**PERSON_FORM, "given_name": "Aida"})
    assert response.status_code == 302
    person = Person.objects.get(pk=person.pk)
    assert person.given_name == "Aida" and person.registered_in == units["mine"]


def test_party_of_a_case_created_by_a_service_stays_unregistered_and_seen_through_its_case_readme_roles(client, units):
    """Services create a filing's parties without ``registered_in``: the case makes them visible."""
    person = PersonFactory(surname="Filingova")
    DemoCase.objects.create(
        number="DC-2026-900001",
        kind="issue",
        channel=Channel.OFFICE,
        regulation_version="test",
        unit=units["mine"],
        received_at=timezone.now(),
        applicant=person,
    )
    assert person.registered_in_id is None
    client.force_login(ClerkFactory(unit=units["mine"], roles=[OFFICER]))
    assert sees(client, person)
    client.force_login(ClerkFactory(unit=units["other"], roles=[OFFICER]))
    assert not sees(client, person)


def test_registrar_adds_an_organisation_in_the_admin_only_their_units_see_and_pick_it_readme_roles(client, units):
    registrar = ClerkFactory(unit=units["mine"], roles=[REGISTRAR])
    client.force_login(registrar)
    bin_ = make_identifier(41_234_567_890)
    form = {"kind": "legal_entity", "name": "TOO Registered Here", "bin": bin_, "iin": "", "address": "", "phone": ""}
    response = client.post(f"{ORGANISATIONS}add/", {**form, "email": "", "_save": "Save"})
    assert response.status_code == 302, response.content.decode()[:2000]
    client.get(response["Location"])  # shows (and so clears) the "added" message naming it
    organisation = Organisation.objects.get(bin=bin_)
    assert organisation.registered_in == units["mine"]

    def visible(clerk) -> bool:
        client.force_login(clerk)
        listed = "TOO Registered Here" in client.get(f"{ORGANISATIONS}?_to_field=id&_popup=1").text
        picked = str(organisation.pk) in autocomplete_ids(client, "permits", "labourimmigrantpermit", "employer")
        opens = client.get(f"{ORGANISATIONS}{organisation.pk}/change/").status_code == 200
        assert listed == picked == opens
        return listed

    assert visible(registrar)
    assert visible(ClerkFactory(unit=units["region"], roles=[OFFICER]))
    assert not visible(ClerkFactory(unit=units["sibling"], roles=[REGISTRAR]))
    assert not visible(ClerkFactory(unit=units["other"], roles=[OFFICER]))
    assert visible(ClerkFactory(unit=units["other"], roles=[ADMINISTRATOR]))


def test_registered_in_is_probed_on_its_foreign_key_index_readme_roles(units):
    """The scope's new condition reads the party's own indexed foreign key (no join on the units' path)."""
    for model in (Person, Organisation):
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
        assert any(c["index"] and c["columns"] == ["registered_in_id"] for c in constraints.values()), model
    clerk = ClerkFactory(unit=units["mine"], roles=[OFFICER])
    sql = str(scope_parties(Person.objects.all(), clerk).query)
    assert "registered_in_id" in sql and "path" not in sql.split("WHERE", 1)[1]
