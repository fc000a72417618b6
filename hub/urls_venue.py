"""URLs of a venue host (`gresilles.localhost`): that venue's schema is active."""

from django.urls import include, path

from api.rest.calendar_views import my_bookings_feed, my_registrations_feed, public_events_feed, resource_feed
from api.rest.urls import venue_urlpatterns
from hub.admin import venue_admin_site
from hub.health import health
from hub.views import index

urlpatterns = [
    path("", index, name="index"),
    path("health/", health, name="health"),
    path("admin/", venue_admin_site.urls),
    path("calendar/me/<str:token>.ics", my_bookings_feed, name="calendar-me"),
    path("calendar/resources/<int:pk>/<str:token>.ics", resource_feed, name="calendar-resource"),
    path("calendar/events.ics", public_events_feed, name="calendar-events"),
    path("calendar/me/events/<str:token>.ics", my_registrations_feed, name="calendar-me-events"),
    path("api/v1/", include((venue_urlpatterns, "api"), namespace="api")),
]

handler400 = "hub.views.bad_request"
handler403 = "hub.views.permission_denied"
handler404 = "hub.views.not_found"
handler500 = "hub.views.server_error"
