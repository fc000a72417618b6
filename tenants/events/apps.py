from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "tenants.events"
    label = "events"
    verbose_name = _("Events")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from federation import gdpr

        from .gdpr import anonymise_person, export_person

        gdpr.register("events", scope="venue", export=export_person, anonymise=anonymise_person)
