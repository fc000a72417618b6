"""The gallery of one venue (lives in the venue's schema): artists, their consignments, artworks and
their status history, exhibitions, holds for buyers, sales and artist payouts. Money is EUR, 2 places."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_PRICE = Decimal("9999999.99")
PRICE = [MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_PRICE)]
PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class Artist(models.Model):
    """Someone whose work the venue shows; often a person of a member organisation (then linked)."""

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"), blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
        help_text=_("The artist's account in the federation, if they have one."),
    )
    organisation = models.ForeignKey(
        "federation.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    bio = models.TextField(_("biography"), blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("artist")
        verbose_name_plural = _("artists")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Artwork(models.Model):
    """A work the venue may exhibit and sell. A unique piece is one record. An edition is a *set* record
    (with `edition_size` N, never sold itself) and one record per print or cast, numbered n/N, that copies
    the set's descriptive fields (the services keep them in step)."""

    class Status(models.TextChoices):
        AVAILABLE = "available", _("available")
        ON_HOLD = "on_hold", _("on hold")
        SOLD = "sold", _("sold")
        RETURNED = "returned", _("returned to the artist")
        NOT_FOR_SALE = "not_for_sale", _("not for sale")

    artist = models.ForeignKey(Artist, on_delete=models.PROTECT, related_name="artworks", verbose_name=_("artist"))
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=[MinValueValidator(1000), MaxValueValidator(2100)]
    )
    medium = models.CharField(_("medium"), max_length=200, blank=True, help_text=_("e.g. oil on canvas"))
    height_cm = models.DecimalField(_("height (cm)"), max_digits=7, decimal_places=1, null=True, blank=True)
    width_cm = models.DecimalField(_("width (cm)"), max_digits=7, decimal_places=1, null=True, blank=True)
    depth_cm = models.DecimalField(_("depth (cm)"), max_digits=7, decimal_places=1, null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    image_url = models.URLField(_("image URL"), blank=True)
    price = models.DecimalField(
        _("price incl. VAT"), max_digits=9, decimal_places=2, validators=PRICE, help_text=_("Asking price, in euros.")
    )
    edition_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="editions",
        verbose_name=_("edition of"),
    )
    edition_number = models.PositiveSmallIntegerField(_("edition number"), null=True, blank=True)
    edition_size = models.PositiveSmallIntegerField(
        _("edition size"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(999)]
    )
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.NOT_FOR_SALE)
    status_changed_at = models.DateTimeField(_("status changed at"), auto_now_add=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("artwork")
        verbose_name_plural = _("artworks")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gt=0, price__lte=MAX_PRICE), name="gallery_artwork_price_range"
            ),
            # An edition names its set and its number n in 1..N; a unique piece or a set has no number.
            models.CheckConstraint(
                condition=models.Q(edition_of__isnull=True, edition_number__isnull=True)
                | models.Q(
                    edition_of__isnull=False,
                    edition_number__gte=1,
                    edition_size__isnull=False,
                    edition_number__lte=models.F("edition_size"),
                ),
                name="gallery_artwork_edition_numbering",
            ),
            models.UniqueConstraint(fields=["edition_of", "edition_number"], name="gallery_artwork_edition_once"),
        ]
        indexes = [models.Index(fields=["status"], name="gallery_artwork_status")]

    def __str__(self) -> str:
        if self.edition_number is not None:
            return "%s (%d/%d)" % (self.title, self.edition_number, self.edition_size or 0)
        return self.title

    @property
    def is_edition_set(self) -> bool:
        return self.edition_size is not None and self.edition_of_id is None

    @property
    def dimensions(self) -> str:
        sizes = [str(size) for size in (self.height_cm, self.width_cm, self.depth_cm) if size is not None]
        return " × ".join(sizes) + " cm" if sizes else ""


# The statuses staff set by hand (holds and sales set the others).
MANUAL_STATUSES = [
    (status.value, status.label)
    for status in (Artwork.Status.AVAILABLE, Artwork.Status.NOT_FOR_SALE, Artwork.Status.RETURNED)
]


class ArtworkStatusChange(models.Model):
    """The history of an artwork's status: one row per change, written by the services only."""

    artwork = models.ForeignKey(Artwork, on_delete=models.CASCADE, related_name="history", verbose_name=_("artwork"))
    from_status = models.CharField(_("from"), max_length=15, choices=Artwork.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=15, choices=Artwork.Status.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("artwork status change")
        verbose_name_plural = _("artwork status changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return "%s → %s" % (self.from_status or "∅", self.to_status)


class Consignment(models.Model):
    """The terms on which an artist leaves works with the venue: the commission and the period. A work is
    under one consignment at a time (the database refuses overlapping periods for the same work)."""

    artist = models.ForeignKey(Artist, on_delete=models.PROTECT, related_name="consignments", verbose_name=_("artist"))
    commission_rate = models.DecimalField(
        _("commission (%)"), max_digits=5, decimal_places=2, validators=PERCENT, help_text=_("Between 0 and 100.")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True, help_text=_("Empty: until further notice."))
    notes = models.TextField(_("notes"), blank=True)
    artworks = models.ManyToManyField(
        Artwork, through="ConsignedWork", related_name="consignments", verbose_name=_("works covered")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consignment")
        verbose_name_plural = _("consignments")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(commission_rate__gte=0, commission_rate__lte=100),
                name="gallery_consignment_commission_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="gallery_consignment_ordered",
            ),
        ]

    def __str__(self) -> str:
        return "%s, %s %%" % (self.artist, self.commission_rate)


class ConsignedWork(models.Model):
    """A work covered by a consignment, with a copy of the consignment's period for the exclusion
    constraint (`[starts_on, ends_on]`, as a half-open date range)."""

    consignment = models.ForeignKey(Consignment, on_delete=models.CASCADE, related_name="items")
    artwork = models.ForeignKey(Artwork, on_delete=models.PROTECT, related_name="consignment_items")
    period = DateRangeField(_("period"))

    class Meta:
        verbose_name = _("consigned work")
        verbose_name_plural = _("consigned works")
        constraints = [
            ExclusionConstraint(
                name="gallery_consigned_work_no_overlap",
                expressions=[("artwork", RangeOperators.EQUAL), ("period", RangeOperators.OVERLAPS)],
            ),
        ]

    def __str__(self) -> str:
        return "%s (%s)" % (self.artwork, self.period)


class Exhibition(models.Model):
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("opens on"))
    ends_on = models.DateField(_("closes on"))
    text = models.TextField(_("text"), blank=True)
    image_url = models.URLField(_("image URL"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    artworks = models.ManyToManyField(
        Artwork, through="ExhibitedWork", related_name="exhibitions", verbose_name=_("works shown")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("exhibition")
        verbose_name_plural = _("exhibitions")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="gallery_exhibition_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ExhibitedWork(models.Model):
    exhibition = models.ForeignKey(Exhibition, on_delete=models.CASCADE, related_name="items")
    artwork = models.ForeignKey(Artwork, on_delete=models.PROTECT, related_name="exhibited_items")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("exhibited work")
        verbose_name_plural = _("exhibited works")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["exhibition", "artwork"], name="gallery_exhibited_once"),
        ]

    def __str__(self) -> str:
        return str(self.artwork)


class Buyer(models.Model):
    """Who buys or is held for: a federation person, an organisation, or an outside buyer's name and e-mail."""

    buyer_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("buyer (person)"),
    )
    buyer_organisation = models.ForeignKey(
        "federation.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("buyer (organisation)"),
    )
    buyer_name = models.CharField(_("buyer's name"), max_length=200, blank=True)
    buyer_email = models.EmailField(_("buyer's e-mail address"), blank=True)

    class Meta:
        abstract = True

    @property
    def buyer_label(self) -> str:
        if self.buyer_organisation_id is not None:
            return str(self.buyer_organisation)
        if self.buyer_person_id is not None:
            return str(self.buyer_person)
        return self.buyer_name


class Hold(Buyer):
    """A work kept for a buyer until `expires_at`; at most one active hold per work."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        RELEASED = "released", _("released")
        EXPIRED = "expired", _("expired")
        CONVERTED = "converted", _("converted into a sale")
        OVERRIDDEN = "overridden", _("overridden by a manager")

    artwork = models.ForeignKey(Artwork, on_delete=models.PROTECT, related_name="holds", verbose_name=_("artwork"))
    expires_at = models.DateTimeField(_("expires at"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["artwork"], condition=models.Q(status="active"), name="gallery_hold_one_active"
            ),
        ]
        indexes = [
            models.Index(fields=["expires_at"], condition=models.Q(status="active"), name="gallery_hold_expiring"),
        ]

    def __str__(self) -> str:
        return "%s → %s" % (self.artwork, self.buyer_label)


class ArtistPayout(models.Model):
    """What the venue owes an artist for a period: the sales of the period (and refunds of sales paid
    before, deducted), frozen when drawn up; marked paid once the transfer is made."""

    class Status(models.TextChoices):
        DUE = "due", _("due")
        PAID = "paid", _("paid")

    artist = models.ForeignKey(Artist, on_delete=models.PROTECT, related_name="payouts", verbose_name=_("artist"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    period = DateRangeField(_("period"))
    status = models.CharField(_("status"), max_length=5, choices=Status.choices, default=Status.DUE)
    sales_count = models.PositiveIntegerField(_("sales"), default=0)
    refunds_count = models.PositiveIntegerField(_("refunds"), default=0)
    gross = models.DecimalField(_("sales incl. VAT"), max_digits=12, decimal_places=2, default=Decimal("0"))
    vat = models.DecimalField(_("VAT"), max_digits=12, decimal_places=2, default=Decimal("0"))
    commission = models.DecimalField(_("commission"), max_digits=12, decimal_places=2, default=Decimal("0"))
    contribution = models.DecimalField(
        _("diffuseur contribution"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    net_due = models.DecimalField(_("net due to the artist"), max_digits=12, decimal_places=2, default=Decimal("0"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("paid by"),
    )
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("artist payout")
        verbose_name_plural = _("artist payouts")
        ordering = ["-period_start", "-id"]
        constraints = [
            ExclusionConstraint(
                name="gallery_payout_no_overlap",
                expressions=[("artist", RangeOperators.EQUAL), ("period", RangeOperators.OVERLAPS)],
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="gallery_payout_ordered"
            ),
        ]

    def __str__(self) -> str:
        return "%s, %s – %s" % (self.artist, self.period_start, self.period_end)


class Sale(Buyer):
    """A work sold. The amounts satisfy `price = vat_amount + commission + artist_net` exactly (a database
    check); `contribution` is owed by the venue on top of the artist's remuneration (see money.py)."""

    class Status(models.TextChoices):
        COMPLETED = "completed", _("completed")
        CANCELLED = "cancelled", _("cancelled")
        REFUNDED = "refunded", _("refunded")

    class VatRegime(models.TextChoices):
        REDUCED = "reduced", _("reduced rate on the price (work sold for its author)")
        STANDARD = "standard", _("standard rate on the price")
        MARGIN = "margin", _("margin scheme (VAT on the commission)")
        EXEMPT = "exempt", _("no VAT (franchise)")

    class PaymentMethod(models.TextChoices):
        CARD = "card", _("card")
        TRANSFER = "transfer", _("bank transfer")
        CHEQUE = "cheque", _("cheque")
        CASH = "cash", _("cash")
        OTHER = "other", _("other")

    artwork = models.ForeignKey(Artwork, on_delete=models.PROTECT, related_name="sales", verbose_name=_("artwork"))
    artist = models.ForeignKey(Artist, on_delete=models.PROTECT, related_name="sales", verbose_name=_("artist"))
    consignment = models.ForeignKey(
        Consignment, on_delete=models.PROTECT, related_name="sales", verbose_name=_("consignment")
    )
    hold = models.ForeignKey(
        Hold, on_delete=models.PROTECT, null=True, blank=True, related_name="sales", verbose_name=_("hold")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.COMPLETED)
    price = models.DecimalField(_("price incl. VAT"), max_digits=9, decimal_places=2, validators=PRICE)
    vat_regime = models.CharField(_("VAT regime"), max_length=10, choices=VatRegime.choices)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=4, decimal_places=2)
    vat_amount = models.DecimalField(_("VAT"), max_digits=9, decimal_places=2)
    price_excl_vat = models.DecimalField(_("price excl. VAT"), max_digits=9, decimal_places=2)
    commission_rate = models.DecimalField(_("commission (%)"), max_digits=5, decimal_places=2)
    commission = models.DecimalField(_("commission excl. VAT"), max_digits=9, decimal_places=2)
    artist_net = models.DecimalField(_("artist's remuneration"), max_digits=9, decimal_places=2)
    # contribution diffuseur: 1.1 % of the artist's remuneration, owed by the venue to the Urssaf
    contribution = models.DecimalField(_("diffuseur contribution"), max_digits=9, decimal_places=2)
    resale = models.BooleanField(_("resale"), default=False, help_text=_("A secondary-market sale."))
    # droit de suite: the author's resale right, owed on a professional resale at €750 or more excl. VAT
    resale_right_applies = models.BooleanField(_("resale right applies"), default=False)
    resale_right_amount = models.DecimalField(_("resale right"), max_digits=9, decimal_places=2, default=Decimal("0"))
    author_due = models.DecimalField(
        _("due to the artist"),
        max_digits=9,
        decimal_places=2,
        help_text=_("Their remuneration on a first sale; the resale right on a resale."),
    )
    payment_method = models.CharField(_("payment method"), max_length=10, choices=PaymentMethod.choices)
    override = models.BooleanField(_("hold overridden"), default=False)
    sold_at = models.DateTimeField(_("sold at"))
    sold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sold by")
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=200, blank=True)
    payout = models.ForeignKey(
        ArtistPayout,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sales",
        verbose_name=_("paid in"),
    )
    refund_payout = models.ForeignKey(
        ArtistPayout,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refunds",
        verbose_name=_("refund deducted in"),
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("sale")
        verbose_name_plural = _("sales")
        ordering = ["-sold_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["artwork"], condition=models.Q(status="completed"), name="gallery_sale_one_completed"
            ),
            models.UniqueConstraint(
                fields=["sold_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="gallery_sale_idempotency",
            ),
            models.CheckConstraint(
                condition=models.Q(price__gt=0, price__lte=MAX_PRICE), name="gallery_sale_price_range"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    price=models.F("vat_amount") + models.F("commission") + models.F("artist_net"),
                    price_excl_vat=models.F("price") - models.F("vat_amount"),
                ),
                name="gallery_sale_amounts_add_up",
            ),
        ]
        indexes = [
            models.Index(fields=["artist", "sold_at"], name="gallery_sale_artist_sold"),
            models.Index(fields=["sold_at"], name="gallery_sale_sold_at"),  # the partners' rollups
        ]

    def __str__(self) -> str:
        return "%s — %s €" % (self.artwork, self.price)
