from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharedCatalogConfig(AppConfig):
    name = "shared_catalog"
    verbose_name = _("Shared catalogue")
    default_auto_field = "django.db.models.BigAutoField"
