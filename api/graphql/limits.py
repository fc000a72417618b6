"""What one GraphQL request may ask, checked before anything runs: its size, batch, depth, aliases and the
number of fields once fragments are expanded. Page sizes (`first`) are capped where lists are paged."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    ValidationRule,
)

MAX_QUERY_LENGTH = 10_000  # characters
MAX_TOKENS = 2_000
MAX_BATCH = 5  # operations in one request
MAX_DEPTH = 8
MAX_ALIASES = 10
MAX_FIELDS = 250  # fields selected, fragments expanded


class _TooBig(Exception):
    pass


class CostLimits(ValidationRule):
    """Depth, aliases and fields of each operation. Fragment spreads are followed (a cycle or an unknown
    fragment is left to the standard rules, which report it) and counting stops at the first limit passed."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
        fragments = {
            d.name.value: d for d in self.context.document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.fields = self.aliases = self.depth = 0
        try:
            self._walk(node.selection_set, fragments, 1, frozenset())
        except _TooBig as exc:
            self.report_error(GraphQLError(str(exc), node, extensions={"code": "QUERY_TOO_COMPLEX"}))

    def _walk(
        self, selections: SelectionSetNode | None, fragments: dict[str, Any], depth: int, seen: frozenset[str]
    ) -> None:
        for selection in selections.selections if selections else ():
            if isinstance(selection, FieldNode):
                self.fields += 1
                self.aliases += selection.alias is not None
                introspection = selection.name.value.startswith("__")
                if self.fields > MAX_FIELDS:
                    raise _TooBig(_("The query selects more than %(n)d fields.") % {"n": MAX_FIELDS})
                if self.aliases > MAX_ALIASES:
                    raise _TooBig(_("The query uses more than %(n)d aliases.") % {"n": MAX_ALIASES})
                if depth > MAX_DEPTH and not introspection:
                    raise _TooBig(_("The query is nested deeper than %(n)d levels.") % {"n": MAX_DEPTH})
                if selection.selection_set and not introspection:
                    self._walk(selection.selection_set, fragments, depth + 1, seen)
            elif isinstance(selection, InlineFragmentNode):
                self._walk(selection.selection_set, fragments, depth, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in fragments and name not in seen:
                    self._walk(fragments[name].selection_set, fragments, depth, seen | {name})


class OneMutation(ValidationRule):
    """A mutation operation makes one change: each mutation commits on its own, so a second one failing
    after the first succeeded would leave half of the operation done behind an error."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
        if node.operation != OperationType.MUTATION:
            return
        fragments = {
            d.name.value: d for d in self.context.document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        if _root_fields(node.selection_set, fragments, frozenset()) > 1:
            message = _("Send one mutation per operation (a batch can hold several operations).")
            self.report_error(GraphQLError(message, node, extensions={"code": "ONE_MUTATION"}))


def _root_fields(selections: SelectionSetNode | None, fragments: dict[str, Any], seen: frozenset[str]) -> int:
    count = 0
    for selection in selections.selections if selections else ():
        if isinstance(selection, FieldNode):
            count += selection.name.value != "__typename"
        elif isinstance(selection, InlineFragmentNode):
            count += _root_fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:
                count += _root_fields(fragments[name].selection_set, fragments, seen | {name})
    return count


class NoIntrospection(ValidationRule):
    """Production keeps the schema to itself (`__schema`, `__type`); `__typename`, which clients add to every
    selection to tell types apart, stays allowed."""

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        if node.name.value in ("__schema", "__type"):
            self.report_error(
                GraphQLError(
                    _("Introspection is disabled here: read api/graphql/schema.graphql."),
                    node,
                    extensions={"code": "INTROSPECTION_DISABLED"},
                )
            )


def unstorable(text: str) -> bool:
    """Text PostgreSQL cannot store or compare: a NUL character, or a lone UTF-16 surrogate."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def unstorable_in(value: Any, path: str = "variables") -> str | None:
    """The path of the first unstorable string in a JSON value (variables), or None."""
    if isinstance(value, str):
        return path if unstorable(value) else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(key, str) and unstorable(key):
            return path
        found = unstorable_in(item, "%s.%s" % (path, key))
        if found:
            return found
    return None


class StorableStrings(ValidationRule):
    """String literals of the query must be storable (see `unstorable`): a NUL reaching PostgreSQL fails the
    query instead of answering it."""

    def enter_string_value(self, node: StringValueNode, *_args: Any) -> None:
        if unstorable(node.value):
            self.report_error(
                GraphQLError(
                    _("Text may not hold NUL characters or unpaired surrogates."),
                    node,
                    extensions={"code": "INVALID"},
                )
            )
