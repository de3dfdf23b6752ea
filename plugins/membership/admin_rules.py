"""Status rules editor: the whole ordered rule set is edited and saved at once."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from pydantic import ValidationError

from admin import form_values, render_admin_page
from admin.forms import errors_from_validation
from core.errors import InvalidInputError
from core.i18n import gettext as _
from core.web.pages import redirect_with_flash
from plugins.membership import rules
from plugins.membership.admin_common import BASE, READ, WRITE
from plugins.membership.models import StatusRuleIn

FIELDS = ("position", "status", "label", "lifecycle", "anchor", "from_days", "until_days")
BLANK_ROWS = 2


def lifecycle_options() -> list[tuple[str, str]]:
    """Which memberships a rule applies to."""
    return [
        ("active", _("Active")),
        ("pending", _("Pending payment")),
        ("cancelled", _("Cancelled")),
        ("any", _("Any")),
    ]


def anchor_options() -> list[tuple[str, str]]:
    """The dates a rule's window is counted from."""
    return [
        ("join", _("Join date")),
        ("start", _("Start of the continuous period")),
        ("end", _("Expiry date")),
        ("grace_end", _("End of grace")),
    ]


def parse_rows(values: dict[str, Any], count: int) -> tuple[list[StatusRuleIn], dict[str, str]]:
    """Rules from the form rows (rows without a status are skipped) and errors by field."""
    parsed: list[StatusRuleIn] = []
    errors: dict[str, str] = {}
    for index in range(count):
        row = {f: values.get(f"r{index}_{f}") for f in FIELDS}
        if not row["status"]:
            continue
        data: dict[str, Any] = {k: v for k, v in row.items() if v is not None}
        for name in ("position", "from_days", "until_days"):
            raw = data.get(name)
            if raw is not None and str(raw).lstrip("-").isdigit():
                data[name] = int(raw)
        data["counts_as_member"] = values.get(f"r{index}_counts_as_member") in ("true", "on")
        try:
            parsed.append(StatusRuleIn.model_validate(data))
        except ValidationError as exc:
            for field, message in errors_from_validation(exc).items():
                errors[f"r{index}_{field}"] = message
    return parsed, errors


async def _page(
    request: Request[Any, Any, Any],
    values: dict[str, Any],
    count: int,
    errors: dict[str, str],
    status_code: int = 200,
) -> Response[str]:
    context = {
        "values": values,
        "rows": range(count),
        "count": count,
        "errors": errors,
        "lifecycles": lifecycle_options(),
        "anchors": anchor_options(),
    }
    return await render_admin_page(
        request, "membership/admin/rules.html", context, status_code=status_code
    )


@get("/rules", include_in_schema=False, opt=READ, name="membership_rules")
async def rules_page(request: Request[Any, Any, Any]) -> Response[str]:
    """The rules as an editable table, with blank rows to add more."""
    stored = await rules.list_rules()
    values: dict[str, Any] = {}
    for index, rule in enumerate(stored):
        for field in (*FIELDS, "counts_as_member"):
            values[f"r{index}_{field}"] = getattr(rule, field)
    return await _page(request, values, len(stored) + BLANK_ROWS, {})


@post("/rules", include_in_schema=False, opt=WRITE, name="membership_rules_save")
async def save_rules(request: Request[Any, Any, Any]) -> Response[Any]:
    """Replace the rule set; statuses follow at the next recomputation (daily)."""
    values = await form_values(request)
    raw_count = str(values.get("count") or "0")
    count = min(int(raw_count), 100) if raw_count.isdigit() else 0
    parsed, errors = parse_rows(values, count)
    if errors:
        return await _page(request, values, count, errors, 422)
    try:
        await rules.replace_rules(parsed)
    except InvalidInputError as exc:
        message = _("Give at least one rule, each with its own order number.")
        return await _page(
            request,
            values,
            count,
            {"__all__": message}
            | {k: str(v) for k, v in exc.errors.items() if k not in ("rules", "")},
            422,
        )
    from plugins.membership.recompute import recompute_all

    await recompute_all()
    return redirect_with_flash(f"{BASE}/rules", _("Rules saved; statuses recomputed."))


ROUTES: list[Any] = [rules_page, save_rules]
