"""Personal API tokens: shown once, stored hashed, `Authorization: Bearer`, revocation and expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from federation.models import ApiToken, User
from federation.tokens import create_api_token, revoke_api_token
from hub.errors import InvalidInput

from .factories import UserFactory

HOSTS = ["localhost", "gresilles.localhost", "battants.localhost"]


def _me(host: str, authorization: str | None) -> tuple[int, dict]:
    client = APIClient(HTTP_HOST=host)
    if authorization is not None:
        client.credentials(HTTP_AUTHORIZATION=authorization)
    response = client.get("/api/v1/me/")
    return response.status_code, response.json()


def test_create_token_command_prints_a_token_that_is_stored_hashed(
    member: User, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("create_token", "MEMBER@members.example", "--name", "laptop")
    secret = capsys.readouterr().out.strip()

    token = ApiToken.objects.get(user=member)
    assert secret.startswith("hub_" + token.prefix + "_")
    assert token.name == "laptop"
    assert secret not in {token.digest, token.prefix}
    stored = ApiToken.objects.filter(user=member).values_list("prefix", "digest", "name").get()
    assert not any(secret in str(value) for value in stored)
    for host in HOSTS:
        status, body = _me(host, "Bearer " + secret)
        assert status == 200, host
        assert body["email"] == "member@members.example"


def test_create_token_command_refuses_unknown_people_and_bad_expiry(member: User) -> None:
    with pytest.raises(CommandError, match="No person"):
        call_command("create_token", "nobody@members.example")
    with pytest.raises(CommandError, match="positive"):
        call_command("create_token", "member@members.example", "--expires-days", "0")
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer",
        "Bearer hub_unknown_token",
        "Bearer not-even-our-format",
        "Bearer a b",
        "Token hub_whatever",
        "Bearer " + "x" * 5000,
    ],
)
def test_missing_or_bad_tokens_get_401(db: None, authorization: str | None) -> None:
    status, body = _me("gresilles.localhost", authorization)
    assert status == 401
    assert body["detail"]


def test_revoked_token_is_refused(member: User) -> None:
    issued = create_api_token(user=member)
    assert _me("localhost", "Bearer " + issued.secret)[0] == 200

    revoke_api_token(token=issued.token)
    first_revocation = issued.token.revoked_at
    revoke_api_token(token=issued.token)

    assert issued.token.revoked_at == first_revocation
    status, body = _me("localhost", "Bearer " + issued.secret)
    assert (status, body["code"]) == (401, "token_revoked")


def test_expired_token_is_refused(member: User) -> None:
    issued = create_api_token(user=member, expires_at=timezone.now() + timedelta(hours=1))
    assert _me("battants.localhost", "Bearer " + issued.secret)[0] == 200

    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    status, body = _me("battants.localhost", "Bearer " + issued.secret)
    assert (status, body["code"]) == (401, "token_expired")


def test_token_of_a_deactivated_person_is_refused(member: User) -> None:
    issued = create_api_token(user=member)
    User.objects.filter(pk=member.pk).update(is_active=False)
    assert _me("localhost", "Bearer " + issued.secret)[0] == 401


def test_tokens_cannot_be_issued_to_inactive_people_or_already_expired(db: None) -> None:
    with pytest.raises(InvalidInput):
        create_api_token(user=UserFactory.create(is_active=False))
    with pytest.raises(InvalidInput):
        create_api_token(user=UserFactory.create(), expires_at=timezone.now() - timedelta(minutes=1))
    assert not ApiToken.objects.exists()


def test_last_used_is_recorded_but_not_rewritten_on_every_request(member: User) -> None:
    issued = create_api_token(user=member)
    _me("localhost", "Bearer " + issued.secret)
    issued.token.refresh_from_db()
    first_use = issued.token.last_used_at
    assert first_use is not None

    _me("localhost", "Bearer " + issued.secret)
    issued.token.refresh_from_db()
    assert issued.token.last_used_at == first_use


def test_views_deny_by_default(member: User) -> None:
    from rest_framework.views import APIView

    from federation.permissions import DenyAll

    assert APIView.permission_classes == [DenyAll]
