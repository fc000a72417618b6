"""The yearly enterprise survey: campaigns, answers (a new version at each edit, until the campaign
closes) and the partners' figures from them, protected like every other table (`secrecy`).

Only consenting answers are counted, and a campaign's figures are published once it has closed: answers
that still change would let a partner difference one organisation's edit out of two readings."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from federation.models import Organisation, Sector, User
from federation.permissions import is_federation_admin, owns
from hub.errors import Conflict, HubError, InvalidInput, NotFound, invalid_from
from tenants.models import Venue

from . import secrecy, stats
from .models import BAND_ESTIMATE, SurveyAnswer, SurveyCampaign

FIELDS = ("employees_fte", "revenue_band", "revenue", "main_sector", "markets", "training_days", "consent")
SURVEY_METRICS: dict[str, tuple[Any, str, bool]] = {  # name: (label, unit, business figure)
    "respondents": (gettext_lazy("organisations that answered"), "count", False),
    "employees_fte": (gettext_lazy("employees (full-time equivalent)"), "fte", True),
    "revenue": (gettext_lazy("revenue (EUR excl. VAT)"), "eur", True),
    "training_days": (gettext_lazy("training followed (days)"), "days", True),
    "market_local": (gettext_lazy("organisations reaching local markets"), "count", False),
    "market_regional": (gettext_lazy("organisations reaching regional markets"), "count", False),
    "market_national": (gettext_lazy("organisations reaching the national market"), "count", False),
    "market_international": (gettext_lazy("organisations reaching international markets"), "count", False),
}
SURVEY_DIMS = (stats.VENUE, stats.SECTOR)


class NotAllowed(HubError):
    code = "not_allowed"


def is_open(campaign: SurveyCampaign, now: dt.datetime | None = None) -> bool:
    today = timezone.localdate(now or timezone.now())
    return campaign.closed_at is None and campaign.opens_on <= today <= campaign.closes_on


def is_closed(campaign: SurveyCampaign, now: dt.datetime | None = None) -> bool:
    return campaign.closed_at is not None or timezone.localdate(now or timezone.now()) > campaign.closes_on


def latest_answers(campaign: SurveyCampaign) -> Any:
    newest = SurveyAnswer.objects.filter(campaign=campaign, organisation=OuterRef("organisation")).order_by("-version")
    return SurveyAnswer.objects.filter(campaign=campaign, version=Subquery(newest.values("version")[:1]))


def answer_of(campaign: SurveyCampaign, organisation: Organisation) -> SurveyAnswer | None:
    return SurveyAnswer.objects.filter(campaign=campaign, organisation=organisation).order_by("-version").first()


def may_answer(person: Any, organisation: Organisation) -> bool:
    return owns(person, organisation) or is_federation_admin(person)


@transaction.atomic
def answer(
    *,
    year: int,
    organisation_id: int,
    person: User,
    changes: Mapping[str, Any],
    now: dt.datetime | None = None,
) -> SurveyAnswer:
    """Record a new version of the organisation's answer: the previous one with `changes` applied. Only its
    owners (or a federation admin) answer; the campaign must be open."""
    organisation = (
        Organisation.objects.select_for_update(no_key=True).filter(pk=organisation_id).first()
        if isinstance(organisation_id, int)
        else None
    )
    if organisation is None or not (may_answer(person, organisation) or _member(person, organisation)):
        raise NotFound(_("No such organisation."))
    if not may_answer(person, organisation):
        raise NotAllowed(
            _("Only the organisation's owners answer the survey."), fields={"organisation": [_("Not an owner.")]}
        )
    campaign = SurveyCampaign.objects.filter(year=year).first()
    if campaign is None:
        raise NotFound(_("There is no survey for %(year)s.") % {"year": year}, fields={"year": [_("No survey.")]})
    if not is_open(campaign, now):
        raise Conflict(
            _("The %(year)s survey is not open for answers.") % {"year": year},
            fields={"year": [_("Closed, or not open yet.")]},
        )
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise InvalidInput(_("The answer is not valid."), fields={name: [_("Unknown field.")] for name in unknown})
    previous = answer_of(campaign, organisation)
    values: dict[str, Any] = (
        {name: getattr(previous, name) for name in FIELDS}
        if previous
        else {"main_sector": organisation.sector, "consent": organisation.statistics_consent}
    )
    values.update(changes)
    if isinstance(values.get("markets"), list | tuple | set):
        values["markets"] = sorted(set(values["markets"]))
    version = SurveyAnswer(
        campaign=campaign,
        organisation=organisation,
        version=(previous.version + 1) if previous else 1,
        answered_by=person,
        answered_at=now or timezone.now(),
        **values,
    )
    errors: dict[str, list[str]] = {}
    try:
        version.full_clean(exclude=["campaign", "organisation", "version", "answered_by"])
    except ValidationError as exc:
        errors = invalid_from(exc).fields
    if not version.revenue_band and version.revenue is None:
        errors.setdefault("revenue", []).append(_("Give the revenue or its band."))
    if errors:
        raise InvalidInput(_("The answer is not valid."), fields=errors)
    version.save()
    return version


def current_answer(*, year: int, organisation: Organisation, person: Any) -> tuple[SurveyCampaign, SurveyAnswer | None]:
    """The campaign of `year` and the organisation's latest answer, for its owners (and federation admins)."""
    if not may_answer(person, organisation):
        if _member(person, organisation):
            raise NotAllowed(_("Only the organisation's owners see its survey answers."))
        raise NotFound(_("No such organisation."))
    campaign = SurveyCampaign.objects.filter(year=year).first()
    if campaign is None:
        raise NotFound(_("There is no survey for %(year)s.") % {"year": year}, fields={"year": [_("No survey.")]})
    return campaign, answer_of(campaign, organisation)


def _member(person: Any, organisation: Organisation) -> bool:
    return isinstance(person, User) and organisation.memberships.filter(user=person).exists()


@transaction.atomic
def close_campaign(campaign: SurveyCampaign, now: dt.datetime | None = None) -> SurveyCampaign:
    SurveyCampaign.objects.filter(pk=campaign.pk, closed_at=None).update(closed_at=now or timezone.now())
    campaign.refresh_from_db()
    return campaign


# -- figures -----------------------------------------------------------------------------------------------------


def _value(metric: str, row: SurveyAnswer) -> Decimal:
    if metric == "respondents":
        return Decimal(1)
    if metric == "revenue":
        return row.revenue if row.revenue is not None else BAND_ESTIMATE[row.revenue_band]  # type: ignore[index]
    if metric.startswith("market_"):
        return Decimal(1) if metric.removeprefix("market_") in row.markets else Decimal(0)
    return Decimal(getattr(row, metric))


def survey_stats(
    *, year: int, metric: str, group_by: Sequence[str], allowed: Iterable[Venue], venues: Sequence[str] | None = None
) -> stats.StatTable:
    if metric not in SURVEY_METRICS:
        raise stats.fail("metric", _("Unknown metric: choose among %(names)s.") % {"names": ", ".join(SURVEY_METRICS)})
    campaign = SurveyCampaign.objects.filter(year=year).first()
    if campaign is None:
        raise stats.fail("year", _("There is no survey for %(year)s.") % {"year": year})
    if not is_closed(campaign):
        raise stats.fail(
            "year", _("The %(year)s survey is still open: its figures come when it closes.") % {"year": year}
        )
    first = dt.date(year, 1, 1)
    _found, shown, groups = stats.check_request(
        metric=metric,
        first=first,
        last=first,
        granularity=stats.YEAR,
        group_by=group_by,
        allowed=allowed,
        venues=venues,
        dims=SURVEY_DIMS,
    )
    label, unit, business = SURVEY_METRICS[metric]
    found = stats.Metric(metric, label, unit, SURVEY_DIMS, business=business)
    everyone = stats.hub_venues()
    domains = [[venue.pk for venue in everyone], [*Sector.values]]
    inner: stats.Inner = defaultdict(dict)
    rows = latest_answers(campaign).filter(consent=True).select_related("organisation")
    for row in rows:
        value = _value(metric, row)
        if value and row.organisation.home_venue_id in domains[0]:
            inner[(row.organisation.home_venue_id, row.main_sector)]["o%d" % row.organisation_id] = value
    protected = secrecy.protect(inner, domains, business=business)
    table = stats.StatTable(found, stats.YEAR, first, dt.date(year, 12, 31), groups, shown, survey=True)
    table.cells = stats.slice_cells(found, first, stats.YEAR, protected, None, domains, groups, shown, everyone)
    return table
