"""The partners' pages on the federation host: the dashboard (`/partners/`), sign-in with a partner token,
and the CSV export of any figures with its Table Schema. A partner token (`Authorization: Bearer`, or
pasted once into the sign-in form and kept in the session) or a federation admin's session opens them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from federation import lockout
from federation.audit import client_ip
from federation.models import ApiToken, Partner, Sector
from federation.permissions import is_federation_admin
from federation.tokens import TokenRejected, authenticate_token
from hub.errors import HubError

from . import charts, exports, stats, survey
from .models import SurveyCampaign
from .selectors import audit_query, reading_partner, scope

SESSION_KEY = "partner_token"


def principal_of(request: HttpRequest) -> Partner | Any | None:
    """The partner (from a Bearer token or the session's) or the federation admin asking; None otherwise."""
    header = request.META.get("HTTP_AUTHORIZATION", "").split()
    if len(header) == 2 and header[0].lower() == "bearer":
        return _partner(header[1])
    if SESSION_KEY in request.session:
        token = ApiToken.objects.select_related("partner").filter(pk=request.session[SESSION_KEY]).first()
        expired = token is None or token.revoked_at is not None or (token.expires_at or _FOREVER) <= timezone.now()
        partner = None if expired else reading_partner(token)
        if partner is not None:
            return partner
        request.session.pop(SESSION_KEY, None)
    user = getattr(request, "user", None)
    return user if is_federation_admin(user) else None


_FOREVER = dt.datetime.max.replace(tzinfo=dt.UTC)


def _partner(raw: str) -> Partner | None:
    try:
        return reading_partner(authenticate_token(raw))
    except TokenRejected:
        return None


def _unauthenticated() -> JsonResponse:
    response = JsonResponse(
        {"detail": _("Send a partner token: “Authorization: Bearer <token>”."), "code": "unauthenticated"}, status=401
    )
    response["WWW-Authenticate"] = 'Bearer realm="partners"'
    return response


def _invalid(exc: HubError) -> JsonResponse:
    return JsonResponse({"detail": exc.message, "code": exc.code, "fields": exc.fields}, status=400)


def _day(query: QueryDict, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(query.get(name, ""))
    except ValueError as exc:
        raise stats.fail(name, _("A date as YYYY-MM-DD.")) from exc


def table_from(query: QueryDict, allowed: list[Any]) -> stats.StatTable:
    """The table a query string asks for: `metric`, `from`, `to`, `granularity`, `groupBy` (repeated),
    `venues` (repeated); or `survey` (a survey metric), `year`, `groupBy`, `venues`."""
    group_by = [group.lower() for group in query.getlist("groupBy")]
    venues = query.getlist("venues") or None
    if "survey" in query:
        year = query.get("year", "")
        if not re.fullmatch(r"[0-9]{4}", year):  # ASCII digits only: "²⁰²⁵" is not a year
            raise stats.fail("year", _("A year, as 2025."))
        return survey.survey_stats(
            year=int(year), metric=query.get("survey", ""), group_by=group_by, allowed=allowed, venues=venues
        )
    return stats.stats(
        metric=query.get("metric", ""),
        first=_day(query, "from"),
        last=_day(query, "to"),
        granularity=query.get("granularity", stats.MONTH).lower(),
        group_by=group_by,
        allowed=allowed,
        venues=venues,
    )


def _arguments(query: QueryDict) -> dict[str, Any]:
    return {key: query.getlist(key) if len(query.getlist(key)) > 1 else query.get(key) for key in sorted(query)}


@require_GET
def stats_csv(request: HttpRequest) -> HttpResponse:
    principal = principal_of(request)
    if principal is None:
        return _unauthenticated()
    try:
        table = table_from(request.GET, scope(principal))
    except HubError as exc:
        audit_query(principal, "csv", _arguments(request.GET) | {"refused": exc.message}, cells=0, request=request)
        return _invalid(exc)
    audit_query(principal, "csv", _arguments(request.GET), cells=len(table.cells), request=request)
    response = HttpResponse(exports.csv_text(table), content_type="text/csv; charset=utf-8")
    name = "coursive-hub-%s-%s.csv" % (table.metric.name.replace("_", "-"), table.first.isoformat())
    response["Content-Disposition"] = 'attachment; filename="%s"' % name
    schema_url = reverse("partners:stats-schema") + "?" + request.GET.urlencode()
    response["Link"] = '<%s>; rel="describedby"; type="application/json"' % schema_url
    return response


@require_GET
def stats_schema(request: HttpRequest) -> HttpResponse:
    """The Table Schema of the CSV the same query string gives (its types depend on the metric)."""
    principal = principal_of(request)
    if principal is None:
        return _unauthenticated()
    try:
        table = table_from(request.GET, scope(principal))
    except HubError as exc:
        audit_query(principal, "schema", _arguments(request.GET) | {"refused": exc.message}, cells=0, request=request)
        return _invalid(exc)
    audit_query(principal, "schema", _arguments(request.GET), cells=len(table.cells), request=request)
    return JsonResponse(exports.table_schema(table), json_dumps_params={"ensure_ascii": False, "indent": 2})


# -- the dashboard -----------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    error, status = "", 200
    if request.method == "POST":
        address = client_ip(request)
        wait = lockout.address_locked_for("partner-sign-in", address)
        partner = None if wait else _partner(request.POST.get("token", "").strip())
        if partner is not None:
            token = authenticate_token(request.POST["token"].strip())
            request.session.cycle_key()
            request.session[SESSION_KEY] = token.pk
            return HttpResponseRedirect(reverse("partners:dashboard"))
        if wait:
            error, status = lockout.locked_message(wait), 429
        else:  # wrong tokens count against the address like wrong passwords
            lockout.failed_from("partner-sign-in", address)
            error, status = _("This is not a valid partner token."), 400
    return render(request, "reporting/sign_in.html", {"error": error}, status=status)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return HttpResponseRedirect(reverse("partners:sign-in"))


def _months_back(today: dt.date, count: int) -> tuple[dt.date, dt.date]:
    last = today.replace(day=1) - dt.timedelta(days=1)  # the last whole month
    first = last.replace(day=1)
    for _month in range(count - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first, last


def _series(table: stats.StatTable) -> list[charts.Series]:
    by_venue: dict[str, charts.Series] = {}
    for cell in table.cells:
        name = cell.venue.name if cell.venue else _("every venue")
        by_venue.setdefault(name, charts.Series(name, [])).points.append(
            charts.Point(cell.label, cell.value, cell.suppressed)
        )
    return list(by_venue.values())


CHARTS = (
    ("occupancy_rate", ["venue"]),
    ("booked_hours", ["venue"]),
    ("attendance", ["venue"]),
    ("sales_amount", ["venue"]),
)


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    principal = principal_of(request)
    if principal is None:
        return HttpResponseRedirect(reverse("partners:sign-in"))
    allowed = scope(principal)
    months = 24
    try:
        months = min(max(int(request.GET.get("months", months)), 3), 60)
    except ValueError:
        pass
    first, last = _months_back(timezone.localdate(), months)
    sections: list[dict[str, Any]] = []
    for metric, group_by in CHARTS:
        try:
            table = stats.stats(
                metric=metric, first=first, last=last, granularity=stats.MONTH, group_by=group_by, allowed=allowed
            )
        except HubError as exc:
            sections.append({"title": str(stats.METRICS[metric].label), "error": exc.message})
            continue
        series = _series(table)
        query = {"metric": metric, "from": first, "to": last, "granularity": "month", "groupBy": group_by}
        sections.append(
            {
                "title": str(table.metric.label),
                "chart": charts.line_chart(str(table.metric.label), table.metric.unit, series),
                "legend": charts.legend(series),
                "table": table,
                "suppressed": table.suppressed,
                "csv": reverse("partners:stats-csv") + "?" + _encode(query),
            }
        )
    members = _safe(
        lambda: stats.stats(
            metric="active_members", first=last.replace(day=1), last=last, group_by=["sector"], allowed=allowed
        )
    )
    campaign = SurveyCampaign.objects.filter(closed_at__isnull=False).order_by("-year").first() or (
        SurveyCampaign.objects.filter(closes_on__lt=timezone.localdate()).order_by("-year").first()
    )
    survey_table: stats.StatTable | None = (
        _safe(
            lambda: survey.survey_stats(
                year=campaign.year,
                metric="employees_fte",
                group_by=["sector"],
                allowed=allowed,
            )
        )
        if campaign
        else None
    )
    audit_query(principal, "dashboard", {"from": first.isoformat(), "to": last.isoformat()}, cells=0, request=request)
    return render(
        request,
        "reporting/dashboard.html",
        context={
            "principal": principal,
            "partner": principal if isinstance(principal, Partner) else None,
            "venues": allowed,
            "first": first,
            "last": last,
            "months": months,
            "sections": sections,
            "members": members,
            "sector_labels": dict(Sector.choices),
            "campaign": campaign,
            "survey": survey_table,
        },
    )


def _safe(build: Any) -> stats.StatTable | None:
    try:
        return build()
    except HubError:
        return None


def _encode(query: dict[str, Any]) -> str:
    from urllib.parse import urlencode

    return urlencode({k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in query.items()}, doseq=True)
