"""The list of priority sectors, kinds of economic activity and in-demand professions (order No 236, annex 2)."""

import pytest
from django.apps import apps

from certificates.catalogue import catalogue_rows, load_catalogue
from certificates.models import Profession

pytestmark = pytest.mark.django_db


def test_catalogue_has_the_six_sectors_of_annex_2_with_every_entry_in_kazakh_and_russian():
    rows = catalogue_rows()
    assert {r["sector_code"] for r in rows} == {"1", "2", "3", "4", "5", "6"}
    assert all(r["name_kk"] and r["name_ru"] and r["sector_kk"] and r["activity_ru"] for r in rows)
    assert len({r["code"] for r in rows}) == len(rows)
    by_code = {r["code"]: r for r in rows}
    assert by_code["2.1.11"]["name_ru"] == "Врач фтизиатр"
    assert by_code["5.2.1"]["activity_kk"] == "Әуе көлігі қызметі"
    # The shared "lawyer, engineer, economist (levels 7 and 8)" group appears in each manufacturing activity.
    assert by_code["6.1.1.5"]["name_ru"] == "начальник отдела по связям с инвесторами"
    assert by_code["6.5.3.1"]["group_ru"].startswith("Юрист, инженер, экономист")


def test_reference_data_hook_loads_the_catalogue_once():
    config = apps.get_app_config("certificates")
    config.load_reference_data()
    count = Profession.objects.count()
    assert count == len(catalogue_rows()) > 90
    config.load_reference_data()
    assert Profession.objects.count() == count
    assert load_catalogue() == 0


def test_demo_data_hook_files_applications_in_several_states_once():
    from tests.factories import RegionFactory

    RegionFactory(code="470000000")
    config = apps.get_app_config("certificates")
    config.load_demo_data()
    from certificates.models import CertificateApplication

    states = set(CertificateApplication.objects.values_list("status", flat=True))
    assert {"received", "registered", "referred", "issued"} <= states
    count = CertificateApplication.objects.count()
    config.load_demo_data()
    assert CertificateApplication.objects.count() == count
