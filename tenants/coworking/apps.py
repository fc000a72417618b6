from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoworkingConfig(AppConfig):
    name = "tenants.coworking"
    label = "coworking"
    verbose_name = _("Coworking")
    default_auto_field = "django.db.models.BigAutoField"
