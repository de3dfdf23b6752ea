"""Helpers shared by the volunteers admin and portal pages: permissions, messages, times."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from litestar import Request

from core.auth.principal import require_principal
from core.i18n import gettext as _
from plugins.volunteers.common import local, org
from plugins.volunteers.series import local_instant

BASE = "/admin/volunteers"
READ = {"permission": "volunteers.read"}
WRITE = {"permission": "volunteers.write"}
HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def service_message(message: str) -> str:
    """A service's English message in the reader's language (unknown ones unchanged)."""
    known = {
        "no such constituent": _("There is no contact with this number."),
        "no such user": _("There is no such user."),
        "no such opportunity": _("There is no such opportunity."),
        "must be after the start": _("The end must be after the start."),
        "a shift lasts at most 24 hours": _("A shift lasts at most 24 hours."),
        "this person is recorded as deceased": _("This person is recorded as deceased."),
        "this shift has been cancelled": _("This shift has been cancelled."),
        "this shift has already started": _("This shift has already started."),
        "an attended or missed shift cannot be cancelled": _(
            "An attended or missed shift cannot be cancelled."
        ),
        "a cancelled or waitlisted sign-up has no place to mark": _(
            "A cancelled or waitlisted sign-up has no place to mark."
        ),
        "a cancelled shift cannot be changed": _("A cancelled shift cannot be changed."),
        "only a person with a place on the shift can check in": _(
            "Only a person with a place on the shift can check in."
        ),
        "check in before checking out": _("Check in before checking out."),
        "a cancelled or waitlisted sign-up has no attendance": _(
            "A cancelled or waitlisted sign-up has no attendance."
        ),
        "must be after arrival, within 24 hours": _(
            "Departure must be after arrival, within 24 hours."
        ),
        "must be after arrival": _("Departure must be after arrival."),
        "less than a minute after arrival": _(
            "You checked in less than a minute ago: check out when you leave."
        ),
        "this check-in code is not valid": _("This check-in code is not valid."),
        "this check-in code is for another shift": _("This check-in code is for another shift."),
        "must not be before the start date": _("The end date must not be before the start date."),
        "longer than one entry may be": _("This is longer than one entry may be."),
        "must not be in the future": _("The date must not be in the future."),
        "these hours were already decided": _("These hours were already approved or rejected."),
        "must be after the latest rate": _("The date must be after the latest rate's."),
        "must not be in the past, so reported values stay": _(
            "The date must not be in the past, so values already reported stay the same."
        ),
    }
    if message.startswith("volunteers must be at least "):
        years = message.removeprefix("volunteers must be at least ").split()[0]
        return _("Volunteers must be at least %(years)s years old.", years=years)
    if message.startswith("schedules reach at most "):
        days = message.removeprefix("schedules reach at most ").split()[0]
        return _("Schedules reach at most %(days)s days ahead.", days=days)
    if currency := _RATE_CURRENCY.fullmatch(message):
        return _("Rates are in %(currency)s.", currency=currency[1])
    return known.get(message, message)


_RATE_CURRENCY = re.compile(r"must be ([A-Z]{3})")


def form_errors_of(errors: dict[str, Any]) -> dict[str, str]:
    """Service field errors keyed by form field, translated."""
    return {str(k).split(".")[0]: service_message(str(v)) for k, v in errors.items()}


def user_id_of(request: Request[Any, Any, Any]) -> int:
    """The signed-in staff user's id."""
    return require_principal(request).user_id


def parse_local(day: Any, wall: Any) -> datetime | None:
    """A UTC instant from a local date (``YYYY-MM-DD``) and time (``HH:MM``), or None."""
    try:
        parsed_day = date.fromisoformat(str(day or ""))
    except ValueError:
        return None
    if not HHMM.match(str(wall or "")):
        return None
    return local_instant(parsed_day, time.fromisoformat(str(wall)), org().zone)


def local_parts(instant: datetime | None) -> tuple[str, str]:
    """An instant's local date and time as form values."""
    if instant is None:
        return "", ""
    moment = local(instant)
    return moment.date().isoformat(), moment.strftime("%H:%M")


def as_int_or_none(value: Any) -> int | None:
    """A positive id typed in a form, or None."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and 0 < len(text) < 10 else None


def terms_of(value: Any) -> list[str]:
    """Comma-separated terms typed in a form."""
    return [t for t in (p.strip() for p in str(value or "").split(",")) if t]
