"""URLs of the federation host (`localhost`, `HUB_BASE_DOMAIN`): the public schema is active."""

from django.contrib import admin
from django.urls import include, path

from api.graphql.partners.schema import schema as partner_schema
from api.graphql.views import HubGraphQLView, PartnerGraphQLView
from api.rest.urls import federation_urlpatterns
from hub.health import health
from hub.views import index

urlpatterns = [
    path("", index, name="index"),
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((federation_urlpatterns, "api"), namespace="api")),
    path("graphql/", HubGraphQLView.as_view(), name="graphql"),
    path("graphql/partners/", PartnerGraphQLView.as_view(schema=partner_schema), name="graphql-partners"),
    path("partners/", include("reporting.urls", namespace="partners")),
]

handler400 = "hub.views.bad_request"
handler403 = "hub.views.permission_denied"
handler404 = "hub.views.not_found"
handler500 = "hub.views.server_error"
