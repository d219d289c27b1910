import pytest
from django.contrib.auth.models import Group, Permission

from casework.documents import attach
from casework.roles import ADMINISTRATOR, OFFICER
from tests.factories import ClerkFactory, DistrictFactory
from tests.samples import PDF


@pytest.fixture
def officer_group(db):
    group = Group.objects.get(name=OFFICER)
    group.permissions.add(*Permission.objects.filter(codename__in=["view_democase", "change_democase"]))
    return group


def test_clerk_of_one_district_cannot_open_another_districts_case(client, make_case, officer_group):
    mine, theirs = DistrictFactory(), DistrictFactory()
    own_case, other_case = make_case(unit=mine), make_case(unit=theirs)
    clerk = ClerkFactory(unit=mine, roles=[OFFICER])
    client.force_login(clerk)

    listing = client.get("/admin/caseapp/democase/")
    assert listing.status_code == 200
    assert own_case.number in listing.text and other_case.number not in listing.text

    own = client.get(f"/admin/caseapp/democase/{own_case.pk}/change/")
    assert own.status_code == 200 and own_case.number in own.text

    other = client.get(f"/admin/caseapp/democase/{other_case.pk}/change/", follow=True)
    assert other_case.number not in other.text
    assert other_case.applicant.surname not in other.text


def test_region_clerk_sees_its_districts_and_administrator_sees_every_unit(client, make_case, officer_group):
    district = DistrictFactory()
    case = make_case(unit=district)
    region_clerk = ClerkFactory(unit=district.parent, roles=[OFFICER])
    client.force_login(region_clerk)
    assert case.number in client.get("/admin/caseapp/democase/").text

    admin = ClerkFactory(unit=DistrictFactory(), roles=[OFFICER, ADMINISTRATOR])
    client.force_login(admin)
    assert case.number in client.get("/admin/caseapp/democase/").text


def test_staff_user_without_a_unit_sees_no_case(client, make_case, officer_group, django_user_model):
    make_case()
    user = django_user_model.objects.create_user("nounit", password="x-very-long-password", is_staff=True)
    user.groups.add(officer_group)
    client.force_login(user)
    assert "DC-" not in client.get("/admin/caseapp/democase/").text


def test_attachment_is_served_only_to_a_clerk_of_the_cases_unit(client, make_case, officer_group):
    mine, theirs = DistrictFactory(), DistrictFactory()
    attachment = attach(make_case(unit=mine), "identity_document", "p.pdf", PDF)
    url = f"/documents/attachments/{attachment.pk}/"

    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(ClerkFactory(unit=theirs, roles=[OFFICER]))
    assert client.get(url).status_code == 403
    client.force_login(ClerkFactory(unit=mine, roles=[OFFICER]))
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
