"""A venue's programme (lives in the venue's schema): professional cafés, workshops and training
programmes, advice appointments, openings; and who registered. Times are stored in UTC."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_PRICE = Decimal("99999.99")
PRICE = [MinValueValidator(Decimal("0")), MaxValueValidator(MAX_PRICE)]


class Visibility(models.TextChoices):
    VENUE = "venue", _("the venue's members")
    NETWORK = "network", _("members of the whole network")
    PUBLIC = "public", _("everyone")


class Programme(models.Model):
    """A training path ("parcours") of several sessions; registering to it registers to all of them."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices)
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("training programme")
        verbose_name_plural = _("training programmes")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class Event(models.Model):
    class Kind(models.TextChoices):
        CAFE = "cafe", _("professional café")
        WORKSHOP = "workshop", _("workshop or training")
        ADVICE = "advice", _("advice appointment")
        OPENING = "opening", _("opening")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        CANCELLED = "cancelled", _("cancelled")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1), MaxValueValidator(10000)])
    # prices per rate category, incl. VAT: this venue's members, the network's, everyone else; 0 is free
    price_member = models.DecimalField(
        _("price for the venue's members"), max_digits=7, decimal_places=2, default=Decimal("0"), validators=PRICE
    )
    price_network = models.DecimalField(
        _("price for network members"), max_digits=7, decimal_places=2, default=Decimal("0"), validators=PRICE
    )
    price_public = models.DecimalField(
        _("price for the public"), max_digits=7, decimal_places=2, default=Decimal("0"), validators=PRICE
    )
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices)
    registration_deadline = models.DateTimeField(
        _("registrations close at"), null=True, blank=True, help_text=_("Empty: when the event starts.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    is_published = models.BooleanField(_("published"), default=True)
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("programme"),
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("advisor"),
        help_text=_("Who holds an advice appointment."),
    )
    room_booking = models.OneToOneField(
        "coworking.Booking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="event",
        verbose_name=_("room booking"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="events_event_ordered"),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="events_event_capacity_gte_1"),
            models.CheckConstraint(
                condition=models.Q(price_member__gte=0, price_network__gte=0, price_public__gte=0),
                name="events_event_prices_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="events_event_upcoming")]

    def __str__(self) -> str:
        return self.title

    @property
    def closes_at(self) -> dt.datetime:
        """When registrations close: the deadline, or the start."""
        return self.registration_deadline or self.starts_at

    def price_for(self, category: str) -> Decimal:
        return {"member": self.price_member, "network": self.price_network}.get(category, self.price_public)


class Registration(models.Model):
    """A person's place at an event: confirmed, or waiting in line (first come, first promoted)."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        WAITLISTED = "waitlisted", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")
        ATTENDED = "attended", _("attended")

    class Category(models.TextChoices):
        MEMBER = "member", _("venue member")
        NETWORK = "network", _("network member")
        PUBLIC = "public", _("public")

    HOLDS_A_SEAT = (Status.CONFIRMED, Status.ATTENDED)
    ACTIVE = (Status.CONFIRMED, Status.WAITLISTED, Status.ATTENDED)

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("event"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        "federation.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    category = models.CharField(_("rate category"), max_length=10, choices=Category.choices)
    price = models.DecimalField(_("price incl. VAT"), max_digits=7, decimal_places=2)
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("through the programme"),
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    promoted_at = models.DateTimeField(_("promoted at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    attended_at = models.DateTimeField(_("attended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"],
                condition=models.Q(status__in=["confirmed", "waitlisted", "attended"]),
                name="events_registration_once",
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "created_at"], name="events_registration_line")]

    def __str__(self) -> str:
        return "%s — %s" % (self.event, self.person)
