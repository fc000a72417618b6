from django.contrib.admin.apps import AdminConfig


class HubAdminConfig(AdminConfig):
    """Django's admin, with the federation's own site as the default site (`admin.site`)."""

    default_site = "hub.admin.FederationAdminSite"
