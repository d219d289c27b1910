import pytest
from axes.models import AccessAttempt
from django.conf import settings

from tests.factories import ClerkFactory


@pytest.mark.django_db
def test_clerk_login_is_locked_after_repeated_wrong_passwords(client):
    clerk = ClerkFactory(username="aigerim")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "aigerim", "password": "wrong-password"}, REMOTE_ADDR="10.0.0.7")
    locked = client.post(
        "/admin/login/", {"username": "aigerim", "password": "correct-horse-battery"}, REMOTE_ADDR="10.0.0.7"
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username=clerk.username).exists()


@pytest.mark.django_db
def test_clerk_logs_in_with_the_right_password(client):
    ClerkFactory(username="nurlan")
    response = client.post("/admin/login/", {"username": "nurlan", "password": "correct-horse-battery"})
    assert response.status_code == 302 and "_auth_user_id" in client.session
