"""Sign-in lockout: failures lock an account from one address, an account from anywhere (at a higher
count), and an address for any account; each attempt is counted before the password is checked, so
concurrent guesses get exactly the allowed checks; the right password is refused while locked; a success
clears its account's counts; invented forwarded addresses do not spread the attempts."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from io import StringIO
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connections
from django.test import Client, override_settings

from federation.lockout import LockoutBackend, account_prefix
from federation.models import AuditEvent, User
from hub import ratelimit

from .factories import TEST_PASSWORD, UserFactory

FEDERATION = "localhost"
LOCKED = "Too many failed sign-ins"


@pytest.fixture
def admin_user(db: None) -> User:
    return UserFactory.create(email="admin@coursive.example", is_staff=True, is_superuser=True)


def _sign_in(email: str, password: str, *, address: str = "127.0.0.1", **headers: str) -> Any:
    client = Client(HTTP_HOST=FEDERATION, REMOTE_ADDR=address)
    return client.post("/admin/login/", {"username": email, "password": password}, headers=headers)


def _signed_in(response: Any) -> bool:
    return response.status_code == 302  # the form again (200) when refused


def test_an_account_is_locked_from_an_address_after_five_failures_even_for_the_right_password(
    admin_user: User,
) -> None:
    for _ in range(5):
        refused = _sign_in(admin_user.email, "wrong-guess")
        assert refused.status_code == 200 and LOCKED not in refused.content.decode()

    locked = _sign_in(admin_user.email, TEST_PASSWORD)

    assert not _signed_in(locked)
    assert "Too many failed sign-ins: try again in 15 minutes." in locked.content.decode()
    assert not _signed_in(_sign_in(admin_user.email.upper(), TEST_PASSWORD))  # the same account
    # someone guessing elsewhere does not lock the owner out from their own address
    assert _signed_in(_sign_in(admin_user.email, TEST_PASSWORD, address="198.51.100.9"))
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).count() == 7


@override_settings(HUB_LOGIN_FAILURES_PER_ACCOUNT_ANYWHERE=3)
def test_guessing_one_account_from_many_addresses_locks_it_everywhere(admin_user: User) -> None:
    for n in range(3):
        _sign_in(admin_user.email, "wrong-guess", address=f"203.0.113.{n}")
    assert not _signed_in(_sign_in(admin_user.email, TEST_PASSWORD, address="198.51.100.9"))

    out = StringIO()
    call_command("unlock_sign_in", admin_user.email, stdout=out)  # the operators' way out

    assert "count(s) cleared" in out.getvalue()
    assert _signed_in(_sign_in(admin_user.email, TEST_PASSWORD, address="198.51.100.9"))


def test_the_message_is_in_french_for_french_staff(admin_user: User) -> None:
    for _ in range(5):
        _sign_in(admin_user.email, "wrong-guess")
    locked = _sign_in(admin_user.email, TEST_PASSWORD, **{"Accept-Language": "fr"})
    assert "Trop de tentatives de connexion échouées : réessayez dans 15 minutes." in locked.content.decode()


def test_a_success_clears_the_accounts_count(admin_user: User) -> None:
    for _ in range(4):
        _sign_in(admin_user.email, "wrong-guess")
    assert _signed_in(_sign_in(admin_user.email, TEST_PASSWORD))
    for _ in range(4):
        _sign_in(admin_user.email, "wrong-guess")
    assert _signed_in(_sign_in(admin_user.email, TEST_PASSWORD))


@override_settings(HUB_LOGIN_LOCKOUT_SECONDS=1)
def test_the_lock_ends_with_its_window(admin_user: User) -> None:
    for _ in range(5):
        _sign_in(admin_user.email, "wrong-guess")
    time.sleep(2.1)
    assert _signed_in(_sign_in(admin_user.email, TEST_PASSWORD))


@override_settings(HUB_LOGIN_FAILURES_PER_ADDRESS=3, HUB_LOGIN_FAILURES_PER_ACCOUNT=100)
def test_an_address_is_locked_for_every_account_and_locked_attempts_use_no_allowance(admin_user: User) -> None:
    for n in range(3):
        _sign_in(f"nobody{n}@elsewhere.example", "guess", address="203.0.113.5")

    assert not _signed_in(_sign_in(admin_user.email, TEST_PASSWORD, address="203.0.113.5"))
    assert _signed_in(_sign_in(admin_user.email, TEST_PASSWORD, address="203.0.113.6"))
    counter = ratelimit.key("login-address", "203.0.113.5")
    before = ratelimit.peek(counter, limit=3).count
    _sign_in("nobody9@elsewhere.example", "guess", address="203.0.113.5")
    assert ratelimit.peek(counter, limit=3).count == before


@override_settings(HUB_LOGIN_FAILURES_PER_ADDRESS=3, HUB_LOGIN_FAILURES_PER_ACCOUNT=100)
def test_invented_forwarded_addresses_do_not_spread_the_attempts(admin_user: User) -> None:
    for n in range(3):  # not from a trusted proxy: X-Forwarded-For is dropped, the peer's address counts
        _sign_in(f"nobody{n}@elsewhere.example", "guess", address="203.0.113.5", **{"X-Forwarded-For": f"10.9.9.{n}"})
    assert not _signed_in(
        _sign_in(admin_user.email, TEST_PASSWORD, address="203.0.113.5", **{"X-Forwarded-For": "10.9.9.200"})
    )

    with override_settings(HUB_TRUSTED_PROXIES=["10.0.0.1/32"]):  # behind our proxy, the client's address counts
        for n in range(3):
            _sign_in(f"nobody{n}@elsewhere.example", "guess", address="10.0.0.1", **{"X-Forwarded-For": "192.0.2.1"})
        assert not _signed_in(
            _sign_in(admin_user.email, TEST_PASSWORD, address="10.0.0.1", **{"X-Forwarded-For": "192.0.2.1"})
        )
        assert _signed_in(
            _sign_in(admin_user.email, TEST_PASSWORD, address="10.0.0.1", **{"X-Forwarded-For": "192.0.2.2"})
        )


@pytest.fixture
def committed_admin(committed_db: None) -> Iterator[User]:
    yield UserFactory.create(email="admin@coursive.example", is_staff=True, is_superuser=True)


def test_concurrent_guesses_get_exactly_the_allowed_password_checks(
    committed_admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks = []
    check_password = ModelBackend.authenticate

    def counted(self: ModelBackend, *args: Any, **kwargs: Any) -> Any:
        checks.append(1)
        return check_password(self, *args, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counted)

    def guess(n: int) -> int:
        try:
            return int(_sign_in(committed_admin.email, f"guess-{n}").status_code)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(guess, range(12)))

    assert statuses == [200] * 12  # the form again, every time
    assert len(checks) == 5  # the password was tried 5 times, not 12
    assert not _signed_in(_sign_in(committed_admin.email, TEST_PASSWORD))
    assert ratelimit.forget_all(account_prefix(committed_admin.email) + ":*") == 2


def test_the_async_sign_in_path_is_counted_too(admin_user: User) -> None:
    sign_in = async_to_sync(LockoutBackend().aauthenticate)
    for _ in range(5):
        assert sign_in(None, username=admin_user.email, password="wrong-guess") is None
    with pytest.raises(PermissionDenied):
        sign_in(None, username=admin_user.email, password=TEST_PASSWORD)


def test_with_redis_down_sign_ins_still_work(admin_user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    monkeypatch.setattr(ratelimit._redis, "current", redis.Redis(host="127.0.0.1", port=1, retry=Retry(NoBackoff(), 0)))
    for _ in range(6):
        _sign_in(admin_user.email, "wrong-guess")
    assert _signed_in(_sign_in(admin_user.email, TEST_PASSWORD))


@override_settings(HUB_LOGIN_FAILURES_PER_ADDRESS=3)
def test_wrong_partner_tokens_lock_the_address_out_of_the_partners_sign_in(db: None) -> None:
    from tenants.models import Venue

    from .reporting_fixtures import partner_for

    partner = partner_for(Venue.objects.get(schema_name="gresilles"))
    guesser = Client(HTTP_HOST=FEDERATION, REMOTE_ADDR="203.0.113.5")
    assert [guesser.post("/partners/sign-in/", {"token": f"hub_nope{n}"}).status_code for n in range(3)] == [400] * 3

    locked = guesser.post("/partners/sign-in/", {"token": partner.token})  # even the right one

    assert locked.status_code == 429 and LOCKED in locked.content.decode()
    other = Client(HTTP_HOST=FEDERATION, REMOTE_ADDR="203.0.113.6")
    assert other.post("/partners/sign-in/", {"token": partner.token}).status_code == 302
