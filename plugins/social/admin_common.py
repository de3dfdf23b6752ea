"""Helpers shared by the social admin pages: permissions, labels, pager, query strings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from core.i18n import gettext as _

BASE = "/admin/social"
READ = {"permission": "social.read"}
WRITE = {"permission": "social.write"}
PER_PAGE = 25


@dataclass(frozen=True)
class Pager:
    """What the ``m.pager`` macro needs."""

    number: int
    has_previous: bool
    has_next: bool

    @classmethod
    def of(cls, page: int, per_page: int, total: int) -> Pager:
        """The pager of page ``page`` of ``total`` rows."""
        return cls(page, page > 1, page * per_page < total)


def sentiment_labels() -> dict[str, str]:
    """Sentiment labels, translated."""
    return {"positive": _("Positive"), "neutral": _("Neutral"), "negative": _("Negative")}


def link_labels() -> dict[str, str]:
    """Link statuses, translated."""
    return {
        "none": _("Not linked"),
        "auto": _("Linked by handle"),
        "probable": _("Probable match"),
        "confirmed": _("Confirmed"),
        "rejected": _("Rejected"),
    }


def health_labels() -> dict[str, str]:
    """Source health words, translated."""
    return {
        "ok": _("Healthy"),
        "failing": _("Failing"),
        "never": _("Not polled yet"),
        "disabled": _("Switched off"),
        "inbound": _("Receives posts"),
    }


def linked_choices() -> list[tuple[str, str]]:
    """The stream's "linked" filter."""
    return [("yes", _("Linked")), ("no", _("Not linked")), ("probable", _("Probable match"))]


def query_string(values: dict[str, Any], drop: tuple[str, ...] = ("page",)) -> str:
    """The non-empty filters as a query string (escaped), without ``drop``."""
    return urlencode({k: v for k, v in values.items() if v not in (None, "") and k not in drop})
