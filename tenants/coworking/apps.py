from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoworkingConfig(AppConfig):
    name = "tenants.coworking"
    label = "coworking"
    verbose_name = _("Coworking")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from federation import gdpr

        from .gdpr import export_bookings, pseudonymise_bookings

        gdpr.register("coworking", scope="venue", export=export_bookings, anonymise=pseudonymise_bookings)
