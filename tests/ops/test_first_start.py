"""manage.py first_start: migrate, reference data, the first administrator — idempotent."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from casework.models import TerritorialUnit

pytestmark = pytest.mark.django_db


def test_first_start_loads_reference_data_and_creates_the_administrator_once(monkeypatch):
    monkeypatch.delenv("DJANGO_ADMIN_PASSWORD", raising=False)
    out = io.StringIO()
    call_command("first_start", "--admin-username", "boss", "--admin-email", "boss@example.kz", stdout=out)
    user = get_user_model().objects.get(username="boss")
    assert user.is_superuser and user.is_staff and user.groups.filter(name="administrator").exists()
    password = out.getvalue().split("shown once, change it after the first login): ")[1].split()[0]
    assert user.check_password(password)
    assert TerritorialUnit.objects.exists()

    again = io.StringIO()
    call_command("first_start", "--admin-username", "boss", "--skip-migrate", stdout=again)
    assert "exists already" in again.getvalue()
    assert get_user_model().objects.get(username="boss").check_password(password)


def test_a_weak_admin_password_from_the_environment_is_refused(monkeypatch):
    monkeypatch.setenv("DJANGO_ADMIN_PASSWORD", "12345")
    with pytest.raises(CommandError, match="DJANGO_ADMIN_PASSWORD"):
        call_command("first_start", "--admin-username", "boss", "--skip-migrate", stdout=io.StringIO())
    assert not get_user_model().objects.filter(username="boss").exists()
