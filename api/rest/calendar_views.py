"""iCalendar feeds on a venue host. Calendar clients cannot send headers, so the secret is in the URL:
a personal token holding the `calendar` scope (and only that scope is needed, so a feed URL that leaks
opens no API). Unknown, revoked or scope-less tokens get 404, like any address that does not exist."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET

from federation.models import ApiToken, User
from federation.permissions import Action, can
from federation.tokens import TokenRejected, authenticate_token
from hub.http import current_venue
from tenants.coworking.calendars import bookings_feed
from tenants.coworking.selectors import bookable_resources, bookings_at_venue, bookings_of
from tenants.events.calendars import events_feed, registrations_feed
from tenants.events.models import Event, Registration, Visibility
from tenants.models import Venue

FEED_DAYS_BACK = 90  # a member's feed: the last three months and everything ahead


def _holder(token: str) -> User:
    try:
        api_token = authenticate_token(token)
    except TokenRejected as exc:
        raise Http404 from exc
    if api_token.kind != ApiToken.Kind.PERSONAL or "calendar" not in api_token.scopes or api_token.user is None:
        raise Http404
    return api_token.user


def _ics(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="%s.ics"' % name
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def my_bookings_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The token holder's bookings at this venue."""
    person, venue = _holder(token), current_venue(request)
    assert isinstance(venue, Venue)
    since = timezone.now() - dt.timedelta(days=FEED_DAYS_BACK)
    bookings = bookings_of(person).filter(during__endswith__gte=since).select_related("resource")
    return _ics(bookings_feed(venue, "%s — mes réservations" % venue.name, bookings, private=True), "bookings")


@require_GET
def resource_feed(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """When a resource is taken (busy times, nobody's name), for anyone who may browse the venue."""
    person, venue = _holder(token), current_venue(request)
    assert isinstance(venue, Venue)
    if not can(person, Action.VENUE_BROWSE, venue):
        raise Http404
    resource = get_object_or_404(bookable_resources(), pk=pk)
    bookings = bookings_at_venue().filter(resource=resource, status__in=("confirmed", "checked_in"))
    return _ics(
        bookings_feed(
            venue, "%s — %s" % (venue.name, resource.name), bookings.select_related("resource"), private=False
        ),
        "resource-%d" % resource.pk,
    )


@require_GET
def public_events_feed(request: HttpRequest) -> HttpResponse:
    """The venue's public programme: published events open to everyone, from a month back."""
    venue = current_venue(request)
    assert isinstance(venue, Venue)
    since = timezone.now() - dt.timedelta(days=30)
    events = Event.objects.filter(is_published=True, visibility=Visibility.PUBLIC, ends_at__gte=since)
    response = _ics(events_feed(venue, "%s — agenda" % venue.name, events.order_by("starts_at", "id")), "events")
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def my_registrations_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The token holder's registrations to this venue's events."""
    person, venue = _holder(token), current_venue(request)
    assert isinstance(venue, Venue)
    since = timezone.now() - dt.timedelta(days=FEED_DAYS_BACK)
    rows = Registration.objects.filter(person=person, event__ends_at__gte=since).select_related("event")
    return _ics(
        registrations_feed(venue, "%s — mes inscriptions" % venue.name, rows.order_by("event__starts_at")),
        "registrations",
    )
