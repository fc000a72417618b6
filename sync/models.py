"""The transactional outbox (public schema): venue changes recorded in the same transaction as the change,
for the relay to project into the shared catalogue and the partner rollups."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxEvent(models.Model):
    venue = models.ForeignKey("tenants.Venue", on_delete=models.CASCADE, related_name="+", verbose_name=_("venue"))
    aggregate_type = models.CharField(_("aggregate type"), max_length=50)
    aggregate_id = models.CharField(_("aggregate id"), max_length=50)
    version = models.PositiveBigIntegerField(_("version"))
    event_type = models.CharField(_("event type"), max_length=80)
    payload = models.JSONField(_("payload"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    parked_at = models.DateTimeField(
        _("parked at"), null=True, blank=True, help_text=_("Given up on after repeated failures: see the error.")
    )

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["venue", "aggregate_type", "aggregate_id", "version"], name="sync_outbox_one_version"
            ),
        ]
        indexes = [
            models.Index(fields=["parked_at"], condition=models.Q(parked_at__isnull=False), name="sync_outbox_parked"),
            models.Index(
                fields=["id"],
                condition=models.Q(processed_at__isnull=True, parked_at__isnull=True),
                name="sync_outbox_waiting",
            ),
        ]

    def __str__(self) -> str:
        return "%s %s:%s v%d" % (self.event_type, self.aggregate_type, self.aggregate_id, self.version)
