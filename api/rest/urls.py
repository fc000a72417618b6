"""`/api/v1/` on a venue host (`venue_urlpatterns`) and on the federation host (`federation_urlpatterns`)."""

from django.urls import path
from drf_spectacular.views import SpectacularSwaggerView

from . import federation_views as fed
from . import venue_views as venue
from .openapi import HostSchemaView

every_host = [
    path("me/", fed.MeView.as_view(), name="me"),
    path("me/export/", fed.MyExportView.as_view(), name="me-export"),
    path("me/tokens/", fed.MyTokenList.as_view(), name="me-token-list"),
    path("me/tokens/<int:pk>/", fed.MyTokenDetail.as_view(), name="me-token-detail"),
    path("schema/", HostSchemaView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]

venue_urlpatterns = [
    *every_host,
    path("venue/", venue.VenueView.as_view(), name="venue"),
    path("resources/", venue.ResourceList.as_view(), name="resource-list"),
    path("resources/<int:pk>/", venue.ResourceDetail.as_view(), name="resource-detail"),
    path("bookings/", venue.BookingList.as_view(), name="booking-list"),
    path("bookings/series/", venue.BookingSeriesCreate.as_view(), name="booking-series"),
    path("bookings/<int:pk>/cancel/", venue.BookingCancel.as_view(), name="booking-cancel"),
    path("bookings/<int:pk>/check-in/", venue.BookingCheckIn.as_view(), name="booking-check-in"),
    path("resources/<int:pk>/availability/", venue.ResourceAvailability.as_view(), name="resource-availability"),
    path("availability/", venue.KindAvailability.as_view(), name="availability"),
    path("plans/", venue.PlanList.as_view(), name="plan-list"),
    path("subscriptions/", venue.SubscriptionList.as_view(), name="subscription-list"),
    path("members/", venue.VenueMemberList.as_view(), name="member-list"),
    path("staff/", venue.StaffList.as_view(), name="staff-list"),
    path("staff/<int:pk>/", venue.StaffDetail.as_view(), name="staff-detail"),
]

federation_urlpatterns = [
    *every_host,
    path("organisations/", fed.DirectoryList.as_view(), name="organisation-list"),
    path("organisations/<slug:slug>/", fed.OrganisationDetail.as_view(), name="organisation-detail"),
    path("organisations/<slug:slug>/status/", fed.OrganisationStatusView.as_view(), name="organisation-status"),
]
