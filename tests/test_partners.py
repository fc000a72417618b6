"""What partners reach: the partners' GraphQL schema and the CSV export (with its Table Schema), within their
territory, audited, with nothing personal anywhere; and the yearly survey behind `surveyStats`."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType

from api.graphql.partners.schema import schema as partner_schema
from federation.models import ApiToken, AuditEvent, Membership, Organisation, Partner
from federation.tokens import create_api_token
from hub.errors import Conflict, InvalidInput, NotFound
from reporting import survey
from reporting.models import SurveyAnswer, SurveyCampaign
from sync.relay import drain

from .reporting_fixtures import Stage, partner_for
from .test_reporting import busy_month

STATS = """query($metric: Metric!, $groupBy: [GroupBy!], $venues: [String!]) {
  stats(metric: $metric, from: "2025-03-01", to: "2025-03-31", granularity: MONTH, groupBy: $groupBy, venues: $venues) {
    metric unit from to groupBy suppressedCount csvUrl
    cells { period venue { slug name } sector sectorLabel kind value suppressed reason }
  }
}"""


def ask(token: str, query: str, variables: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
    response = Client(HTTP_HOST="localhost").post(
        "/graphql/partners/",
        {"query": query, "variables": variables or {}},
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer " + token,
    )
    return response.status_code, response.json()


@pytest.fixture
def figures(stage: Stage) -> Stage:
    busy_month(stage)
    drain()
    return stage


def test_a_partner_reads_protected_cells_of_its_own_venues_only(figures: Stage) -> None:
    dijon = partner_for(figures.venue_a)
    status, body = ask(dijon.token, STATS, {"metric": "BOOKED_HOURS", "groupBy": ["SECTOR"]})
    assert status == 200 and "errors" not in body, body
    table = body["data"]["stats"]
    assert table["unit"] == "hours" and table["groupBy"] == ["SECTOR"]
    cells = {cell["sector"]: cell for cell in table["cells"]}
    assert {cell["venue"]["slug"] for cell in table["cells"]} == {"gresilles"}  # a one-venue scope: its own cells
    assert cells["cinema"] == cells["cinema"] | {"value": None, "suppressed": True, "reason": "FEWER_THAN_3"}
    assert Decimal(cells["music"]["value"]) > 0 and cells["music"]["sectorLabel"] == "music"
    assert table["suppressedCount"] >= 2

    status, body = ask(dijon.token, STATS, {"metric": "BOOKED_HOURS", "venues": ["battants"]})
    assert body["data"]["stats"] is None
    assert body["errors"][0]["extensions"] == {"code": "INVALID", "fields": {"venues": ["Unknown venue: battants."]}}
    status, body = ask(dijon.token, STATS, {"metric": "BOOKED_HOURS", "venues": ["nowhere"]})
    assert body["errors"][0]["extensions"]["fields"] == {"venues": ["Unknown venue: nowhere."]}  # the same answer

    both = partner_for(figures.venue_a, figures.venue_b, name="Région")
    status, body = ask(both.token, STATS, {"metric": "BOOKINGS", "groupBy": []})
    assert [cell["venue"] for cell in body["data"]["stats"]["cells"]] == [None]  # every venue, one total


def test_refusals_are_clear_and_writes_nothing(figures: Stage) -> None:
    dijon = partner_for(figures.venue_a)
    status, body = ask(dijon.token, STATS, {"metric": "OCCUPANCY_RATE", "groupBy": ["SECTOR"]})
    assert body["errors"][0]["extensions"]["fields"] == {"groupBy": ["This figure cannot be split by SECTOR."]}
    status, body = ask(dijon.token, STATS, {"metric": "NOPE"})
    assert status == 400 and "NOPE" in body["errors"][0]["message"]
    far = """{ stats(metric: BOOKINGS, from: "2000-01-01", to: "2025-01-01", granularity: MONTH) { metric } }"""
    status, body = ask(dijon.token, far)
    assert body["errors"][0]["extensions"]["fields"] == {"to": ["At most 120 periods of this granularity at a time."]}
    for day in ("9999-12-31", "0001-01-01"):  # refused before any period is counted
        status, body = ask(dijon.token, far.replace("2025-01-01", day).replace("MONTH", "YEAR"))
        assert status == 200 and "to" in body["errors"][0]["extensions"]["fields"], body
    status, body = ask(dijon.token, far.replace("MONTH", "DAY"))  # days are not published
    assert status == 400 and "DAY" in body["errors"][0]["message"]


def test_only_partner_tokens_open_the_partners_schema(figures: Stage) -> None:
    query = {"query": "{ me { name venues { slug } } }"}
    anonymous = Client(HTTP_HOST="localhost").post("/graphql/partners/", query, content_type="application/json")
    assert anonymous.status_code == 401
    person = create_api_token(user=figures.person()).secret
    refused = Client(HTTP_HOST="localhost").post(
        "/graphql/partners/", query, content_type="application/json", HTTP_AUTHORIZATION="Bearer " + person
    )
    assert refused.status_code == 403
    dijon = partner_for(figures.venue_a)
    _, body = ask(dijon.token, query["query"])
    assert body == {"data": {"me": {"name": "Grand Dijon", "venues": [{"slug": "gresilles"}]}}}
    on_the_members_api = Client(HTTP_HOST="localhost").post(
        "/graphql/", query, content_type="application/json", HTTP_AUTHORIZATION="Bearer " + dijon.token
    )
    assert on_the_members_api.status_code == 403


def test_nothing_personal_is_reachable_through_any_field() -> None:
    allowed_types = {"Query", "PartnerInfo", "StatVenue", "StatTable", "StatCell", "MetricInfo"}
    reachable: set[str] = set()
    pending = [partner_schema.graphql_schema.query_type]
    while pending:
        kind = pending.pop()
        if kind.name in reachable:
            continue
        reachable.add(kind.name)
        for field in kind.fields.values():
            inner = field.type
            while isinstance(inner, GraphQLNonNull | GraphQLList):
                inner = inner.of_type
            if isinstance(inner, GraphQLObjectType):
                pending.append(inner)
    assert reachable == allowed_types
    fields = {name for t in reachable for name in partner_schema.graphql_schema.type_map[t].fields}
    assert not fields & {"email", "person", "people", "organisation", "organisations", "contributor", "siret", "user"}
    assert "mutation" not in str(partner_schema).lower().split("schema {")[-1][:80]
    written = (Path(__file__).resolve().parent.parent / "api/graphql/partners.graphql").read_text()
    assert written == str(partner_schema) + "\n" or written == str(partner_schema), (
        "api/graphql/partners.graphql is stale: run `manage.py graphql_schema "
        "--schema api.graphql.partners.schema.schema --out api/graphql/partners.graphql`"
    )


def test_every_partner_query_is_audited(figures: Stage) -> None:
    dijon = partner_for(figures.venue_a)
    ask(dijon.token, STATS, {"metric": "SALES", "groupBy": ["SECTOR"]})
    ask(dijon.token, STATS, {"metric": "SALES", "venues": ["battants"]})
    Client(HTTP_HOST="localhost").get(
        "/partners/stats.csv?metric=sales&from=2025-03-01&to=2025-03-31",
        HTTP_AUTHORIZATION="Bearer " + dijon.token,
    )
    rows = list(AuditEvent.objects.filter(action="partner.query").order_by("id"))
    assert [(r.detail["operation"], r.actor_label, r.target_id) for r in rows] == [
        ("stats", "Grand Dijon", str(dijon.partner.pk))
    ] * 2 + [("csv", "Grand Dijon", str(dijon.partner.pk))]
    assert rows[0].detail["arguments"]["groupBy"] == ["sector"] and rows[0].detail["cells"] > 0
    assert "refused" in rows[1].detail["arguments"]


def test_the_csv_loads_as_typed_data_with_its_table_schema(figures: Stage, tmp_path: Path) -> None:
    from frictionless import Resource, Schema

    both = partner_for(figures.venue_a, figures.venue_b, name="Région")
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION="Bearer " + both.token)
    query = "metric=booked_hours&from=2025-02-01&to=2025-03-31&groupBy=venue&groupBy=sector"
    response = client.get("/partners/stats.csv?" + query)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Link"].startswith("</partners/stats.schema.json?")
    descriptor = client.get("/partners/stats.schema.json?" + query).json()
    (tmp_path / "stats.csv").write_bytes(response.content)

    resource = Resource(path="stats.csv", basepath=str(tmp_path), schema=Schema.from_descriptor(descriptor))
    report = resource.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    rows = resource.read_rows()  # type: ignore[attr-defined]
    assert len(rows) == 2 * 2 * 10  # two months × two venues × nine sectors and "none"
    suppressed = [row for row in rows if row["suppressed"]]
    assert suppressed and all(row["value"] is None and row["reason"] for row in suppressed)
    assert all(isinstance(row["value"], Decimal) for row in rows if not row["suppressed"])
    assert len({row["period"] for row in rows}) == 2  # typed as year-months

    text = list(csv.reader(io.StringIO(response.content.decode())))
    assert text[0] == [
        "period",
        "venue",
        "venue_name",
        "sector",
        "kind",
        "metric",
        "unit",
        "value",
        "suppressed",
        "reason",
    ]


def test_the_csv_refuses_bad_input_with_field_messages(figures: Stage) -> None:
    dijon = partner_for(figures.venue_a)
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION="Bearer " + dijon.token)
    bad = client.get("/partners/stats.csv?metric=bookings&from=yesterday&to=2025-03-31")
    assert bad.status_code == 400 and bad.json()["fields"] == {"from": ["A date as YYYY-MM-DD."]}
    assert (
        client.get("/partners/stats.csv?metric=bookings&from=2025-03-01&to=2025-03-31&venues=battants").status_code
        == 400
    )
    assert Client(HTTP_HOST="localhost").get("/partners/stats.csv?metric=bookings").status_code == 401


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("metric=bookings&from=2025-01-01&to=9999-12-31&granularity=year", "to"),
        ("metric=bookings&from=0001-01-01&to=2025-01-01&granularity=month", "from"),
        ("metric=bookings&from=9999-12-31&to=9999-12-31", "from"),
        ("metric=bookings&from=2025-01-01&to=2025-01-31&granularity=day", "granularity"),
        ("metric=bookings&from=2025-01-01&to=2025-01-31&granularity=%C3%A9t%C3%A9", "granularity"),
        ("survey=respondents&year=%C2%B2%E2%81%B0%C2%B2%E2%81%B5", "year"),  # superscript digits
        ("survey=respondents&year=99999", "year"),
        ("metric=bookings&from=2025-01-01&to=2025-01-31&groupBy=venue&groupBy=nope", "groupBy"),
        ("metric=bookings&from=2025-01-01", "to"),
    ],
)
@pytest.mark.parametrize("path", ["/partners/stats.csv", "/partners/stats.schema.json"])
def test_odd_query_strings_get_a_400_naming_the_field(stage: Stage, path: str, query: str, field: str) -> None:
    dijon = partner_for(stage.venue_a)
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION="Bearer " + dijon.token)
    response = client.get(path + "?" + query)
    assert response.status_code == 400 and field in response.json()["fields"], response.content


# -- the yearly survey ------------------------------------------------------------------------------------------


@pytest.fixture
def campaign(db: None) -> SurveyCampaign:
    today = timezone.localdate()
    return SurveyCampaign.objects.create(
        year=today.year - 1, opens_on=today - dt.timedelta(days=10), closes_on=today + dt.timedelta(days=10)
    )


def owner_of(stage: Stage, organisation: Organisation) -> Any:
    person = stage.person()
    Membership.objects.create(user=person, organisation=organisation, role=Membership.Role.OWNER)
    return person


def test_answers_are_versioned_and_editable_until_the_campaign_closes(stage: Stage, campaign: SurveyCampaign) -> None:
    organisation = stage.organisation("music")
    owner = owner_of(stage, organisation)
    first = survey.answer(
        year=campaign.year,
        organisation_id=organisation.pk,
        person=owner,
        changes={
            "employees_fte": Decimal("2.5"),
            "revenue_band": "10k_50k",
            "markets": ["local", "national"],
            "consent": True,
        },
    )
    second = survey.answer(
        year=campaign.year, organisation_id=organisation.pk, person=owner, changes={"employees_fte": Decimal("3")}
    )
    assert (first.version, second.version) == (1, 2)
    assert second.revenue_band == "10k_50k" and second.markets == ["local", "national"] and second.consent
    assert list(survey.latest_answers(campaign)) == [second]

    with pytest.raises(InvalidInput) as invalid:
        survey.answer(year=campaign.year, organisation_id=organisation.pk, person=owner, changes={"employees_fte": -1})
    assert "employees_fte" in invalid.value.fields
    with pytest.raises(NotFound):  # not one of theirs: as if it did not exist
        survey.answer(year=campaign.year, organisation_id=organisation.pk, person=stage.person(), changes={})
    member = stage.person()
    Membership.objects.create(user=member, organisation=organisation, role=Membership.Role.MEMBER)
    with pytest.raises(survey.NotAllowed):
        survey.answer(year=campaign.year, organisation_id=organisation.pk, person=member, changes={})

    survey.close_campaign(campaign)
    with pytest.raises(Conflict):
        survey.answer(year=campaign.year, organisation_id=organisation.pk, person=owner, changes={})
    assert SurveyAnswer.objects.count() == 2


def test_survey_figures_come_after_closing_from_consenting_answers_under_secrecy(
    stage: Stage, campaign: SurveyCampaign
) -> None:
    a = stage.venue_a
    answers = [("web", "40000", True), ("web", "45000", True), ("web", "50000", True), ("web", "9000000", False)]
    answers += [("design", "800000", True), ("design", "20000", True), ("design", "30000", True)]
    answers += [("music", "10000", True)] * 3  # the smallest published sector: it is hidden with design
    for sector, revenue, consent in answers:
        organisation = stage.organisation(sector, a)
        survey.answer(
            year=campaign.year,
            organisation_id=organisation.pk,
            person=owner_of(stage, organisation),
            changes={"employees_fte": Decimal(1), "revenue": Decimal(revenue), "consent": consent},
        )
    with pytest.raises(InvalidInput) as still_open:
        survey.survey_stats(year=campaign.year, metric="revenue", group_by=["sector"], allowed=[a])
    assert "year" in still_open.value.fields
    survey.close_campaign(campaign)

    cells = {
        c.sector: c
        for c in survey.survey_stats(year=campaign.year, metric="revenue", group_by=["sector"], allowed=[a]).cells
    }
    assert cells["web"].value == Decimal("135000.00")  # the answer without consent is not counted
    assert cells["design"].reason == "dominance"
    assert cells["music"].reason == "secondary"
    dijon = partner_for(a)
    _, body = ask(
        dijon.token,
        "query($y: Int!) { surveyStats(year: $y, metric: RESPONDENTS, groupBy: [SECTOR]) "
        "{ cells { sector value reason } } }",
        {"y": campaign.year},
    )
    by_sector = {c["sector"]: c for c in body["data"]["surveyStats"]["cells"]}
    assert by_sector["web"]["value"] == "3" and by_sector["theatre"]["value"] == "0"
    assert AuditEvent.objects.filter(action="partner.query", detail__operation="survey_stats").count() == 1


def test_the_dashboard_opens_with_a_partner_token_or_an_admin_session(figures: Stage) -> None:
    dijon = partner_for(figures.venue_a)
    client = Client(HTTP_HOST="localhost")
    assert client.get("/partners/")["Location"] == "/partners/sign-in/"
    assert client.post("/partners/sign-in/", {"token": "hub_nope"}).status_code == 400
    signed = client.post("/partners/sign-in/", {"token": dijon.token})
    assert signed.status_code == 302
    page = client.get("/partners/")
    html = page.content.decode()
    assert page.status_code == 200 and html.count("<svg") == 4 and "Grand Dijon" in html
    assert "52 Battants" not in html  # another territory's venue never shows
    assert "cdn" not in html.lower() and "<script" not in html  # works offline
    client.post("/partners/sign-out/")
    assert client.get("/partners/").status_code == 302

    for end in ("revoked", "partner deactivated"):  # the session's token is checked again at each request
        again = Client(HTTP_HOST="localhost")
        partner = partner_for(figures.venue_a, name="Grand Dijon " + end)
        again.post("/partners/sign-in/", {"token": partner.token})
        assert again.get("/partners/").status_code == 200
        if end == "revoked":
            ApiToken.objects.filter(partner=partner.partner).update(revoked_at=timezone.now())
        else:
            Partner.objects.filter(pk=partner.partner.pk).update(is_active=False)
        assert again.get("/partners/")["Location"] == "/partners/sign-in/", end

    admin = figures.person()
    admin.is_superuser = admin.is_staff = True
    admin.save()
    staff = Client(HTTP_HOST="localhost")
    staff.force_login(admin)
    assert staff.get("/partners/").status_code == 200
