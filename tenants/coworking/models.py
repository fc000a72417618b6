"""Coworking of one venue (lives in the venue's schema)."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Resource(models.Model):
    """Something a venue lets members book: a desk, an office, a meeting room, a studio, equipment."""

    class Kind(models.TextChoices):
        DESK = "desk", _("desk")
        OFFICE = "office", _("office")
        MEETING_ROOM = "meeting_room", _("meeting room")
        STUDIO = "studio", _("studio")
        EQUIPMENT = "equipment", _("equipment")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    capacity = models.PositiveIntegerField(_("capacity"), default=1, validators=[MinValueValidator(1)])
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="coworking_resource_unique_name"),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="coworking_resource_capacity_gte_1"),
        ]

    def __str__(self) -> str:
        return self.name
