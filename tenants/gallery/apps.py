from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GalleryConfig(AppConfig):
    name = "tenants.gallery"
    label = "gallery"
    verbose_name = _("Gallery")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from federation import gdpr

        from .gdpr import anonymise_person, export_person

        gdpr.register("gallery", scope="venue", export=export_person, anonymise=anonymise_person)
