"""Staff sign-in is throttled per username and per client address."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from common.redis_client import redis_client
from tenants.login_throttle import KEY_PREFIX

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_counts():
    def clear() -> None:
        for key in redis_client().scan_iter(f"{KEY_PREFIX}*"):
            redis_client().delete(key)

    clear()
    yield
    clear()


def _sign_in(username: str, password: str, address: str = "10.1.1.1") -> int:
    client = Client(REMOTE_ADDR=address)
    return client.post("/admin/login/", {"username": username, "password": password}).status_code


def test_after_five_failures_even_the_right_password_waits(settings):
    User.objects.create_superuser("ops", "ops@example.com", "right-password")
    for _ in range(settings.BEACON_LOGIN_FAILURES_ALLOWED):
        assert _sign_in("ops", "wrong") == 200  # the form again, with its error
    assert _sign_in("ops", "right-password") == 429
    assert _sign_in("ops", "right-password", address="10.2.2.2") == 429  # the username is counted too


def test_another_user_from_another_address_is_not_held_back(settings):
    User.objects.create_superuser("ana", "ana@example.com", "her-password")
    for _ in range(settings.BEACON_LOGIN_FAILURES_ALLOWED):
        _sign_in("mallory-target", "guess", address="10.9.9.9")
    assert _sign_in("ana", "her-password", address="10.3.3.3") == 302  # signed in
