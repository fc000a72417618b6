"""The yearly survey over REST on the federation host: owners read and edit their organisation's answer while
the campaign is open, each edit a new version; others get 404 (or 403 for a plain member); bad input is a
422 with field messages that writes nothing; concurrent edits from real clients each get their own version."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from federation.models import Membership, Organisation
from federation.tokens import create_api_token
from reporting import survey
from reporting.models import SurveyAnswer, SurveyCampaign
from tenants.models import Venue

from .live import at_once, live_hub, request
from .reporting_fixtures import Stage, make_stage


def _campaign(year: int) -> SurveyCampaign:
    today = timezone.localdate()
    return SurveyCampaign.objects.create(
        year=year, opens_on=today - dt.timedelta(days=10), closes_on=today + dt.timedelta(days=10)
    )


def _owner_token(stage: Stage, organisation: Organisation, role: str = Membership.Role.OWNER) -> str:
    person = stage.person()
    Membership.objects.create(user=person, organisation=organisation, role=role)
    return create_api_token(user=person).secret


def call(method: str, path: str, token: str, body: Any = None) -> Any:
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION="Bearer " + token)
    if method == "GET":
        return client.get(path)
    return client.generic(method, path, data=json.dumps(body), content_type="application/json")


def test_owners_answer_and_edit_the_survey_while_it_is_open(stage: Stage) -> None:
    campaign = _campaign(2026)
    organisation = stage.organisation("music", statistics_consent=True)
    token = _owner_token(stage, organisation)
    path = "/api/v1/organisations/%s/survey/2026/" % organisation.slug

    empty = call("GET", path, token)
    assert empty.status_code == 200, empty.content
    assert empty.json()["answer"] is None and empty.json()["open"] is True

    first = call("PATCH", path, token, {"employees_fte": "2.5", "revenue_band": "10k_50k"})
    assert first.status_code == 200, first.content
    assert first.json()["answer"]["version"] == 1 and first.json()["answer"]["main_sector"] == "music"
    assert first.json()["answer"]["consent"] is True  # the organisation's standing consent, until it says otherwise
    second = call("PATCH", path, token, {"markets": ["regional", "local"], "training_days": "3"})
    body = second.json()["answer"]
    assert body["version"] == 2 and body["markets"] == ["local", "regional"] and body["employees_fte"] == "2.50"
    assert call("GET", path, token).json()["answer"] == body

    survey.close_campaign(campaign)
    closed = call("PATCH", path, token, {"consent": False})
    assert closed.status_code == 409 and "year" in closed.json()["errors"]
    assert call("GET", path, token).json()["open"] is False
    assert SurveyAnswer.objects.filter(organisation=organisation).count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"employees_fte": "-1"}, "employees_fte"),
        ({"employees_fte": "lots"}, "employees_fte"),
        ({"revenue_band": "billions"}, "revenue_band"),
        ({"markets": ["mars"]}, "markets"),
        ({"markets": "local"}, "markets"),
        ({"training_days": "99999"}, "training_days"),
        ({"main_sector": "mining"}, "main_sector"),
        ({"employees_fte": "1"}, "revenue"),  # neither the revenue nor its band
        ({"salary": "1"}, "salary"),
    ],
)
def test_a_bad_answer_is_refused_field_by_field_and_writes_nothing(stage: Stage, body: dict, field: str) -> None:
    _campaign(2026)
    organisation = stage.organisation("web")
    token = _owner_token(stage, organisation)
    response = call("PATCH", "/api/v1/organisations/%s/survey/2026/" % organisation.slug, token, body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert not SurveyAnswer.objects.exists()


def test_the_survey_of_another_organisation_is_not_found(stage: Stage) -> None:
    _campaign(2026)
    organisation, other = stage.organisation("web"), stage.organisation("design")
    path = "/api/v1/organisations/%s/survey/2026/" % organisation.slug
    stranger = _owner_token(stage, other)
    member = _owner_token(stage, organisation, role=Membership.Role.MEMBER)

    for method, body in (("GET", None), ("PATCH", {"employees_fte": "1", "revenue": "1000"})):
        assert call(method, path, stranger, body).status_code == 404
        assert call(method, path, member, body).status_code == 403
        assert Client(HTTP_HOST="localhost").generic(method, path).status_code == 401
    assert call("GET", "/api/v1/organisations/nobody/survey/2026/", stranger).status_code == 404
    no_year = call(
        "GET", "/api/v1/organisations/%s/survey/1999/" % organisation.slug, _owner_token(stage, organisation)
    )
    assert no_year.status_code == 404
    assert not SurveyAnswer.objects.exists()


def test_concurrent_edits_from_real_clients_each_make_a_version(committed_db: None) -> None:
    stage = make_stage(Venue.objects.get(schema_name="gresilles"), Venue.objects.get(schema_name="battants"))
    _campaign(2026)
    organisation = stage.organisation("cinema")
    tokens = [_owner_token(stage, organisation) for _ in range(6)]
    path = "/api/v1/organisations/%s/survey/2026/" % organisation.slug

    with live_hub() as port:

        def edit(i: int) -> int:
            body = {"employees_fte": str(i + 1), "revenue": "50000", "consent": True}
            auth = {"Authorization": "Bearer " + tokens[i]}
            return request(port, "localhost", "PATCH", path, body, auth)[0]

        statuses = at_once(len(tokens), edit)

    assert statuses == [200] * len(tokens)
    versions = SurveyAnswer.objects.filter(organisation=organisation).order_by("version")
    assert [answer.version for answer in versions] == list(range(1, len(tokens) + 1))
    assert {answer.employees_fte for answer in versions} == {Decimal(i + 1) for i in range(len(tokens))}
