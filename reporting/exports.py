"""A table of figures as CSV, with the Table Schema (frictionless) that types its columns, so that open-data
tools load it as typed data: dates or year-months, integers or numbers, booleans, and the codes allowed."""

from __future__ import annotations

import csv
import io
from typing import Any

from federation.models import Sector
from hub.spreadsheets import safe_cell
from tenants.coworking.models import Resource
from tenants.events.models import Event

from .secrecy import Reason
from .stats import DAY, MONTH, StatTable

COLUMNS = ("period", "venue", "venue_name", "sector", "kind", "metric", "unit", "value", "suppressed", "reason")
PERIOD_TYPES = {DAY: "date", MONTH: "yearmonth", "year": "year"}
PERIOD_FORMATS = {DAY: "%Y-%m-%d", MONTH: "%Y-%m", "year": "%Y"}


def csv_text(table: StatTable) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for cell in table.cells:
        writer.writerow(
            [
                cell.label,
                cell.venue.schema_name if cell.venue else "",
                safe_cell(cell.venue.name) if cell.venue else "",
                "" if cell.sector is None else cell.sector or "none",
                cell.kind or "",
                table.metric.name,
                table.metric.unit,
                ""
                if cell.value is None
                else format(cell.value.normalize() if table.metric.unit == "count" else cell.value, "f"),
                "true" if cell.suppressed else "false",
                cell.reason or "",
            ]
        )
    return out.getvalue()


def table_schema(table: StatTable) -> dict[str, Any]:
    """The Table Schema of `csv_text(table)`: empty cells are missing values (a total's venue, sector or
    kind; a suppressed value)."""
    value_type = "integer" if table.metric.unit == "count" else "number"
    return {
        "fields": [
            {
                "name": "period",
                "type": PERIOD_TYPES[table.granularity],
                "description": "The month or year the figure covers (Europe/Paris).",
                "constraints": {"required": True},
            },
            {
                "name": "venue",
                "type": "string",
                "description": "The venue's slug; empty: every venue.",
                "constraints": {"enum": [venue.schema_name for venue in table.venues]},  # the caller's only
            },
            {"name": "venue_name", "type": "string"},
            {
                "name": "sector",
                "type": "string",
                "description": "The member organisations' sector; empty: every sector; none: no organisation.",
                "constraints": {"enum": [*Sector.values, "none"]},
            },
            {
                "name": "kind",
                "type": "string",
                "description": "The kind of resource or event; empty: every kind.",
                "constraints": {"enum": sorted({*Resource.Kind.values, *Event.Kind.values})},
            },
            {"name": "metric", "type": "string", "constraints": {"required": True, "enum": [table.metric.name]}},
            {"name": "unit", "type": "string", "constraints": {"required": True, "enum": [table.metric.unit]}},
            {
                "name": "value",
                "type": value_type,
                "description": "Empty when suppressed by statistical secrecy (or a rate with nothing to divide).",
                **({"constraints": {"minimum": 0}}),
            },
            {
                "name": "suppressed",
                "type": "boolean",
                "trueValues": ["true"],
                "falseValues": ["false"],
                "constraints": {"required": True},
            },
            {
                "name": "reason",
                "type": "string",
                "description": "Why a value is suppressed: fewer than 3 contributors, one dominant "
                "contributor (85 % or more), or secondary suppression.",
                "constraints": {"enum": [Reason.FEWER_THAN_3, Reason.DOMINANCE, Reason.SECONDARY]},
            },
        ],
        "missingValues": [""],
    }
