"""Venue staff work in French: messages from services and the API arrive translated."""

from __future__ import annotations

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from federation.models import User
from federation.tokens import create_api_token, revoke_api_token
from hub.errors import InvalidInput
from tenants.models import Venue
from tenants.services import create_venue


def test_service_errors_are_in_french_for_french_staff(venue_a: Venue) -> None:
    with translation.override("fr"), pytest.raises(InvalidInput) as caught:
        create_venue(slug="coop", name="Coop", city="Saint-Étienne", domain="gresilles.localhost", timezone="Paris")

    assert caught.value.message == "Le lieu ne peut pas être créé."
    assert caught.value.fields["timezone"] == ["« Paris » n’est pas un fuseau horaire connu."]


def test_api_messages_follow_accept_language(member: User) -> None:
    issued = create_api_token(user=member)
    revoke_api_token(token=issued.token)
    client = APIClient(HTTP_HOST="gresilles.localhost", HTTP_AUTHORIZATION="Bearer " + issued.secret)

    french = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="fr")
    english = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")

    assert french.json()["detail"] == "Ce jeton a été révoqué."
    assert english.json()["detail"] == "This token has been revoked."


def test_model_labels_are_translated() -> None:
    with translation.override("fr"):
        assert str(Venue._meta.verbose_name_plural) == "lieux"
        assert str(User._meta.get_field("email").verbose_name) == "adresse e-mail"
