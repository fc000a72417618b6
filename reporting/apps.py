from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Partner reporting")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sync.projectors import HOOKED_EVENT_TYPES, ROLLUP_HOOKS

        from . import rollups, signals  # noqa: F401  (connects the venue models' signals)

        if rollups.project not in ROLLUP_HOOKS:
            ROLLUP_HOOKS.append(rollups.project)
        HOOKED_EVENT_TYPES.add(rollups.EVENT_TYPE)
