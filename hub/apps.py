from django.contrib.admin.apps import AdminConfig


class HubAdminConfig(AdminConfig):
    """Django's admin, with the federation's own site as the default site (`admin.site`)."""

    default_site = "hub.admin.FederationAdminSite"

    def ready(self) -> None:
        super().ready()
        from hub import checks  # noqa: F401  (registers the hub's system checks; hub has no app of its own)
