"""Demo coworking resources of each demo venue (idempotent, keyed by name)."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from tenants.models import Venue

from .models import Resource

K = Resource.Kind

DEMO_RESOURCES = {
    "gresilles": [
        ("Open space — postes nomades", K.DESK, 12, "Postes en accès libre, écrans et casiers."),
        ("Poste fixe 1", K.DESK, 1, "Poste attitré, près des fenêtres."),
        ("Bureau A (4 postes)", K.OFFICE, 4, "Bureau fermé à loyer modéré."),
        ("Salle de réunion Tilleul", K.MEETING_ROOM, 10, "Écran, visio, paperboard."),
        ("Studio d'enregistrement", K.STUDIO, 4, "Cabine traitée, console 16 pistes."),
        ("Vidéoprojecteur portable", K.EQUIPMENT, 1, ""),
    ],
    "battants": [
        ("Espace coworking", K.DESK, 16, "Grand plateau lumineux, cuisine partagée."),
        ("Bureau du 2e étage", K.OFFICE, 3, "Bureau fermé pour une petite équipe."),
        ("Salle de réunion Battant", K.MEETING_ROOM, 8, "Écran et visioconférence."),
    ],
}


def load_resources(venue: Venue) -> int:
    """Create the venue's demo resources that are missing; returns how many the venue has."""
    with tenant_context(venue):
        for name, kind, capacity, description in DEMO_RESOURCES.get(venue.schema_name, []):
            Resource.objects.get_or_create(
                name=name, defaults={"kind": kind, "capacity": capacity, "description": description}
            )
        return Resource.objects.count()
