"""The mail outbox for staff: every recorded message, newest first, and one message's parts.

Mail HTML is never rendered as markup here: the detail page shows the plain-text part and
the HTML source escaped inside ``<pre>``.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter

from admin.paging import pager_of
from admin.rendering import render_admin_page
from core.errors import NotFoundError
from core.i18n import gettext as _
from core.mail.outbox import STATUSES
from core.mail.service import get_outbox, list_outbox, outbox_tags

OUTBOX = "/accounts/outbox"
MANAGE = {"permission": "settings.manage"}
PER_PAGE = 50
STATUS_PATTERN = "^(|" + "|".join(STATUSES) + ")$"


def status_labels() -> dict[str, str]:
    """Translated names of the outbox statuses (at request time)."""
    return {
        "queued": _("Queued"),
        "sending": _("Sending"),
        "sent": _("Sent"),
        "failed": _("Failed"),
    }


@get(OUTBOX, opt=MANAGE, include_in_schema=False)
async def outbox_page(
    request: Request[Any, Any, Any],
    tag: Annotated[str, QueryParameter(max_length=100)] = "",
    status: Annotated[str, QueryParameter(pattern=STATUS_PATTERN)] = "",
    page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
) -> Response[str]:
    """Recorded mail, newest first, filtered by tag and status."""
    found = await list_outbox(tag=tag or None, status=status or None, page=page, per_page=PER_PAGE)
    filters = {k: v for k, v in {"tag": tag, "status": status}.items() if v}
    context = {
        "mails": found.items,
        "pager": pager_of(found),
        "base_url": f"/admin{OUTBOX}?{urlencode(filters)}&" if filters else f"/admin{OUTBOX}?",
        "tag": tag,
        "status": status,
        "tags": await outbox_tags(),
        "statuses": status_labels(),
    }
    return await render_admin_page(request, "admin/accounts/outbox.html", context)


@get(f"{OUTBOX}/{{mail_id:int}}", opt=MANAGE, include_in_schema=False)
async def outbox_detail(request: Request[Any, Any, Any], mail_id: FromPath[int]) -> Response[str]:
    """One message: headers, status, the text part and the HTML source."""
    try:
        mail = await get_outbox(mail_id)
    except NotFoundError as exc:
        raise NotFoundException(_("There is no such message.")) from exc
    context = {"mail": mail, "statuses": status_labels()}
    return await render_admin_page(request, "admin/accounts/outbox_detail.html", context)


ROUTES = [outbox_page, outbox_detail]
