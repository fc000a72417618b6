"""The GraphQL endpoint of the federation host: who is asking, the request limits, batches, and errors that
never leak internals."""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView, HttpError
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    OperationType,
    execute,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
)

from federation.models import ApiToken
from federation.permissions import is_person
from federation.tokens import TokenRejected, authenticate_token
from hub.throttling import WINDOW as WRITE_WINDOW
from hub.throttling import client_of, wait_before_write
from hub.views import RETRY_AFTER_OUTAGE
from reporting.selectors import reading_partner

from .limits import (
    MAX_BATCH,
    MAX_QUERY_LENGTH,
    MAX_TOKENS,
    CostLimits,
    NoIntrospection,
    OneMutation,
    StorableStrings,
    unstorable_in,
)
from .schema import schema

logger = logging.getLogger(__name__)


CACHED_QUERY_LENGTH = 2_000  # longer texts are parsed anew each time: the cache stays small (~256 × 2 kB)


@lru_cache(maxsize=256)
def checked_cached(
    query: str, introspection: bool, language: str, which: GraphQLSchema = schema.graphql_schema
) -> tuple[DocumentNode | None, tuple[GraphQLError, ...]]:
    return checked(query, introspection, language, which)


def checked(
    query: str, introspection: bool, language: str, which: GraphQLSchema = schema.graphql_schema
) -> tuple[DocumentNode | None, tuple[GraphQLError, ...]]:
    """The parsed document of `query` and its validation errors (the standard rules, the cost limits, and
    no introspection unless allowed). Cached by query text: clients send the same few queries again and
    again, and parsing plus validating costs more than running a small one. The language keys the cache
    because error messages are translated."""
    try:
        document = parse(query, max_tokens=MAX_TOKENS)
    except GraphQLError as exc:
        return None, (exc,)
    rules = [*specified_rules, CostLimits, StorableStrings, OneMutation]
    if not introspection:
        rules.append(NoIntrospection)
    return document, tuple(_plain(e) for e in validate(which, document, rules, max_errors=20))


def _plain(error: GraphQLError) -> GraphQLError:
    """A validation error caused by a Python exception (an Int literal of 5 000 digits, a DateTime literal
    past year 9999) is bad input, not an internal error: keep its message, drop the exception."""
    if error.original_error is None or isinstance(error.original_error, GraphQLError):
        return error
    return GraphQLError(error.message, error.nodes, extensions={"code": "INVALID"})


def _refusal(status: int, message: str, code: str) -> JsonResponse:
    response = JsonResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="graphql"'
    return response


def _not_for_session(request: HttpRequest) -> HttpResponse | None:
    """Session sign-in (GraphiQL in development) is checked against CSRF like a form would be."""
    return CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {})  # type: ignore[arg-type]


@method_decorator(csrf_exempt, name="dispatch")
class HubGraphQLView(GraphQLView):
    """`Authorization: Bearer <personal token>` (read scope for queries, write for mutations); anonymous
    callers see the public catalogue and the directory. A JSON list of up to MAX_BATCH operations is a batch."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refused = self._authenticate(request)
        if refused is not None:
            return refused
        self.graphiql = settings.HUB_GRAPHIQL and self.schema is schema
        try:
            body = request.body
        except RequestDataTooBig:
            return _refusal(413, _("The request is too large."), "REQUEST_TOO_LARGE")
        if (
            request.method == "POST"
            and self.get_content_type(request) == "application/json"
            and body.lstrip()[:1] == b"["
        ):
            return self._batch(request, body)
        response = super().dispatch(request, *args, **kwargs)
        if b'"UNAVAILABLE"' in response.content and _nothing_but_unavailable(response.content):
            response.status_code = 503  # as the REST API answers: the client may retry in a moment
            response["Retry-After"] = str(RETRY_AFTER_OUTAGE)
        return response

    def parse_body(self, request: HttpRequest) -> Any:
        try:
            return super().parse_body(request)
        except (UnicodeDecodeError, RecursionError) as exc:  # graphene lets these through: they would be a 500
            raise HttpError(HttpResponseBadRequest(_("The body is not valid UTF-8 JSON or GraphQL."))) from exc

    def _authenticate(self, request: HttpRequest) -> HttpResponse | None:
        request.graphql_person = AnonymousUser()  # type: ignore[attr-defined]
        request.graphql_token = None  # type: ignore[attr-defined]
        header = request.META.get("HTTP_AUTHORIZATION", "").encode("latin-1", errors="replace").split()
        if header and header[0].lower() == b"bearer":
            try:
                if len(header) != 2:
                    raise TokenRejected(_("Malformed Authorization header: use “Bearer <token>”."))
                token = authenticate_token(header[1].decode("ascii", errors="replace"))
            except TokenRejected as exc:
                return _refusal(401, exc.message, "UNAUTHENTICATED")
            if token.kind != ApiToken.Kind.PERSONAL:
                return _refusal(403, _("Partner tokens reach the partners' API only."), "NOT_ALLOWED")
            if not {"read", "write"} & set(token.scopes):
                return _refusal(403, _("This token is not for the API."), "NOT_ALLOWED")
            request.graphql_person, request.graphql_token = token.user, token  # type: ignore[attr-defined]
            return None
        if settings.HUB_GRAPHQL_SESSIONS and is_person(getattr(request, "user", None)):
            if request.method == "POST" and _not_for_session(request) is not None:
                return _refusal(403, _("CSRF check failed: send the csrftoken cookie's value."), "CSRF")
            request.graphql_person = request.user  # type: ignore[attr-defined]
        return None

    def _batch(self, request: HttpRequest, body: bytes) -> HttpResponse:
        try:
            operations = json.loads(body)
        except (ValueError, RecursionError):
            return _refusal(400, _("The body is not valid JSON."), "BAD_REQUEST")
        if not operations or len(operations) > MAX_BATCH or not all(isinstance(o, dict) for o in operations):
            message = _("A batch holds 1 to %(n)d operations, each a JSON object.") % {"n": MAX_BATCH}
            return _refusal(400, message, "BATCH_TOO_LARGE")
        answers = []
        for operation in operations:
            try:
                text, status = self.get_response(request, operation)
            except HttpError as exc:  # what graphene refuses before running (no query, variables not JSON)
                text, status = json.dumps({"errors": [self.format_error(exc)]}), exc.response.status_code
            answers.append(json.loads(text) | {"status": status} if text else {"status": status})
        # Each operation carries its own status. Once any has run, the batch is not refused as a whole: a
        # client retrying a 429 would replay the writes that went through.
        ran = [a["status"] for a in answers if a["status"] != 429]
        if ran:
            return JsonResponse(answers, safe=False, status=max(ran))
        return JsonResponse(answers, safe=False, status=429, headers={"Retry-After": str(WRITE_WINDOW)})

    def execute_graphql_request(
        self,
        request: HttpRequest,
        data: Any,
        query: Any,
        variables: Any,
        operation_name: Any,
        show_graphiql: bool = False,
    ) -> ExecutionResult | None:
        """Graphene's own, with the limits first and each query text parsed and validated once (cached)."""
        if not query:
            if show_graphiql:
                return None
            raise HttpError(HttpResponseBadRequest(_("Must provide query string.")))
        if not isinstance(query, str):
            return ExecutionResult(errors=[GraphQLError(_("The query must be a string."))])
        if len(query) > MAX_QUERY_LENGTH:
            message = _("The query is longer than %(n)d characters.") % {"n": MAX_QUERY_LENGTH}
            return ExecutionResult(errors=[GraphQLError(message, extensions={"code": "QUERY_TOO_LARGE"})])
        if variables is not None and not isinstance(variables, dict):
            return ExecutionResult(errors=[GraphQLError(_("`variables` must be a JSON object."))])
        check = checked_cached if len(query) <= CACHED_QUERY_LENGTH else checked
        document, errors = check(query, settings.HUB_GRAPHQL_INTROSPECTION, get_language(), self.schema.graphql_schema)
        if document is None or errors:
            return ExecutionResult(errors=list(errors))
        bad = unstorable_in(variables or {})
        if bad is not None:
            message = _("Text may not hold NUL characters or unpaired surrogates.")
            return ExecutionResult(errors=[GraphQLError(message, extensions={"code": "INVALID", "path": bad})])
        operation = get_operation_ast(document, operation_name)
        if request.method == "GET" and operation is not None and operation.operation != OperationType.QUERY:
            if show_graphiql:
                return None
            raise HttpError(HttpResponseNotAllowed(["POST"], _("Mutations are sent with POST.")))
        if operation is not None and operation.operation == OperationType.MUTATION:
            client = client_of(getattr(request, "graphql_token", None), getattr(request, "graphql_person", None))
            wait = wait_before_write(request, client=client)
            if wait:
                refusal = HttpResponse(status=429, headers={"Retry-After": str(wait)})
                raise HttpError(refusal, _("Too many changes: try again in %(n)d seconds.") % {"n": wait})
        try:
            return execute(  # type: ignore[return-value]
                self.schema.graphql_schema,
                document,
                context_value=request,
                variable_values=variables,
                operation_name=operation_name,
            )
        except Exception as exc:  # reported as an internal error by format_error, never a 500
            return ExecutionResult(errors=[exc])  # type: ignore[list-item]

    @staticmethod
    def format_error(error: Any) -> dict[str, Any]:
        """GraphQL's own errors as they are; anything unexpected is logged and shown as an internal error."""
        original = getattr(error, "original_error", None)
        if isinstance(error, GraphQLError) and (original is None or isinstance(original, GraphQLError)):
            return error.formatted  # type: ignore[return-value]
        if isinstance(error, HttpError):
            return {"message": str(error)}
        if isinstance(original or error, OperationalError | InterfaceError):  # the database cannot be reached
            logger.warning("GraphQL request failed: the database is unavailable", exc_info=original or error)
            message, code = _("The service is briefly unavailable: try again in a moment."), "UNAVAILABLE"
        else:
            logger.error("GraphQL request failed", exc_info=original or error)
            message, code = _("Internal error."), "INTERNAL_ERROR"
        formatted: dict[str, Any] = {"message": message, "extensions": {"code": code}}
        if isinstance(error, GraphQLError):
            formatted["path"] = error.path
        return formatted


def _nothing_but_unavailable(content: bytes) -> bool:
    """Whether an answer holds no data and only errors of a database that cannot be reached."""
    answer = json.loads(content)
    errors = answer.get("errors") or []
    data = answer.get("data") or {}
    return (
        bool(errors)
        and all(e.get("extensions", {}).get("code") == "UNAVAILABLE" for e in errors)
        and not any(value is not None for value in data.values())
    )


@method_decorator(csrf_exempt, name="dispatch")
class PartnerGraphQLView(HubGraphQLView):
    """The partners' schema: `Authorization: Bearer <partner token>` only (no session, no person), with
    the same request limits as the federation's."""

    def _authenticate(self, request: HttpRequest) -> HttpResponse | None:
        header = request.META.get("HTTP_AUTHORIZATION", "").encode("latin-1", errors="replace").split()
        if not header or header[0].lower() != b"bearer":
            return _refusal(401, _("Send a partner token: “Authorization: Bearer <token>”."), "UNAUTHENTICATED")
        try:
            if len(header) != 2:
                raise TokenRejected(_("Malformed Authorization header: use “Bearer <token>”."))
            token = authenticate_token(header[1].decode("ascii", errors="replace"))
        except TokenRejected as exc:
            return _refusal(401, exc.message, "UNAUTHENTICATED")
        partner = reading_partner(token)
        if partner is None:
            return _refusal(403, _("Only partner tokens reach the partners' API."), "NOT_ALLOWED")
        request.graphql_partner = partner  # type: ignore[attr-defined]
        request.graphql_token = token  # type: ignore[attr-defined]
        return None
