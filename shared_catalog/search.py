"""Search in the shared catalogue: French full text over accent-folded words (title weighted over the rest),
prefixes ("compta" finds "comptabilité"), trigram similarity on titles for typos, filters, and keyset
pagination on (score, id) so pages never skip or repeat an entry while the catalogue changes."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection, transaction
from django.db.models import F, FloatField, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, Greatest

from sync.projectors import fold

from .models import CatalogueEntry

MAX_FIRST = 100
SIMILAR = 0.35  # trigram word similarity that counts as a (misspelt) match of the title


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class Filters:
    kind: str | None = None
    venue: str | None = None
    city: str | None = None
    sector: str | None = None
    starts: dt.datetime | None = None
    ends: dt.datetime | None = None
    max_price: Decimal | None = None


@dataclass(frozen=True)
class Page:
    entries: list[CatalogueEntry]
    next_cursor: str | None


def visible(*, network: bool) -> QuerySet[CatalogueEntry]:
    """Published entries; network-only ones for members of the network."""
    entries = CatalogueEntry.objects.filter(published=True).select_related("venue")
    return entries if network else entries.filter(visibility=CatalogueEntry.Visibility.PUBLIC)


def _filtered(entries: QuerySet[CatalogueEntry], f: Filters) -> QuerySet[CatalogueEntry]:
    if f.kind:
        entries = entries.filter(kind=f.kind)
    if f.venue:
        entries = entries.filter(venue__schema_name=f.venue)
    if f.city:
        entries = entries.filter(city__iexact=f.city)
    if f.sector:
        entries = entries.filter(sector=f.sector)
    if f.starts:
        entries = entries.filter(ends_at__gt=f.starts)
    if f.ends:
        entries = entries.filter(starts_at__lt=f.ends)
    if f.max_price is not None:
        entries = entries.filter(price_from__lte=f.max_price)
    return entries


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(text))[:10]


def search(query: str, filters: Filters, *, network: bool, first: int = 20, after: str | None = None) -> Page:
    entries = _filtered(visible(network=network), filters)
    words = _words(query)
    if query.strip() and not words:  # nothing searchable (symbols, other scripts): nothing found
        return Page([], None)
    if words:
        tsquery = SearchQuery(" & ".join("%s:*" % word for word in words), search_type="raw", config="french")
        similarity = TrigramWordSimilarity(" ".join(words), "title_folded")
        entries = entries.annotate(
            similarity=similarity,
            rank=Coalesce(SearchRank(F("search"), tsquery), Value(0.0), output_field=FloatField()),
        ).filter(Q(search=tsquery) | Q(title_folded__trigram_word_similar=" ".join(words)))
        score: Any = Cast(Greatest(F("rank"), F("similarity") * 0.5) * 1_000_000, IntegerField())
    else:
        score = Value(0, output_field=IntegerField())
    entries = entries.annotate(score=score).order_by("-score", "id")
    if after:
        last_score, last_id = _decode(after)
        entries = entries.filter(Q(score__lt=last_score) | Q(score=last_score, id__gt=last_id))
    with transaction.atomic(), connection.cursor() as cursor:
        # `%>` (the trigram index's operator) uses this threshold: a misspelt word still finds its title
        cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold = %s", [SIMILAR])
        rows: list[Any] = list(entries[: first + 1])
    more = len(rows) > first
    rows = rows[:first]
    return Page(rows, _encode(rows[-1].score, rows[-1].pk) if more and rows else None)


def cursor_of(entry: CatalogueEntry) -> str:
    """The cursor that pages on after `entry` (one of a search's results)."""
    return _encode(entry.score, entry.pk)  # type: ignore[attr-defined]


def _encode(score: int, pk: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([score, pk]).encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[int, int]:
    try:
        if len(cursor) > 100:  # ours hold two numbers; a long one could nest JSON deep enough to recurse away
            raise ValueError(cursor)
        score, pk = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError, RecursionError) as exc:
        raise BadCursor(cursor) from exc
    if not (isinstance(score, int) and isinstance(pk, int)) or not (0 <= pk < 2**63 and -(2**31) < score < 2**31):
        raise BadCursor(cursor)
    return score, pk
