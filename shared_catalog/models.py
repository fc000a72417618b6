"""The inter-site catalogue (public schema): a read model of what every venue offers, fed by the sync
projectors from the venues' outboxes and rebuildable from them (reconciliation). Never written by hand."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    RESOURCE = "resource", _("space or equipment")
    EVENT = "event", _("event")
    PROGRAMME = "programme", _("training programme")
    ARTWORK = "artwork", _("artwork")
    EXHIBITION = "exhibition", _("exhibition")
    SERVICE = "service", _("member service")


class CatalogueEntry(models.Model):
    """One thing a venue offers, as members and the public find it. Keyed by (venue, source type, source id);
    `version` is the outbox version of the source's document it shows (an older event never overwrites a
    newer one), `availability_version` likewise for a resource's free-hours summary. A removed entry stays
    as a tombstone (`published` false) so that a late, older event cannot bring it back."""

    class Visibility(models.TextChoices):
        NETWORK = "network", _("members of the network")
        PUBLIC = "public", _("everyone")

    venue = models.ForeignKey("tenants.Venue", on_delete=models.CASCADE, related_name="+", verbose_name=_("venue"))
    source_type = models.CharField(_("source type"), max_length=20, choices=Kind.choices)
    source_id = models.CharField(_("source id"), max_length=50)
    version = models.PositiveBigIntegerField(_("version"), default=0)
    availability_version = models.PositiveBigIntegerField(_("availability version"), default=0)
    published = models.BooleanField(_("published"), default=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    sector = models.CharField(_("sector"), max_length=30, blank=True)
    category = models.CharField(_("category"), max_length=30, blank=True)
    tags = ArrayField(models.TextField(), default=list, blank=True, verbose_name=_("tags"))
    price_from = models.DecimalField(_("price from"), max_digits=12, decimal_places=2, null=True, blank=True)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    availability = models.JSONField(_("availability"), default=dict, blank=True)
    image_url = models.URLField(_("image URL"), blank=True, max_length=500)
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices)
    data = models.JSONField(_("details"), default=dict, blank=True)
    # accent-folded, lower-cased copies for search (trigram on the title, French full text on both)
    title_folded = models.CharField(max_length=300, blank=True, editable=False)
    search = SearchVectorField(null=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("catalogue entry")
        verbose_name_plural = _("catalogue entries")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["venue", "source_type", "source_id"], name="catalogue_one_entry_per_source"
            ),
        ]
        indexes = [
            GinIndex(fields=["search"], name="catalogue_search"),
            GinIndex(OpClass("title_folded", name="gin_trgm_ops"), name="catalogue_title_trgm"),
            models.Index(fields=["kind", "starts_at"], condition=models.Q(published=True), name="catalogue_kind"),
            models.Index(fields=["venue", "kind"], condition=models.Q(published=True), name="catalogue_venue"),
            models.Index(Upper("city"), name="catalogue_city"),
        ]

    def __str__(self) -> str:
        return "%s: %s" % (self.kind, self.title)
