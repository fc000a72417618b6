"""What every GraphQL domain shares: who is asking, typed mutation errors, references to venue objects,
cursors and page sizes, and running code in a venue's schema."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import graphene
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context
from graphene.utils.str_converters import to_camel_case
from graphql import GraphQLError, GraphQLResolveInfo

from federation.models import ApiToken, User
from federation.permissions import is_person
from hub.errors import Conflict, HubError, InvalidInput, NotFound
from tenants.models import Venue

from .limits import unstorable

MAX_FIRST = 50  # the largest page any list gives
MAX_CURSOR = 300  # characters
T = TypeVar("T")


# -- who is asking -----------------------------------------------------------------------------------------


def request_of(info: GraphQLResolveInfo) -> HttpRequest:
    return info.context


def caller(info: GraphQLResolveInfo) -> User | AnonymousUser:
    """The person the request acts for (set by the view from a personal token or, in dev, the session)."""
    return getattr(request_of(info), "graphql_person", None) or AnonymousUser()


def person_or_none(info: GraphQLResolveInfo) -> User | None:
    who = caller(info)
    return who if is_person(who) else None


def may_write(info: GraphQLResolveInfo) -> bool:
    token = getattr(request_of(info), "graphql_token", None)
    return not isinstance(token, ApiToken) or "write" in token.scopes


def cache(info: GraphQLResolveInfo, key: str, load: Callable[[], T]) -> T:
    """A value computed once per request (per operation of a batch, which shares the request)."""
    store: dict[str, Any] = request_of(info).__dict__.setdefault("_graphql_cache", {})
    if key not in store:
        store[key] = load()
    return store[key]


def refused(message: str, code: str) -> GraphQLError:
    """An error of a query field: null data for the field and a stable `extensions.code`."""
    return GraphQLError(message, extensions={"code": code})


# -- typed errors of mutations -----------------------------------------------------------------------------


class ErrorCode(graphene.Enum):
    CONFLICT = "conflict"
    QUOTA_EXCEEDED = "quota_exceeded"
    NOT_ALLOWED = "not_allowed"
    NOT_FOUND = "not_found"
    INVALID = "invalid"
    UNAUTHENTICATED = "unauthenticated"


class Error(graphene.ObjectType):
    """Why a mutation did nothing: a stable code, the input field concerned (null for the whole request) and a
    message in the caller's language."""

    code = graphene.Field(ErrorCode, required=True)
    field = graphene.String()
    message = graphene.String(required=True)


CODES = {"conflict", "quota_exceeded", "not_allowed", "not_found", "invalid", "unauthenticated"}


def errors_of(exc: HubError) -> list[dict[str, Any]]:
    code = exc.code if exc.code in CODES else ("conflict" if isinstance(exc, Conflict) else "invalid")
    fields = exc.fields.items()  # services name fields as the models do: the API speaks camelCase
    found = [{"code": code, "field": to_camel_case(field), "message": str(m)} for field, ms in fields for m in ms]
    return [{"code": code, "field": None, "message": exc.message}, *found]


class HubMutation(graphene.Mutation):
    """A mutation that acts for the calling person (never with staff powers) through one service call. It
    returns its object or a typed `errors` list; nothing is written when there are errors."""

    errors = graphene.List(graphene.NonNull(Error), required=True)

    class Meta:
        abstract = True

    @classmethod
    def perform(cls, info: GraphQLResolveInfo, person: User, **arguments: Any) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def mutate(cls, root: Any, info: GraphQLResolveInfo, **arguments: Any) -> Any:
        person = person_or_none(info)
        if person is None:
            return cls(errors=[{"code": "unauthenticated", "message": _("Sign in to do this.")}])
        if not may_write(info):
            return cls(errors=[{"code": "not_allowed", "message": _("This token may only read.")}])
        try:
            return cls(errors=[], **cls.perform(info, person, **arguments))
        except HubError as exc:
            return cls(errors=errors_of(exc))


# -- references to venue objects ---------------------------------------------------------------------------


class Ref:
    """`<venue>/<kind>/<id>`, e.g. `battants/resource/3`: how the API names a venue's resource, event,
    registration or booking. The venue of a reference is what is acted on; whether the caller may act there
    is decided by who they are, never by the reference."""

    @staticmethod
    def of(venue: Venue | str, kind: str, pk: Any) -> str:
        return "%s/%s/%s" % (venue if isinstance(venue, str) else venue.schema_name, kind, pk)

    @staticmethod
    def parse(ref: str, kind: str, field: str) -> tuple[Venue, int]:
        """(venue, id) of a reference to a `kind` — or NotFound (unknown venue, wrong kind, bad id)."""
        parts = str(ref).split("/")
        venue, pk = None, None
        if len(parts) == 3 and parts[1] == kind:
            pk = whole_number(parts[2], below=2**31)
            if pk is not None:
                venue = venues_by_slug().get(parts[0])
        if venue is None or pk is None:
            raise NotFound(_("Not found."), fields={field: [_("Unknown reference.")]})
        return venue, pk


def whole_number(text: str, below: int = 2**63) -> int | None:
    """`text` as an id (1 to `below` - 1, ASCII digits, no leading zero), or None. Checked before `int()`, which
    refuses (ValueError) strings of more than 4 300 digits."""
    if not (0 < len(text) <= 19 and text.isascii() and text.isdigit() and text[0] != "0"):
        return None
    number = int(text)
    return number if number < below else None


def venues_by_slug() -> dict[str, Venue]:
    return {v.schema_name: v for v in Venue.objects.exclude(schema_name="public").order_by("schema_name")}


@contextmanager
def at(venue: Venue) -> Iterator[None]:
    """Run in `venue`'s schema; the schema active before (`public` on the federation host) comes back after.
    Whatever a resolver returns from here must be read in full inside: a lazy relation followed later would
    be looked up in the wrong schema."""
    with tenant_context(venue):
        yield


# -- cursors and pages -------------------------------------------------------------------------------------


def encode(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(cursor: str | None, shape: tuple[type, ...], field: str = "after") -> list[Any] | None:
    """The values of a cursor of `shape` (types of its items), or InvalidInput when it is not one of ours."""
    if cursor is None:
        return None
    try:
        if len(cursor) > MAX_CURSOR:  # ours are short; a long one could nest JSON deep enough to recurse away
            raise ValueError(cursor)
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError, RecursionError):
        values = None
    if isinstance(values, list) and any(isinstance(v, str) and unstorable(v) for v in values):
        values = None
    if not (
        isinstance(values, list)
        and len(values) == len(shape)
        and all(type(v) is t for v, t in zip(values, shape, strict=True))
        and all(not isinstance(v, int) or 0 <= v < 2**63 for v in values)
    ):
        raise InvalidInput(_("This cursor is not valid."), fields={field: [_("Not a cursor of this list.")]})
    return values


def page_size(first: int | None, default: int = 20) -> int:
    first = default if first is None else first
    if not 1 <= first <= MAX_FIRST:
        raise InvalidInput(
            _("Pages hold 1 to %(n)d items.") % {"n": MAX_FIRST},
            fields={"first": [_("Between 1 and %(n)d.") % {"n": MAX_FIRST}]},
        )
    return first


class PageInfo(graphene.ObjectType):
    has_next_page = graphene.Boolean(required=True)
    end_cursor = graphene.String(description="Pass as `after` for the next page.")


def connection_of(node: type[graphene.ObjectType], name: str) -> type[graphene.ObjectType]:
    """`<name>Connection { edges { cursor node } pageInfo }`, the cursor page of `node`s."""
    edge = type(
        "%sEdge" % name,
        (graphene.ObjectType,),
        {"cursor": graphene.String(required=True), "node": graphene.Field(node, required=True)},
    )
    fields = {
        "edges": graphene.List(graphene.NonNull(edge), required=True),
        "page_info": graphene.Field(PageInfo, required=True),
    }
    return type("%sConnection" % name, (graphene.ObjectType,), fields)


def page_of(edges: list[dict[str, Any]], has_next: bool) -> dict[str, Any]:
    """A connection's value from its edges (`{"cursor", "node"}`)."""
    return {
        "edges": edges,
        "page_info": {"has_next_page": has_next, "end_cursor": edges[-1]["cursor"] if edges else None},
    }


def query_errors(resolver: Callable[..., T]) -> Callable[..., T]:
    """Turn a domain error raised while resolving a query field into a GraphQL error with its code (the field
    is null, the rest of the answer stands)."""

    def resolve(root: Any, info: GraphQLResolveInfo, **arguments: Any) -> T:
        try:
            return resolver(root, info, **arguments)
        except HubError as exc:
            details = {to_camel_case(f): [str(m) for m in ms] for f, ms in exc.fields.items()}
            raise GraphQLError(exc.message, extensions={"code": exc.code.upper(), "fields": details}) from exc

    return resolve


# -- a person's things at every venue, as one list -----------------------------------------------------------

V = TypeVar("V")
Position = tuple[dt.datetime, str, int]  # (start, venue slug, id): the order of a person's lists


def after_position(field: str, venue: Venue, after: Position | None) -> Q:
    """The rows of `venue` that come after `after` in (start `field`, venue slug, id) order."""
    if after is None:
        return Q()
    start, slug, pk = after
    if venue.schema_name < slug:
        return Q(**{"%s__gt" % field: start})
    if venue.schema_name == slug:
        return Q(**{"%s__gt" % field: start}) | Q(**{field: start, "pk__gt": pk})
    return Q(**{"%s__gte" % field: start})


def position_cursor(after: str | None) -> Position | None:
    values = decode(after, (str, str, int))
    if values is None:
        return None
    start: dt.datetime | None = None
    try:
        read = dt.datetime.fromisoformat(values[0])
        if read.tzinfo is not None and 1900 <= read.year <= 2999:
            start = read.astimezone(dt.UTC)  # PostgreSQL takes offsets up to ±15:59 only
    except (ValueError, OverflowError):
        pass
    if start is None:
        raise InvalidInput(_("This cursor is not valid."), fields={"after": [_("Not a cursor of this list.")]})
    return start, values[1], values[2]


def across_venues(
    first: int,
    after: str | None,
    load: Callable[[Venue, Position | None, int], list[V]],
    position: Callable[[V], Position],
) -> dict[str, Any]:
    """A page of a person's rows at every venue, merged in (start, venue, id) order. `load(venue, after, n)`
    returns at most n rows of one venue in that order: one query per venue, whatever the page size."""
    cursor = position_cursor(after)
    rows: list[V] = []
    for venue in venues_by_slug().values():
        with at(venue):
            rows += load(venue, cursor, first + 1)
    rows.sort(key=position)
    shown = rows[:first]
    return page_of([{"cursor": encode_position(position(row)), "node": row} for row in shown], len(rows) > first)


def encode_position(position: Position) -> str:
    start, slug, pk = position
    return encode([start.astimezone(dt.UTC).isoformat(), slug, pk])
