"""Translated labels of stored codes (statuses, sources), shared by pages and mail."""

from __future__ import annotations

from core.i18n import gettext as _


def status_labels() -> dict[str, str]:
    """Sign-up statuses, background-check statuses and hours statuses in the current locale."""
    return {
        "signed_up": _("Signed up"),
        "confirmed": _("Confirmed"),
        "attended": _("Attended"),
        "no_show": _("No-show"),
        "cancelled": _("Cancelled"),
        "waitlisted": _("Waitlisted"),
        "none": _("None"),
        "pending": _("Pending"),
        "clear": _("Clear"),
        "failed": _("Failed"),
        "approved": _("Approved"),
        "rejected": _("Rejected"),
    }


def weekday_names() -> list[str]:
    """Weekday names, Monday first (availability is keyed "0" for Monday)."""
    return [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"),
            _("Saturday"), _("Sunday")]  # fmt: skip
