"""The partners' read models (public schema): figures per venue and day (and per month, kept with them),
the organisations' membership spells, and the yearly enterprise survey.

A figure row holds one contributor's part of one metric: `contributor` ("o12" an organisation, "p34" a
member without an organisation, "a5" an artist without one, "v" the venue itself) never leaves this app;
statistical secrecy needs it to count contributors and find a dominant one."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federation.models import Sector


class Area(models.TextChoices):
    COWORKING = "coworking", _("coworking")
    GALLERY = "gallery", _("gallery")
    EVENTS = "events", _("events")


class Figure(models.Model):
    venue = models.ForeignKey("tenants.Venue", on_delete=models.CASCADE, related_name="+", verbose_name=_("venue"))
    area = models.CharField(_("area"), max_length=10, choices=Area.choices)
    metric = models.CharField(_("metric"), max_length=30)
    kind = models.CharField(_("kind"), max_length=20, blank=True)
    sector = models.CharField(_("sector"), max_length=20, blank=True)
    contributor = models.CharField(_("contributor"), max_length=24, blank=True)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4, default=Decimal("0"))

    class Meta:
        abstract = True


class DailyFigure(Figure):
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        constraints = [
            models.UniqueConstraint(
                fields=["venue", "area", "day", "metric", "kind", "sector", "contributor"],
                name="reporting_daily_one_row",
            )
        ]
        indexes = [models.Index(fields=["metric", "day"], name="reporting_daily_metric_day")]

    def __str__(self) -> str:
        return "%s %s %s %s" % (self.venue_id, self.day, self.metric, self.value)


class MonthlyFigure(Figure):
    """The sum of the month's daily figures (first day of the month in `month`)."""

    month = models.DateField(_("month"))

    class Meta:
        verbose_name = _("monthly figure")
        verbose_name_plural = _("monthly figures")
        constraints = [
            models.UniqueConstraint(
                fields=["venue", "area", "month", "metric", "kind", "sector", "contributor"],
                name="reporting_monthly_one_row",
            )
        ]
        indexes = [models.Index(fields=["metric", "month"], name="reporting_monthly_metric_month")]

    def __str__(self) -> str:
        return "%s %s %s %s" % (self.venue_id, self.month, self.metric, self.value)


class MemberSpell(models.Model):
    """An organisation's membership from activation to departure, at its home venue (kept in step with
    the organisation by `rollups.record_spell`)."""

    organisation = models.OneToOneField(
        "federation.Organisation", on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    venue = models.ForeignKey("tenants.Venue", on_delete=models.CASCADE, related_name="+", verbose_name=_("venue"))
    sector = models.CharField(_("sector"), max_length=20)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True, help_text=_("The day it left."))

    class Meta:
        verbose_name = _("membership spell")
        verbose_name_plural = _("membership spells")

    def __str__(self) -> str:
        return "%s %s → %s" % (self.organisation_id, self.starts_on, self.ends_on or "")


class Market(models.TextChoices):
    LOCAL = "local", _("local (the city and its area)")
    REGIONAL = "regional", _("regional (Bourgogne-Franche-Comté)")
    NATIONAL = "national", _("national")
    INTERNATIONAL = "international", _("international")


class RevenueBand(models.TextChoices):
    UNDER_10K = "lt_10k", _("under 10 000 €")
    UNDER_50K = "10k_50k", _("10 000 to 50 000 €")
    UNDER_150K = "50k_150k", _("50 000 to 150 000 €")
    UNDER_500K = "150k_500k", _("150 000 to 500 000 €")
    OVER_500K = "gte_500k", _("500 000 € or more")


# What a band stands for when an organisation gives a band rather than an amount: its middle (the last,
# open band: its lower bound), so that revenue totals stay additive. Documented in the README.
BAND_ESTIMATE = {
    RevenueBand.UNDER_10K: Decimal("5000"),
    RevenueBand.UNDER_50K: Decimal("30000"),
    RevenueBand.UNDER_150K: Decimal("100000"),
    RevenueBand.UNDER_500K: Decimal("325000"),
    RevenueBand.OVER_500K: Decimal("500000"),
}


class SurveyCampaign(models.Model):
    """The yearly enterprise survey ("état des lieux annuel") about `year`: open from `opens_on`, answers
    editable until `closes_on` (inclusive, Europe/Paris) or until a federation admin closes it."""

    year = models.PositiveSmallIntegerField(
        _("year surveyed"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="reporting_campaign_ordered"
            )
        ]

    def __str__(self) -> str:
        return str(_("Survey %(year)s") % {"year": self.year})


class SurveyAnswer(models.Model):
    """One version of an organisation's answer to a campaign; the highest version is the answer. Versions
    are never changed: an edit adds one, so what was answered when stays known."""

    campaign = models.ForeignKey(
        SurveyCampaign, on_delete=models.PROTECT, related_name="answers", verbose_name=_("campaign")
    )
    organisation = models.ForeignKey(
        "federation.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    version = models.PositiveIntegerField(_("version"))
    employees_fte = models.DecimalField(
        _("employees (full-time equivalent)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10000"))],
    )
    revenue_band = models.CharField(_("revenue band"), max_length=10, choices=RevenueBand.choices, blank=True)
    revenue = models.DecimalField(
        _("revenue (EUR excl. VAT)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000000000"))],
    )
    main_sector = models.CharField(_("main sector"), max_length=20, choices=Sector.choices)
    markets = ArrayField(
        models.CharField(max_length=15, choices=Market.choices),
        verbose_name=_("markets reached"),
        default=list,
        blank=True,
    )
    training_days = models.DecimalField(
        _("training followed (days)"),
        max_digits=6,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("3650"))],
    )
    consent = models.BooleanField(
        _("may be counted in the aggregated statistics"),
        default=False,
        help_text=_("Without consent the answer is kept for the hub but never counted in partners' figures."),
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["campaign", "organisation", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organisation", "version"], name="reporting_answer_version"),
            models.CheckConstraint(
                condition=~models.Q(revenue_band="") | models.Q(revenue__isnull=False),
                name="reporting_answer_revenue_given",
            ),
        ]

    def __str__(self) -> str:
        return "%s — %s (v%d)" % (self.campaign, self.organisation, self.version)
