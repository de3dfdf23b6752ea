"""HTML form handling for admin (and portal) pages.

A form post is read into plain values, validated with a pydantic model, and on failure the
page is rendered again with the values the user typed and one message per field, shown
next to that field (the ``field`` macros in ``admin/macros.html``). Nothing typed is lost.
"""

from __future__ import annotations

from typing import Any, TypeVar

from litestar import Request
from pydantic import BaseModel, ValidationError

from core.errors import InvalidInputError
from core.i18n import gettext as _

ModelT = TypeVar("ModelT", bound=BaseModel)
FormErrors = dict[str, str]
FORM_META_FIELDS = frozenset({"_csrf", "next"})


async def form_values(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The posted fields: single values as strings, repeated fields as lists.

    Empty strings become None so optional model fields validate as "not given".
    """
    form = await request.form()
    values: dict[str, Any] = {}
    for key in form:
        if key in FORM_META_FIELDS:
            continue
        items = form.getall(key)
        cleaned = [v.strip() if isinstance(v, str) else v for v in items]
        if len(cleaned) == 1 and not key.endswith("[]"):
            values[key] = cleaned[0] if cleaned[0] != "" else None
        else:
            values[key.removesuffix("[]")] = [v for v in cleaned if v != ""]
    return values


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "missing" or (kind.endswith("_type") and error.get("input") is None):
        return _("This field is required.")
    if kind == "string_too_short":
        return _("Enter at least %(n)s characters.", n=context.get("min_length", 1))
    if kind == "string_too_long":
        return _("Enter at most %(n)s characters.", n=context.get("max_length", 0))
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Enter a whole number.")
    if kind in {"decimal_parsing", "float_parsing"}:
        return _("Enter a number.")
    if kind in {"greater_than_equal", "greater_than"}:
        return _("Enter a value of at least %(n)s.", n=context.get("ge", context.get("gt")))
    if kind in {"less_than_equal", "less_than"}:
        return _("Enter a value of at most %(n)s.", n=context.get("le", context.get("lt")))
    if kind in {"date_from_datetime_parsing", "date_parsing", "date_type"}:
        return _("Enter a date as YYYY-MM-DD.")
    if kind in {"datetime_parsing", "datetime_from_date_parsing"}:
        return _("Enter a date and time.")
    if kind in {"literal_error", "enum"}:
        return _("Choose one of the options.")
    if kind == "value_error":
        return str(error.get("msg", "")).removeprefix("Value error, ")
    return str(error.get("msg", _("This value is not valid.")))


def errors_from_validation(exc: ValidationError) -> FormErrors:
    """One message per field (the first one), keyed by the top-level field name."""
    errors: FormErrors = {}
    for error in exc.errors():
        location = error.get("loc") or ("__all__",)
        field = str(location[0]) if location else "__all__"
        errors.setdefault(field, _message(dict(error)))
    return errors


def errors_from_service(exc: InvalidInputError) -> FormErrors:
    """A service's field errors (``{"field": "message"}``) in form shape."""
    return {str(key).split(".")[0]: str(value) for key, value in exc.errors.items()}


def validate_form(model: type[ModelT], values: dict[str, Any]) -> tuple[ModelT | None, FormErrors]:
    """The validated model, or None and the errors to show beside each field."""
    try:
        return model.model_validate(values), {}
    except ValidationError as exc:
        return None, errors_from_validation(exc)
