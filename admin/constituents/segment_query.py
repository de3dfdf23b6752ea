"""The constituent list's query string: built-in filters, plugin segment filters, sort, page.

Plugin segment filters (:class:`core.plugins.types.SegmentFilter`) appear as form fields:

* without a ``parameter`` model, one text field ``f.<key>``; its text is the value;
* with a model, one field ``f.<key>.<name>`` per model field (a checkbox for booleans); the
  validated model instance is the value;
* with a model without fields, a checkbox ``f.<key>``.

A filter applies when any of its fields is filled in. The same query string is what a saved
segment stores, so applying a segment is following a link.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode

from pydantic import BaseModel, ValidationError

from admin.forms import FormErrors, errors_from_validation
from core.constituents.common import LIFECYCLE_STAGES
from core.constituents.listing import Condition
from core.constituents.names import KINDS
from core.i18n import gettext as _
from core.plugins.types import SegmentFilter

PER_PAGE = 50
MAX_TEXT = 200
FILTER_PREFIX = "f."
# Public sort names → the listing service's sort keys.
SORTS: dict[str, str] = {
    "name": "sort_name",
    "-name": "-sort_name",
    "created": "created_at",
    "-created": "-created_at",
    "updated": "updated_at",
    "-updated": "-updated_at",
}


def sort_labels() -> dict[str, str]:
    """Sort options and their translated names."""
    return {
        "name": _("Name (A to Z)"),
        "-name": _("Name (Z to A)"),
        "created": _("Oldest first"),
        "-created": _("Newest first"),
        "updated": _("Least recently updated"),
        "-updated": _("Recently updated"),
    }


@dataclass(frozen=True)
class FilterInput:
    """One form control of a plugin segment filter."""

    name: str
    label: str
    value: str
    checkbox: bool = False


@dataclass
class ListQuery:
    """The parsed list query; ``values`` is what the filter form shows (as typed)."""

    values: dict[str, str] = field(default_factory=dict)
    kind: str | None = None
    stage: str | None = None
    tag_id: int | None = None
    sort: str = "name"
    page: int = 1
    extra: list[Condition] = field(default_factory=list)
    plugin_inputs: list[FilterInput] = field(default_factory=list)
    errors: FormErrors = field(default_factory=dict)

    @property
    def q(self) -> str:
        """The search words."""
        return self.values.get("q", "")

    def query_string(self, *, page: int | None = None) -> str:
        """The filters (and ``page`` when given) as a query string, empty values left out."""
        pairs = [(k, v) for k, v in self.values.items() if v and k != "page"]
        if page is not None and page > 1:
            pairs.append(("page", str(page)))
        return urlencode(pairs)

    def service_filters(self) -> dict[str, Any]:
        """Keyword arguments for ``list_constituents`` / ``filter_conditions``."""
        return {
            "q": self.q or None,
            "kind": self.kind,
            "lifecycle_stage": self.stage,
            "tag_id": self.tag_id,
            "extra": list(self.extra),
        }


def _params_of(flt: SegmentFilter) -> list[tuple[str, str, bool, str | None]]:
    """``(form name, label, is_checkbox, model field)`` for each control of a filter."""
    base = FILTER_PREFIX + flt.key
    if flt.parameter is None:
        return [(base, flt.label, False, None)]
    fields = flt.parameter.model_fields
    if not fields:
        return [(base, flt.label, True, None)]
    params: list[tuple[str, str, bool, str | None]] = []
    for name, info in fields.items():
        label = f"{flt.label}: {info.title or name.replace('_', ' ')}"
        params.append((f"{base}.{name}", label, info.annotation is bool, name))
    return params


def _resolve(
    flt: SegmentFilter, raw: Mapping[str, str], query: ListQuery
) -> tuple[Any, bool] | None:
    """The filter's value and whether it is valid, or None when it is not in use."""
    params = _params_of(flt)
    typed = {name: raw.get(name, "") for name, _label, _box, _field in params}
    for name, label, box, _field in params:
        query.plugin_inputs.append(FilterInput(name, label, typed[name], box))
        if typed[name]:
            query.values[name] = typed[name]
    if not any(typed.values()):
        return None
    if flt.parameter is None:
        return typed[params[0][0]], True
    model: type[BaseModel] = flt.parameter
    data = {f: typed[n] for n, _label, _box, f in params if f is not None and typed[n]}
    try:
        return model.model_validate(data), True
    except ValidationError as exc:
        for model_field, message in errors_from_validation(exc).items():
            name = f"{FILTER_PREFIX}{flt.key}.{model_field}"
            query.errors.setdefault(name if name in typed else params[0][0], message)
        return None, False


def _first(params: Mapping[str, list[str]], name: str) -> str:
    values = params.get(name) or [""]
    return values[0].strip()[:MAX_TEXT]


def parse_list_query(query_string: str, filters: Mapping[str, SegmentFilter]) -> ListQuery:
    """Read the list's filters from a query string; bad values become ``errors``."""
    query = ListQuery()
    try:
        params = parse_qs(query_string, keep_blank_values=True, max_num_fields=200)
    except ValueError:
        query.errors["q"] = _("This value is not valid.")
        return query
    for name in ("q", "kind", "stage", "tag", "sort"):
        value = _first(params, name)
        if value:
            query.values[name] = value
    kind, stage = query.values.get("kind"), query.values.get("stage")
    if kind and kind not in KINDS:
        query.errors["kind"] = _("Choose one of the options.")
    else:
        query.kind = kind
    if stage and stage not in LIFECYCLE_STAGES:
        query.errors["stage"] = _("Choose one of the options.")
    else:
        query.stage = stage
    tag = query.values.get("tag")
    if tag:
        if tag.isdigit() and 0 < int(tag) <= 2_147_483_647:
            query.tag_id = int(tag)
        else:
            query.errors["tag"] = _("Choose one of the options.")
    sort = query.values.get("sort", "name")
    if sort not in SORTS:
        query.errors["sort"] = _("Choose one of the options.")
    else:
        query.sort = sort
    page = _first(params, "page") or "1"
    if page.isdigit() and 1 <= int(page) <= 100_000:
        query.page = int(page)
    else:
        query.errors["page"] = _("Enter a whole number.")
    raw = {name: _first(params, name) for name in params if name.startswith(FILTER_PREFIX)}
    for flt in filters.values():
        resolved = _resolve(flt, raw, query)
        if resolved is not None and resolved[1]:
            query.extra.append(flt.sql(resolved[0]))
    return query
