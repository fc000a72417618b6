"""Cross-site bookings (public schema): what a host venue earned from the people of an organisation whose home
is another venue. One row per network booking, written in the booking's own transaction (the venue schemas
and the public schema share one database), so the network-hours quota is counted across every venue and the
monthly settlement between two venues is exact."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class CrossSiteBooking(models.Model):
    """A booking made at `host` by someone booking for `organisation`, whose home venue is `home`.

    The home venue bills its organisation for everything its people book in the network and owes the host
    what the booking earned: its price, or the late-cancellation fee once cancelled. A booking a subscription
    at the host pays for earns nothing here and uses no network hours (`covered`)."""

    host = models.ForeignKey("tenants.Venue", on_delete=models.PROTECT, related_name="+", verbose_name=_("host venue"))
    home = models.ForeignKey("tenants.Venue", on_delete=models.PROTECT, related_name="+", verbose_name=_("home venue"))
    organisation = models.ForeignKey(
        "federation.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    booking_id = models.BigIntegerField(_("booking at the host"))
    resource = models.CharField(_("resource"), max_length=200)
    resource_kind = models.CharField(_("resource kind"), max_length=20)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    month = models.DateField(_("month"), help_text=_("First day of the month of the start, at the host."))
    hours = models.DecimalField(_("hours"), max_digits=8, decimal_places=2)
    rate_category = models.CharField(_("rate category"), max_length=10)
    price_excl_vat = models.DecimalField(_("price excl. VAT (EUR)"), max_digits=10, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)
    price_incl_vat = models.DecimalField(_("price incl. VAT (EUR)"), max_digits=10, decimal_places=2)
    covered = models.BooleanField(_("paid by a subscription at the host"), default=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancellation_fee = models.DecimalField(
        _("cancellation fee (EUR, incl. VAT)"), max_digits=10, decimal_places=2, default=Decimal("0.00")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cross-site booking")
        verbose_name_plural = _("cross-site bookings")
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["host", "booking_id"], name="settlement_one_row_per_booking"),
            models.CheckConstraint(condition=~models.Q(host=models.F("home")), name="settlement_host_is_not_home"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="settlement_month_is_first_day"),
        ]
        indexes = [
            models.Index(fields=["organisation", "month"], name="settlement_quota"),
            models.Index(fields=["month", "host", "home"], name="settlement_pair"),
        ]

    def __str__(self) -> str:
        return "%s → %s #%s" % (self.home_id, self.host_id, self.booking_id)

    @property
    def due(self) -> Decimal:
        """What the home venue owes the host for this booking (EUR, incl. VAT)."""
        return self.cancellation_fee if self.cancelled_at is not None else self.price_incl_vat
