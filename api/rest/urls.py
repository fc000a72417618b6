"""`/api/v1/` on a venue host (`venue_urlpatterns`) and on the federation host (`federation_urlpatterns`)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import views

venue_urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("venue/", views.VenueView.as_view(), name="venue"),
    path("resources/", views.ResourceList.as_view(), name="resource-list"),
    path("resources/<int:pk>/", views.ResourceDetail.as_view(), name="resource-detail"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]

federation_urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
]
