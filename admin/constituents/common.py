"""Helpers shared by the constituents pages: choices, pagers and form error handling."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, Response

from admin.forms import FormErrors
from admin.rendering import render_admin_page
from core.auth.principal import require_principal
from core.errors import ConflictError, InvalidInputError
from core.i18n import gettext as _

READ = {"permission": "constituents.read"}
WRITE = {"permission": "constituents.write"}
DELETE = {"permission": "constituents.delete"}
EXPORT = {"permission": "data.export"}
BASE = "/admin/constituents"


@dataclass(frozen=True)
class Pager:
    """What the ``m.pager`` macro needs."""

    number: int
    has_previous: bool
    has_next: bool
    total: int

    @classmethod
    def of(cls, page: int, per_page: int, total: int) -> Pager:
        """The pager of page ``page`` of ``total`` rows."""
        return cls(page, page > 1, page * per_page < total, total)


def kind_labels() -> dict[str, str]:
    """Constituent kinds and their translated names."""
    return {
        "individual": _("Individual"),
        "organisation": _("Organisation"),
        "household": _("Household"),
    }


def stage_labels() -> dict[str, str]:
    """Lifecycle stages and their translated names."""
    return {
        "prospect": _("Prospect"),
        "active": _("Active"),
        "lapsed": _("Lapsed"),
        "former": _("Former"),
        "do_not_solicit": _("Do not solicit"),
    }


def channel_labels(*, with_all: bool = False) -> dict[str, str]:
    """Contact channels and their translated names."""
    labels = {"email": _("Email"), "phone": _("Phone"), "sms": _("SMS"), "mail": _("Post")}
    if with_all:
        labels["all"] = _("All channels")
    return labels


def role_labels() -> dict[str, str]:
    """Household roles and their translated names."""
    return {
        "head": _("Head"),
        "partner": _("Partner"),
        "child": _("Child"),
        "member": _("Member"),
    }


def options(labels: dict[str, str]) -> list[tuple[str, str]]:
    """``(value, label)`` pairs for ``m.select``."""
    return list(labels.items())


def service_errors(exc: InvalidInputError, renames: dict[str, str] | None = None) -> FormErrors:
    """A service's field errors keyed by form field; ``renames`` maps service paths to fields.

    A path is renamed by its longest matching prefix (``emails.0`` → ``email``); otherwise
    its first segment is the field. A message without a field goes to the whole form.
    """
    renames = renames or {}
    errors: FormErrors = {}
    for path, message in exc.errors.items():
        field = next(
            (renames[p] for p in sorted(renames, key=len, reverse=True) if path.startswith(p)),
            str(path).split(".")[0] or "__all__",
        )
        errors.setdefault(field, str(message))
    return errors


def parse_id(raw: Any) -> int | None:
    """A positive record id typed into a form, or None."""
    text = str(raw or "").strip().lstrip("#")
    if not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if 0 < value <= 2_147_483_647 else None


async def form_page(
    request: Request[Any, Any, Any],
    template: str,
    context: dict[str, Any],
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
) -> Response[str]:
    """Render a form page; 422 when there are errors, 409 for a conflict-only error."""
    errors = errors or {}
    status = 200
    if "__conflict__" in errors:
        status = 409
        message = errors["__conflict__"]
        errors = {k: v for k, v in errors.items() if k != "__conflict__"} | {"__all__": message}
    elif errors:
        status = 422
    return await render_admin_page(
        request,
        template,
        {**context, "values": values or {}, "errors": errors},
        status_code=status,
    )


def conflict_errors(exc: ConflictError) -> FormErrors:
    """A conflict shown at the top of the form (status 409)."""
    return {"__conflict__": str(exc)}


def can(request: Request[Any, Any, Any], permission: str) -> bool:
    """Whether the signed-in staff user holds ``permission``."""
    return require_principal(request).can(permission)
