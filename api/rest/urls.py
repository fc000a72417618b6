"""`/api/v1/` on a venue host (`venue_urlpatterns`) and on the federation host (`federation_urlpatterns`)."""

from django.urls import path
from drf_spectacular.views import SpectacularSwaggerSplitView

from . import catalogue_views as catalogue
from . import events_views as events
from . import federation_views as fed
from . import gallery_sales_views as gallery_books
from . import gallery_views as gallery
from . import marketplace_views as marketplace
from . import settlement_views as settlement
from . import survey_views as survey
from . import venue_views as venue
from .openapi import HostSchemaView

every_host = [
    path("me/", fed.MeView.as_view(), name="me"),
    path("me/export/", fed.MyExportView.as_view(), name="me-export"),
    path("me/tokens/", fed.MyTokenList.as_view(), name="me-token-list"),
    path("me/tokens/<int:pk>/", fed.MyTokenDetail.as_view(), name="me-token-detail"),
    path("schema/", HostSchemaView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
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
    path("settlements/<str:month>/", settlement.SettlementList.as_view(), name="settlement-list"),
    path("settlements/<str:month>/<slug:other>.csv", settlement.SettlementCsv.as_view(), name="settlement-csv"),
    path("staff/", venue.StaffList.as_view(), name="staff-list"),
    path("staff/<int:pk>/", venue.StaffDetail.as_view(), name="staff-detail"),
    path("artists/", gallery.ArtistList.as_view(), name="artist-list"),
    path("artists/<int:pk>/", gallery.ArtistDetail.as_view(), name="artist-detail"),
    path("artworks/", gallery.ArtworkList.as_view(), name="artwork-list"),
    path("artworks/<int:pk>/", gallery.ArtworkDetail.as_view(), name="artwork-detail"),
    path("artworks/<int:pk>/status/", gallery.ArtworkStatus.as_view(), name="artwork-status"),
    path("artworks/<int:pk>/history/", gallery.ArtworkHistory.as_view(), name="artwork-history"),
    path("consignments/", gallery.ConsignmentList.as_view(), name="consignment-list"),
    path("consignments/<int:pk>/", gallery.ConsignmentDetail.as_view(), name="consignment-detail"),
    path("consignments/<int:pk>/end/", gallery.ConsignmentEnd.as_view(), name="consignment-end"),
    path("exhibitions/", gallery.ExhibitionList.as_view(), name="exhibition-list"),
    path("exhibitions/<int:pk>/", gallery.ExhibitionDetail.as_view(), name="exhibition-detail"),
    path("holds/", gallery_books.HoldList.as_view(), name="hold-list"),
    path("holds/<int:pk>/release/", gallery_books.HoldRelease.as_view(), name="hold-release"),
    path("sales/", gallery_books.SaleList.as_view(), name="sale-list"),
    path("sales/<int:pk>/", gallery_books.SaleDetail.as_view(), name="sale-detail"),
    path("sales/<int:pk>/cancel/", gallery_books.SaleCancel.as_view(), name="sale-cancel"),
    path("payouts/", gallery_books.PayoutList.as_view(), name="payout-list"),
    path("payouts/<int:pk>/", gallery_books.PayoutDetail.as_view(), name="payout-detail"),
    path("payouts/<int:pk>/paid/", gallery_books.PayoutPaid.as_view(), name="payout-paid"),
    path("payouts/<int:pk>/statement.csv", gallery_books.PayoutCsv.as_view(), name="payout-csv"),
    path("events/", events.EventList.as_view(), name="event-list"),
    path("events/<int:pk>/", events.EventDetail.as_view(), name="event-detail"),
    path("events/<int:pk>/cancel/", events.EventCancel.as_view(), name="event-cancel"),
    path("events/<int:pk>/registrations/", events.EventRegistrations.as_view(), name="event-registrations"),
    path(
        "events/<int:pk>/registrations/<int:registration>/cancel/",
        events.RegistrationCancel.as_view(),
        name="registration-cancel",
    ),
    path(
        "events/<int:pk>/registrations/<int:registration>/check-in/",
        events.RegistrationCheckIn.as_view(),
        name="registration-check-in",
    ),
    path("registrations/", events.MyRegistrations.as_view(), name="my-registrations"),
    path("programmes/", events.ProgrammeList.as_view(), name="programme-list"),
    path("programmes/<int:pk>/", events.ProgrammeDetail.as_view(), name="programme-detail"),
    path("programmes/<int:pk>/register/", events.ProgrammeRegister.as_view(), name="programme-register"),
]

federation_urlpatterns = [
    *every_host,
    path("catalogue/", catalogue.CatalogueView.as_view(), name="catalogue"),
    path("offers/", marketplace.OfferList.as_view(), name="offer-list"),
    path("offers/<int:pk>/", marketplace.OfferDetail.as_view(), name="offer-detail"),
    path("offers/<int:pk>/requests/", marketplace.OfferRequests.as_view(), name="offer-requests"),
    path("organisations/", fed.DirectoryList.as_view(), name="organisation-list"),
    path("organisations/<slug:slug>/", fed.OrganisationDetail.as_view(), name="organisation-detail"),
    path("organisations/<slug:slug>/status/", fed.OrganisationStatusView.as_view(), name="organisation-status"),
    path(
        "organisations/<slug:slug>/survey/<int:year>/", survey.OrganisationSurvey.as_view(), name="organisation-survey"
    ),
]
