"""The partners' GraphQL schema (`/graphql/partners/`, partner tokens only): aggregated figures and nothing
else. No type here carries a person, an organisation or an amount of one: every figure is a cell that
went through statistical secrecy (`reporting.secrecy`), and every query of figures is audited.

`partners.graphql` beside the federation schema is its SDL (`manage.py graphql_schema --schema
api.graphql.partners.schema.schema --out api/graphql/partners.graphql`); a test fails when it drifts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import graphene
from django.urls import reverse
from graphene.utils.str_converters import to_camel_case
from graphql import GraphQLError, GraphQLResolveInfo

from federation.models import Partner
from hub.errors import HubError
from reporting import stats as figures
from reporting import survey
from reporting.secrecy import Reason
from reporting.selectors import audit_query, scope
from tenants.coworking.models import Resource
from tenants.events.models import Event
from tenants.models import Venue

Metric = graphene.Enum("Metric", [(name.upper(), name) for name in figures.METRICS], description="A figure.")
SurveyMetric = graphene.Enum(
    "SurveyMetric", [(name.upper(), name) for name in survey.SURVEY_METRICS], description="A survey figure."
)
Granularity = graphene.Enum("Granularity", [(g.upper(), g) for g in figures.GRANULARITIES])
GroupBy = graphene.Enum(
    "GroupBy",
    [("VENUE", figures.VENUE), ("SECTOR", figures.SECTOR), ("KIND", figures.KIND), ("MONTH", figures.PERIOD)],
    description="Ways to split a figure. Cells are always per period of the granularity (MONTH says so "
    "explicitly): totals across periods are never given, as they would let a period be differenced out.",
)
SurveyGroupBy = graphene.Enum("SurveyGroupBy", [("VENUE", figures.VENUE), ("SECTOR", figures.SECTOR)])
SuppressionReason = graphene.Enum(
    "SuppressionReason",
    [("FEWER_THAN_3", Reason.FEWER_THAN_3), ("DOMINANCE", Reason.DOMINANCE), ("SECONDARY", Reason.SECONDARY)],
)
KIND_LABELS = dict(Resource.Kind.choices) | dict(Event.Kind.choices)


def partner_of(info: GraphQLResolveInfo) -> Partner:
    return info.context.graphql_partner


class StatVenue(graphene.ObjectType):
    slug = graphene.String(required=True)
    name = graphene.String(required=True)
    city = graphene.String(required=True)

    @staticmethod
    def resolve_slug(venue: Venue, info: GraphQLResolveInfo) -> str:
        return venue.schema_name


class StatCell(graphene.ObjectType):
    period = graphene.String(required=True, description="2025-03 or 2025, by the granularity.")
    venue = graphene.Field(StatVenue, description="Null: every venue.")
    sector = graphene.String(description='Null: every sector. "none": activity of no member organisation.')
    sector_label = graphene.String()
    kind = graphene.String(description="Null: every kind (of resource or event).")
    kind_label = graphene.String()
    value = graphene.Decimal(description="Null when suppressed (or a rate with nothing to divide by).")
    suppressed = graphene.Boolean(required=True)
    reason = graphene.Field(SuppressionReason)

    @staticmethod
    def resolve_period(cell: figures.StatCell, info: GraphQLResolveInfo) -> str:
        return cell.label

    @staticmethod
    def resolve_sector(cell: figures.StatCell, info: GraphQLResolveInfo) -> str | None:
        return None if cell.sector is None else cell.sector or "none"

    @staticmethod
    def resolve_sector_label(cell: figures.StatCell, info: GraphQLResolveInfo) -> str | None:
        return None if cell.sector is None else cell.sector_label

    @staticmethod
    def resolve_kind_label(cell: figures.StatCell, info: GraphQLResolveInfo) -> str | None:
        return None if cell.kind is None else str(KIND_LABELS.get(cell.kind, cell.kind))


class StatTable(graphene.ObjectType):
    metric = graphene.String(required=True)
    label = graphene.String(required=True)
    unit = graphene.String(required=True, description="count, hours, eur, rate (0 to 1), fte or days.")
    granularity = graphene.Field(Granularity, required=True)
    from_ = graphene.Date(required=True, name="from")
    to = graphene.Date(required=True)
    group_by = graphene.List(graphene.NonNull(graphene.String), required=True)
    cells = graphene.List(graphene.NonNull(StatCell), required=True)
    suppressed_count = graphene.Int(required=True)
    csv_url = graphene.String(required=True, description="The same cells as CSV, described by a Table Schema.")

    @staticmethod
    def resolve_metric(table: figures.StatTable, info: GraphQLResolveInfo) -> str:
        return table.metric.name.upper()

    @staticmethod
    def resolve_label(table: figures.StatTable, info: GraphQLResolveInfo) -> str:
        return str(table.metric.label)

    @staticmethod
    def resolve_unit(table: figures.StatTable, info: GraphQLResolveInfo) -> str:
        return table.metric.unit

    @staticmethod
    def resolve_from_(table: figures.StatTable, info: GraphQLResolveInfo) -> dt.date:
        return table.first

    @staticmethod
    def resolve_to(table: figures.StatTable, info: GraphQLResolveInfo) -> dt.date:
        return table.last

    @staticmethod
    def resolve_group_by(table: figures.StatTable, info: GraphQLResolveInfo) -> list[str]:
        return [group.upper() for group in table.group_by]

    @staticmethod
    def resolve_cells(table: figures.StatTable, info: GraphQLResolveInfo) -> list[figures.StatCell]:
        return table.cells

    @staticmethod
    def resolve_suppressed_count(table: figures.StatTable, info: GraphQLResolveInfo) -> int:
        return table.suppressed

    @staticmethod
    def resolve_csv_url(table: figures.StatTable, info: GraphQLResolveInfo) -> str:
        return reverse("partners:stats-csv") + "?" + urlencode(export_arguments(table), doseq=True)


def export_arguments(table: figures.StatTable) -> dict[str, Any]:
    arguments: dict[str, Any]
    if table.survey:
        arguments = {"survey": table.metric.name, "year": table.first.year}
    else:
        arguments = {
            "metric": table.metric.name,
            "granularity": table.granularity,
            "from": table.first.isoformat(),
            "to": table.last.isoformat(),
        }
    arguments["groupBy"] = table.group_by
    arguments["venues"] = [venue.schema_name for venue in table.venues]
    return arguments


class MetricInfo(graphene.ObjectType):
    metric = graphene.String(required=True)
    label = graphene.String(required=True)
    unit = graphene.String(required=True)
    group_by = graphene.List(graphene.NonNull(graphene.String), required=True)
    business = graphene.Boolean(required=True, description="The dominance rule applies (85 %).")


class PartnerInfo(graphene.ObjectType):
    name = graphene.String(required=True)
    kind = graphene.String(required=True)
    territory = graphene.String(required=True)
    venues = graphene.List(graphene.NonNull(StatVenue), required=True, description="The venues in your scope.")


def _plain(value: Any) -> Any:
    """Graphene hands enum members to resolvers: their values, for the services."""
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return getattr(value, "value", value)


def _invalid(exc: HubError) -> GraphQLError:
    details = {to_camel_case(f): [str(m) for m in ms] for f, ms in exc.fields.items()}
    return GraphQLError(exc.message, extensions={"code": exc.code.upper(), "fields": details})


class Query(graphene.ObjectType):
    me = graphene.Field(PartnerInfo, required=True, description="Who you are and what you may see.")
    metrics = graphene.List(graphene.NonNull(MetricInfo), required=True)
    survey_metrics = graphene.List(graphene.NonNull(MetricInfo), required=True)
    stats = graphene.Field(
        StatTable,
        metric=graphene.Argument(Metric, required=True),
        from_=graphene.Argument(graphene.Date, required=True, name="from"),
        to=graphene.Argument(graphene.Date, required=True),
        granularity=graphene.Argument(Granularity, default_value=figures.MONTH),
        group_by=graphene.Argument(graphene.List(graphene.NonNull(GroupBy)), default_value=[]),
        venues=graphene.Argument(
            graphene.List(graphene.NonNull(graphene.String)), description="Slugs; all by default."
        ),
        description="A figure per period, split as asked, every cell protected by statistical secrecy.",
    )
    survey_stats = graphene.Field(
        StatTable,
        year=graphene.Int(required=True),
        metric=graphene.Argument(SurveyMetric, required=True),
        group_by=graphene.Argument(graphene.List(graphene.NonNull(SurveyGroupBy)), default_value=[]),
        venues=graphene.Argument(graphene.List(graphene.NonNull(graphene.String))),
        description="The yearly enterprise survey's figures (consenting answers, once the campaign has closed).",
    )

    @staticmethod
    def resolve_me(root: Any, info: GraphQLResolveInfo) -> PartnerInfo:
        partner = partner_of(info)
        return PartnerInfo(name=partner.name, kind=partner.kind, territory=partner.territory, venues=scope(partner))

    @staticmethod
    def resolve_metrics(root: Any, info: GraphQLResolveInfo) -> list[MetricInfo]:
        return [
            MetricInfo(
                metric=m.name.upper(),
                label=str(m.label),
                unit=m.unit,
                group_by=[d.upper() for d in (*m.dims, figures.PERIOD)],
                business=m.business,
            )
            for m in figures.METRICS.values()
        ]

    @staticmethod
    def resolve_survey_metrics(root: Any, info: GraphQLResolveInfo) -> list[MetricInfo]:
        return [
            MetricInfo(
                metric=name.upper(), label=str(label), unit=unit, group_by=["VENUE", "SECTOR"], business=business
            )
            for name, (label, unit, business) in survey.SURVEY_METRICS.items()
        ]

    @staticmethod
    def resolve_stats(root: Any, info: GraphQLResolveInfo, **arguments: Any) -> figures.StatTable:
        partner = partner_of(info)
        arguments = {name: _plain(value) for name, value in arguments.items()}
        logged = {
            "metric": arguments["metric"],
            "from": arguments["from_"].isoformat(),
            "to": arguments["to"].isoformat(),
            "granularity": arguments["granularity"],
            "groupBy": list(arguments["group_by"] or []),
            "venues": list(arguments.get("venues") or []),
        }
        return _audited(
            info,
            "stats",
            logged,
            lambda: figures.stats(
                metric=arguments["metric"],
                first=arguments["from_"],
                last=arguments["to"],
                granularity=arguments["granularity"],
                group_by=arguments["group_by"] or [],
                allowed=scope(partner),
                venues=arguments.get("venues"),
            ),
        )

    @staticmethod
    def resolve_survey_stats(root: Any, info: GraphQLResolveInfo, **arguments: Any) -> figures.StatTable:
        partner = partner_of(info)
        arguments = {name: _plain(value) for name, value in arguments.items()}
        logged = {
            "year": arguments["year"],
            "metric": arguments["metric"],
            "groupBy": list(arguments["group_by"] or []),
            "venues": list(arguments.get("venues") or []),
        }
        return _audited(
            info,
            "survey_stats",
            logged,
            lambda: survey.survey_stats(
                year=arguments["year"],
                metric=arguments["metric"],
                group_by=arguments["group_by"] or [],
                allowed=scope(partner),
                venues=arguments.get("venues"),
            ),
        )


def _audited(
    info: GraphQLResolveInfo, operation: str, logged: dict[str, Any], build: Callable[[], figures.StatTable]
) -> figures.StatTable:
    """Build the table and audit the query, refusals included (as a field error saying what to change)."""
    partner = partner_of(info)
    try:
        table = build()
    except HubError as exc:
        audit_query(partner, operation, logged | {"refused": exc.message}, cells=0, request=info.context)
        raise _invalid(exc) from exc
    audit_query(partner, operation, logged, cells=len(table.cells), request=info.context)
    return table


schema = graphene.Schema(query=Query)
