"""Writes of a venue's gallery catalogue: artists, artworks and their status, consignments, exhibitions.
Run with the venue's schema active; each function is one transaction and records its outbox events.

Sales, holds and payouts live in sales.py and payouts.py; they change an artwork's status through
`transition()` here, the one place that knows which changes are allowed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateRange
from django.utils import timezone
from django.utils.translation import gettext as _

from federation.models import User
from hub.errors import Conflict, InvalidInput

from .events import record_artwork, record_exhibition
from .models import (
    MANUAL_STATUSES,
    Artist,
    Artwork,
    ArtworkStatusChange,
    ConsignedWork,
    Consignment,
    ExhibitedWork,
    Exhibition,
)

S = Artwork.Status

# The status machine: from → the statuses it may go to. Holds, sales and their cancellation are the only
# way into and out of "on hold" and "sold" (see MANUAL).
ALLOWED: dict[str, set[str]] = {
    S.NOT_FOR_SALE: {S.AVAILABLE, S.RETURNED},
    S.AVAILABLE: {S.ON_HOLD, S.SOLD, S.RETURNED, S.NOT_FOR_SALE},
    S.ON_HOLD: {S.AVAILABLE, S.SOLD, S.NOT_FOR_SALE},  # withdrawn: a hold that outlived its consignment
    S.SOLD: {S.AVAILABLE, S.NOT_FOR_SALE},  # a sale cancelled or refunded
    S.RETURNED: {S.AVAILABLE, S.NOT_FOR_SALE},
}
MANUAL = {value for value, _label in MANUAL_STATUSES}  # what staff may set directly
EDITABLE = {
    "artist",
    "title",
    "year",
    "medium",
    "height_cm",
    "width_cm",
    "depth_cm",
    "description",
    "image_url",
    "price",
}
SHARED = EDITABLE - {"price", "image_url"}  # what the editions of a set take from it


def local_today(now: dt.datetime | None = None) -> dt.date:
    from tenants.selectors import active_venue

    return (now or timezone.now()).astimezone(active_venue().tzinfo).date()


def consignment_on(artwork: Artwork, day: dt.date) -> Consignment | None:
    item = ConsignedWork.objects.filter(artwork=artwork, period__contains=day).select_related("consignment").first()
    return item.consignment if item is not None else None


def transition(
    artwork: Artwork, to: str, *, actor: User | None, reason: str = "", now: dt.datetime | None = None
) -> Artwork:
    """Move a (locked) artwork to `to`, keep its history and tell the catalogue. Conflict if not allowed."""
    now = now or timezone.now()
    if artwork.is_edition_set:
        raise Conflict(
            _("An edition set is not sold itself: use one of its numbered editions."),
            fields={"status": [artwork.status]},
        )
    if to not in ALLOWED[artwork.status]:
        raise Conflict(
            _("An artwork that is %(current)s cannot become %(wanted)s.")
            % {"current": S(artwork.status).label, "wanted": S(to).label},
            fields={"status": [artwork.status]},
        )
    if to == S.AVAILABLE and consignment_on(artwork, local_today(now)) is None:
        raise Conflict(
            _("This work is not under a consignment today: consign it before offering it for sale."),
            fields={"consignment": [_("No current consignment.")]},
        )
    ArtworkStatusChange.objects.create(
        artwork=artwork, from_status=artwork.status, to_status=to, at=now, actor=actor, reason=reason[:200]
    )
    artwork.status, artwork.status_changed_at = to, now
    artwork.save(update_fields=["status", "status_changed_at", "updated_at"])
    record_artwork(artwork)
    return artwork


def locked(artwork_id: int) -> Artwork:
    # FOR NO KEY UPDATE: serialises the writes of one work, yet lets rows pointing at it be inserted
    artwork = (
        Artwork.objects.select_for_update(of=("self",), no_key=True)
        .select_related("artist")
        .filter(pk=artwork_id)
        .first()
    )
    if artwork is None:
        raise InvalidInput(_("No such artwork."), fields={"artwork": [_("No such artwork at this venue.")]})
    return artwork


@transaction.atomic
def set_status(*, artwork: Artwork, status: str, actor: User, reason: str = "") -> Artwork:
    """Staff's own changes: offer for sale, withdraw, return to the artist. Holds and sales have their own."""
    artwork = locked(artwork.pk)
    if artwork.status == S.ON_HOLD:
        raise Conflict(_("This work is on hold: release the hold first."), fields={"status": [artwork.status]})
    if artwork.status == S.SOLD:
        raise Conflict(_("This work is sold: cancel the sale first."), fields={"status": [artwork.status]})
    if status not in MANUAL:
        raise InvalidInput(
            _("Holds and sales change this status."),
            fields={"status": [_("Use a hold or a sale for this.")]},
        )
    return transition(artwork, status, actor=actor, reason=reason)


@transaction.atomic
def create_artist(**fields: Any) -> Artist:
    artist = Artist(**fields)
    artist.full_clean()
    artist.save()
    return artist


@transaction.atomic
def update_artist(*, artist: Artist, changes: Mapping[str, Any]) -> Artist:
    artist = Artist.objects.select_for_update(no_key=True).get(pk=artist.pk)
    for name, value in changes.items():
        setattr(artist, name, value)
    artist.full_clean()
    artist.save()
    republish_artist(artist)
    return artist


def republish_artist(artist: Artist) -> None:
    """Tell the catalogue again about what shows the artist's name: their works on sale and the exhibitions
    showing any of their works (call in the transaction that renamed them)."""
    on_sale = Artwork.objects.filter(artist=artist, status__in=(S.AVAILABLE, S.ON_HOLD))
    for artwork in on_sale.select_for_update(no_key=True).order_by("pk"):
        record_artwork(artwork)
    showing = Exhibition.objects.filter(items__artwork__artist=artist).distinct().order_by("pk")
    for exhibition in Exhibition.objects.filter(pk__in=showing.values("pk")).select_for_update(no_key=True):
        record_exhibition(exhibition)


@transaction.atomic
def create_artwork(*, actor: User | None, fields: Mapping[str, Any]) -> Artwork:
    """A unique piece, an edition set (`edition_size`), or edition n of a set (`edition_of`,
    `edition_number`, which then takes the set's artist, title and description). Starts not for sale."""
    fields = dict(fields)
    edition_of: Artwork | None = fields.pop("edition_of", None)
    if edition_of is not None:
        edition_of = Artwork.objects.select_for_update().get(pk=edition_of.pk)
        errors = _edition_errors(edition_of, fields.get("edition_number"))
        if errors:
            raise InvalidInput(_("This edition cannot be added."), fields=errors)
        for name in SHARED:
            fields[name] = getattr(edition_of, name)
        fields.setdefault("price", edition_of.price)
        fields.setdefault("image_url", edition_of.image_url)
        fields["edition_size"] = edition_of.edition_size
    elif fields.get("edition_number") is not None:
        raise InvalidInput(
            _("An edition number needs its edition set."),
            fields={"edition_of": [_("Name the edition set this is a numbered copy of.")]},
        )
    artwork = Artwork(edition_of=edition_of, **fields)
    _check(artwork)
    try:
        with transaction.atomic():
            artwork.save()
    except IntegrityError as exc:  # two requests adding the same number at once
        raise Conflict(
            _("This edition number already exists."), fields={"edition_number": [_("Already exists.")]}
        ) from exc
    ArtworkStatusChange.objects.create(
        artwork=artwork, from_status="", to_status=artwork.status, at=timezone.now(), actor=actor
    )
    return artwork


def _edition_errors(edition_set: Artwork, number: int | None) -> dict[str, list[str]]:
    if not edition_set.is_edition_set:
        return {"edition_of": [_("This artwork is not an edition set.")]}
    if number is None:
        return {"edition_number": [_("This field is required.")]}
    if not 1 <= number <= (edition_set.edition_size or 0):
        return {
            "edition_number": [_("Between 1 and %(n)d, the size of the edition.") % {"n": edition_set.edition_size}]
        }
    if Artwork.objects.filter(edition_of=edition_set, edition_number=number).exists():
        return {"edition_number": [_("Edition %(n)d exists already.") % {"n": number}]}
    return {}


def _check(artwork: Artwork) -> None:
    from django.core.exceptions import ValidationError

    try:
        artwork.full_clean(exclude=["edition_of", "artist"], validate_constraints=False)
    except ValidationError as exc:
        raise InvalidInput(_("The artwork is not valid."), fields=exc.message_dict) from exc


@transaction.atomic
def update_artwork(*, artwork: Artwork, changes: Mapping[str, Any], actor: User | None) -> Artwork:
    """Change what describes a work (and its price). A set's shared fields flow to its editions; an
    edition's shared fields belong to its set."""
    artwork = Artwork.objects.select_for_update(of=("self",), no_key=True).select_related("artist").get(pk=artwork.pk)
    unknown = set(changes) - EDITABLE
    if unknown:
        raise InvalidInput(_("These fields cannot be changed."), fields={n: [_("Read-only.")] for n in sorted(unknown)})
    if artwork.edition_of_id is not None:
        inherited = sorted(set(changes) & SHARED)
        if inherited:
            raise InvalidInput(
                _("An edition takes these from its set: change the set."),
                fields={name: [_("Set on the edition set.")] for name in inherited},
            )
    if "artist" in changes and changes["artist"].pk != artwork.artist_id and _has_dealings(artwork):
        raise Conflict(
            _("This work has been consigned or sold: its artist cannot change."),
            fields={"artist": [_("Consigned or sold already.")]},
        )
    if "price" in changes and artwork.status == S.SOLD:
        raise Conflict(_("The price of a sold work is the price it was sold at."), fields={"price": [_("Sold.")]})
    for name, value in changes.items():
        setattr(artwork, name, value)
    _check(artwork)
    artwork.save()
    if artwork.status in (S.AVAILABLE, S.ON_HOLD):
        record_artwork(artwork)
    if artwork.is_edition_set:
        shared = {name: getattr(artwork, name) for name in SHARED & set(changes)}
        if shared:
            for edition in Artwork.objects.filter(edition_of=artwork).select_for_update():
                for name, value in shared.items():
                    setattr(edition, name, value)
                edition.save()
                if edition.status in (S.AVAILABLE, S.ON_HOLD):
                    record_artwork(edition)
    return artwork


def _has_dealings(artwork: Artwork) -> bool:
    works = [artwork.pk, *Artwork.objects.filter(edition_of=artwork).values_list("pk", flat=True)]
    return (
        ConsignedWork.objects.filter(artwork__in=works).exists()
        or Artwork.objects.filter(pk__in=works, sales__isnull=False).exists()
    )


LAST_DAY = dt.date(2999, 12, 31)  # dates past this are typing mistakes (and near Python's own limit)


def _date_errors(**dates: dt.date | None) -> dict[str, list[str]]:
    return {name: [_("Too far in the future.")] for name, day in dates.items() if day is not None and day > LAST_DAY}


def _period(starts_on: dt.date, ends_on: dt.date | None) -> DateRange:
    return DateRange(starts_on, ends_on + dt.timedelta(days=1) if ends_on else None)


@transaction.atomic
def consign(
    *,
    artist: Artist,
    commission_rate: Decimal,
    starts_on: dt.date,
    ends_on: dt.date | None,
    artworks: Iterable[Artwork],
    notes: str = "",
) -> Consignment:
    """Record an artist's consignment of works. The works must be the artist's (editions, not sets) and
    under no other consignment for any day of the period (Conflict, naming them)."""
    works = list(Artwork.objects.filter(pk__in=[a.pk for a in artworks]).select_for_update(no_key=True))
    errors = _date_errors(starts_on=starts_on, ends_on=ends_on)
    if not Decimal(0) <= commission_rate <= Decimal(100):
        errors["commission_rate"] = [_("Between 0 and 100 %.")]
    if ends_on is not None and ends_on < starts_on:
        errors.setdefault("ends_on", []).append(_("The end comes before the start."))
    strangers = [w.pk for w in works if w.artist_id != artist.pk]
    if strangers:
        errors["artworks"] = [_("Not works of this artist: %(ids)s.") % {"ids": _ids(strangers)}]
    sets = [w.pk for w in works if w.is_edition_set]
    if sets:
        errors.setdefault("artworks", []).append(
            _("Edition sets are not consigned: consign their editions (%(ids)s).") % {"ids": _ids(sets)}
        )
    if errors:
        raise InvalidInput(_("The consignment is not valid."), fields=errors)
    period = _period(starts_on, ends_on)
    taken = sorted(
        ConsignedWork.objects.filter(artwork__in=works, period__overlap=period).values_list("artwork_id", flat=True)
    )
    if taken:
        raise _overlap(taken)
    consignment = Consignment.objects.create(
        artist=artist, commission_rate=commission_rate, starts_on=starts_on, ends_on=ends_on, notes=notes
    )
    try:
        with transaction.atomic():
            ConsignedWork.objects.bulk_create(
                ConsignedWork(consignment=consignment, artwork=work, period=period) for work in works
            )
    except IntegrityError as exc:  # another consignment of one of these works committed meanwhile
        raise _overlap([w.pk for w in works]) from exc
    return consignment


def _ids(ids: Iterable[int]) -> str:
    return ", ".join(str(i) for i in ids)


def _overlap(ids: list[int]) -> Conflict:
    return Conflict(
        _("A work is already under another consignment during this period."),
        fields={"artworks": [_("Already consigned: %(ids)s.") % {"ids": _ids(ids)}]},
    )


@transaction.atomic
def end_consignment(
    *, consignment: Consignment, ends_on: dt.date | None, actor: User | None = None, now: dt.datetime | None = None
) -> Consignment:
    """Move a consignment's end to `ends_on` (None: until further notice). Its works' periods follow; a
    longer period may not run into another consignment of one of them (Conflict). Works on sale that are
    no longer covered today are withdrawn from sale."""
    consignment = Consignment.objects.select_for_update().get(pk=consignment.pk)
    errors = _date_errors(ends_on=ends_on)
    if ends_on is not None and ends_on < consignment.starts_on:
        errors.setdefault("ends_on", []).append(_("Before the start."))
    if errors:
        raise InvalidInput(_("The consignment is not valid."), fields=errors)
    period = _period(consignment.starts_on, ends_on)
    works = list(consignment.items.values_list("artwork_id", flat=True))
    taken = sorted(
        ConsignedWork.objects.filter(artwork__in=works, period__overlap=period)
        .exclude(consignment=consignment)
        .values_list("artwork_id", flat=True)
    )
    if taken:
        raise _overlap(taken)
    consignment.ends_on = ends_on
    consignment.save(update_fields=["ends_on"])
    consignment.items.update(period=period)
    withdraw_unconsigned(artwork_ids=works, actor=actor, now=now)
    return consignment


def withdraw_unconsigned(
    *, artwork_ids: list[int] | None = None, actor: User | None = None, now: dt.datetime | None = None
) -> int:
    """Works available for sale without a consignment covering today are withdrawn (not for sale); works on
    hold follow when their hold ends. Returns how many."""
    now = now or timezone.now()
    today = local_today(now)
    candidates = Artwork.objects.filter(status=S.AVAILABLE).exclude(consignment_items__period__contains=today)
    if artwork_ids is not None:
        candidates = candidates.filter(pk__in=artwork_ids)
    withdrawn = 0
    for artwork_id in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            artwork = locked(artwork_id)
            if artwork.status == S.AVAILABLE and consignment_on(artwork, today) is None:
                transition(artwork, S.NOT_FOR_SALE, actor=actor, reason=_("consignment ended"), now=now)
                withdrawn += 1
    return withdrawn


@transaction.atomic
def save_exhibition(*, exhibition: Exhibition, artworks: list[Artwork] | None = None) -> Exhibition:
    """Create or change an exhibition and, when given, the works it shows (in that order)."""
    from django.core.exceptions import ValidationError

    try:
        exhibition.full_clean(validate_constraints=False)
    except ValidationError as exc:
        raise InvalidInput(_("The exhibition is not valid."), fields=exc.message_dict) from exc
    errors = _date_errors(starts_on=exhibition.starts_on, ends_on=exhibition.ends_on)
    if errors:
        raise InvalidInput(_("The exhibition is not valid."), fields=errors)
    if exhibition.ends_on < exhibition.starts_on:
        raise InvalidInput(
            _("The exhibition is not valid."), fields={"ends_on": [_("The end comes before the start.")]}
        )
    exhibition.save()  # (the row stays locked until commit, keeping its outbox versions in order)
    if artworks is not None:
        sets = [a.pk for a in artworks if a.is_edition_set]
        if sets:
            raise InvalidInput(_("Show the editions, not the edition set."), fields={"artworks": [_ids(sets)]})
        exhibition.items.all().delete()
        ExhibitedWork.objects.bulk_create(
            ExhibitedWork(exhibition=exhibition, artwork=artwork, position=position)
            for position, artwork in enumerate(dict.fromkeys(artworks))
        )
    record_exhibition(exhibition)
    return exhibition
