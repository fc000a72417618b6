"""Coworking of one venue (lives in the venue's schema): resources, their rules and prices, opening
hours, closures and bookings. Times are stored in UTC; ranges are half-open [start, end)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateTimeRangeField, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Func
from django.utils.translation import gettext_lazy as _

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]


class Resource(models.Model):
    """Something a venue lets members book: a desk, an office, a meeting room, a studio, equipment.

    An *exclusive* resource takes one booking at a time (the database refuses overlaps); a *pooled* one
    (an open space) takes bookings until its seats are full."""

    class Kind(models.TextChoices):
        DESK = "desk", _("desk")
        OFFICE = "office", _("office")
        MEETING_ROOM = "meeting_room", _("meeting room")
        STUDIO = "studio", _("studio")
        EQUIPMENT = "equipment", _("equipment")

    class Mode(models.TextChoices):
        EXCLUSIVE = "exclusive", _("exclusive (one booking at a time)")
        POOLED = "pooled", _("pooled (seats)")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.EXCLUSIVE)
    capacity = models.PositiveIntegerField(_("capacity"), default=1, validators=[MinValueValidator(1)])
    description = models.TextField(_("description"), blank=True)
    photo_url = models.URLField(_("photo URL"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    network_bookable = models.BooleanField(
        _("bookable by network members"),
        default=True,
        help_text=_("Members of other venues may book it, on their network terms."),
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot (minutes)"), default=15, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    min_minutes = models.PositiveSmallIntegerField(_("shortest booking (minutes)"), default=30)
    max_minutes = models.PositiveIntegerField(_("longest booking (minutes)"), default=600)
    buffer_minutes = models.PositiveSmallIntegerField(_("buffer after a booking (minutes)"), default=0)
    advance_days = models.PositiveSmallIntegerField(_("bookable up to (days ahead)"), default=90)
    no_show_minutes = models.PositiveSmallIntegerField(
        _("released as a no-show after (minutes)"),
        default=30,
        help_text=_("A booking not checked in this long after its start frees the rest of its time."),
    )
    free_cancellation_hours = models.PositiveSmallIntegerField(_("free cancellation until (hours before)"), default=24)
    late_cancellation_fee_percent = models.DecimalField(
        _("late cancellation fee (%)"), max_digits=5, decimal_places=2, default=Decimal("50"), validators=PERCENT
    )
    hourly_rate_resident = models.DecimalField(
        _("hourly rate, resident members (EUR, excl. VAT)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        validators=NOT_NEGATIVE,
    )
    hourly_rate_network = models.DecimalField(
        _("hourly rate, network members (EUR, excl. VAT)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        validators=NOT_NEGATIVE,
    )
    hourly_rate_public = models.DecimalField(
        _("hourly rate, public (EUR, excl. VAT)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        validators=NOT_NEGATIVE,
    )
    # Optional package rates: a half-day is 4 hours, a day 8; the cheapest combination is charged.
    half_day_rate_resident = models.DecimalField(
        _("half-day rate, resident members"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
    )
    half_day_rate_network = models.DecimalField(
        _("half-day rate, network members"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
    )
    half_day_rate_public = models.DecimalField(
        _("half-day rate, public"), max_digits=8, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )
    day_rate_resident = models.DecimalField(
        _("day rate, resident members"), max_digits=8, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )
    day_rate_network = models.DecimalField(
        _("day rate, network members"), max_digits=8, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )
    day_rate_public = models.DecimalField(
        _("day rate, public"), max_digits=8, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"), max_digits=5, decimal_places=2, default=Decimal("20"), validators=PERCENT
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="coworking_resource_unique_name"),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="coworking_resource_capacity_gte_1"),
            models.CheckConstraint(
                condition=models.Q(min_minutes__gte=models.F("slot_minutes"), max_minutes__gte=models.F("min_minutes")),
                name="coworking_resource_durations_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def exclusive(self) -> bool:
        return self.mode == self.Mode.EXCLUSIVE


class OpeningHours(models.Model):
    """When the venue is open on a weekday (0 = Monday), in the venue's own time zone."""

    weekday = models.PositiveSmallIntegerField(_("weekday"), validators=[MaxValueValidator(6)])
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes__gt=models.F("opens")), name="coworking_hours_ordered"),
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="coworking_hours_weekday"),
        ]

    def __str__(self) -> str:
        return "%s %s–%s" % (self.weekday, self.opens, self.closes)


class Closure(models.Model):
    """Days (inclusive) when the venue, or one resource, is closed. French public holidays need no row."""

    resource = models.ForeignKey(
        Resource,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closures",
        verbose_name=_("resource"),
        help_text=_("Empty: the whole venue."),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to (inclusive)"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="coworking_closure_ordered"
            ),
        ]

    def __str__(self) -> str:
        return "%s → %s %s" % (self.starts_on, self.ends_on, self.reason)


class Booking(models.Model):
    """A member's booking of a resource for [start, end), priced and frozen when it was made."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        CHECKED_IN = "checked_in", _("checked in")
        CANCELLED = "cancelled", _("cancelled")
        NO_SHOW = "no_show", _("no-show")

    ACTIVE = (Status.CONFIRMED, Status.CHECKED_IN)

    class Purpose(models.TextChoices):
        MEMBER = "member", _("a member's booking")
        EVENT = "event", _("a venue event")

    resource = models.ForeignKey(
        Resource, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("resource")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("member")
    )
    organisation = models.ForeignKey(
        "federation.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    during = DateTimeRangeField(_("during"))
    # `during` extended by the resource's buffer: what the exclusion constraint keeps apart.
    blocks = DateTimeRangeField(_("blocks"))
    exclusive = models.BooleanField(_("exclusive"), editable=False)
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.CONFIRMED)
    rate_category = models.CharField(_("rate category"), max_length=10)
    price_excl_vat = models.DecimalField(_("price excl. VAT (EUR)"), max_digits=10, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)
    price_incl_vat = models.DecimalField(_("price incl. VAT (EUR)"), max_digits=10, decimal_places=2)
    cancellation_fee = models.DecimalField(
        _("cancellation fee (EUR)"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    network = models.BooleanField(
        _("booked on a network pass"),
        default=False,
        help_text=_("Its hours count against the organisation's monthly network hours."),
    )
    subscription = models.ForeignKey(
        "Subscription",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("covered by"),
    )
    series = models.UUIDField(
        _("series"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Shared by the occurrences of a recurring booking."),
    )
    purpose = models.CharField(
        _("purpose"),
        max_length=10,
        choices=Purpose.choices,
        default=Purpose.MEMBER,
        help_text=_("A room taken for one of the venue's events is never released as a no-show."),
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["during"]
        constraints = [
            ExclusionConstraint(
                name="coworking_booking_no_overlap",
                expressions=[("resource", RangeOperators.EQUAL), ("blocks", RangeOperators.OVERLAPS)],
                condition=models.Q(exclusive=True, status__in=["confirmed", "checked_in"]),
            ),
            models.UniqueConstraint(
                fields=["member", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="coworking_booking_idempotency",
            ),
            models.CheckConstraint(condition=models.Q(seats__gte=1), name="coworking_booking_seats_gte_1"),
            models.CheckConstraint(condition=models.Q(during__isempty=False), name="coworking_booking_not_empty"),
        ]
        indexes = [
            models.Index(fields=["member", "status"], name="coworking_booking_member"),
            # the partners' rollups recount bookings by the day they start
            models.Index(Func(F("during"), function="lower"), name="coworking_booking_starts"),
        ]

    def __str__(self) -> str:
        return "%s %s" % (self.resource, self.during)


class Plan(models.Model):
    """What a venue sells beyond single bookings: passes, cards, monthly desks, fixed desks, offices."""

    class Kind(models.TextChoices):
        DAY_PASS = "day_pass", _("day pass")
        TEN_DAY_CARD = "ten_day_card", _("10-day card")
        MONTHLY_HOT_DESK = "monthly_hot_desk", _("monthly hot desk")
        FIXED_DESK = "fixed_desk", _("fixed desk")
        OFFICE_RENT = "office_rent", _("office rent")

    DEDICATED = (Kind.FIXED_DESK, Kind.OFFICE_RENT)  # a subscription names its own desk or office

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    price_excl_vat = models.DecimalField(
        _("price excl. VAT (EUR)"), max_digits=10, decimal_places=2, validators=NOT_NEGATIVE
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"), max_digits=5, decimal_places=2, default=Decimal("20"), validators=PERCENT
    )
    day_credits = models.PositiveSmallIntegerField(
        _("days included"), null=True, blank=True, help_text=_("Passes and cards: days of use they give.")
    )
    included_hours_per_month = models.PositiveIntegerField(
        _("hours included per month"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    covers_kinds = ArrayField(
        models.CharField(max_length=20, choices=Resource.Kind.choices),
        default=list,
        blank=True,
        verbose_name=_("resource kinds covered"),
    )
    is_active = models.BooleanField(_("on sale"), default=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["price_excl_vat", "name"]

    def __str__(self) -> str:
        return self.name


class Subscription(models.Model):
    """An organisation's plan at this venue, from `starts_on` to `ends_on` (inclusive; open-ended if empty)."""

    organisation = models.ForeignKey(
        "federation.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("plan"))
    resource = models.ForeignKey(
        Resource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subscriptions",
        verbose_name=_("dedicated desk or office"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until (inclusive)"), null=True, blank=True)
    day_credits_left = models.PositiveSmallIntegerField(_("days left"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="coworking_subscription_ordered",
            ),
        ]

    def __str__(self) -> str:
        return "%s — %s" % (self.plan, self.organisation_id)
