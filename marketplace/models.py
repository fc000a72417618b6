"""The hub's skills marketplace (public schema): member organisations offer their competences; members of
any venue send them requests. Offers reach the shared catalogue through the outbox, once per venue where
they are delivered."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from federation.models import Sector


class ServiceOffer(models.Model):
    organisation = models.ForeignKey(
        "federation.Organisation", on_delete=models.PROTECT, related_name="offers", verbose_name=_("organisation")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, validators=[MaxLengthValidator(10000)])
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    price_indication = models.CharField(
        _("price indication"), max_length=200, blank=True, help_text=_("e.g. from €350 a day, on quotation")
    )
    price_from = models.DecimalField(
        _("price from"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("9999999.99"))],
    )
    venues = models.ManyToManyField("tenants.Venue", related_name="+", verbose_name=_("venues where it is delivered"))
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("service offer")
        verbose_name_plural = _("service offers")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class ServiceRequest(models.Model):
    offer = models.ForeignKey(ServiceOffer, on_delete=models.PROTECT, related_name="requests", verbose_name=_("offer"))
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requester")
    )
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return "%s → %s" % (self.requester, self.offer)
