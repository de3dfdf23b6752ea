"""The outbox viewer: list, filters, detail with the HTML escaped, and its permission."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar import Litestar

from core import db
from core.mail import OutgoingMail, send_mail
from core.mail.testing import SmtpSink
from core.testing import BrowserSession

EVIL_HTML = '<p onclick="alert(1)">Hi <script>alert(2)</script></p>'


async def _two_mails() -> tuple[int, int]:
    first = await send_mail(
        OutgoingMail(to="a@example.org", subject="First", text="one", tag="tests.first")
    )
    second = await send_mail(
        OutgoingMail(
            to="b@example.org",
            subject="Second & more",
            text="two",
            html=EVIL_HTML,
            tag="tests.second",
        )
    )
    return first, second


async def test_list_newest_first_and_filters(
    app: Litestar, admin_ui: BrowserSession, sink: SmtpSink
) -> None:
    await _two_mails()
    page = await admin_ui.get("/admin/accounts/outbox/")
    assert page.status_code == 200
    assert page.text.index("Second &amp; more") < page.text.index("First")
    assert 'href="/admin/accounts/outbox/"' in page.text  # the nav entry
    by_tag = await admin_ui.get("/admin/accounts/outbox?tag=tests.first")
    assert "First" in by_tag.text
    assert "Second &amp; more" not in by_tag.text
    failed = await admin_ui.get("/admin/accounts/outbox?status=failed")
    assert "No messages match." in failed.text
    sent = await admin_ui.get("/admin/accounts/outbox?status=sent")
    assert "First" in sent.text
    bad = await admin_ui.get("/admin/accounts/outbox?status=bogus")
    assert bad.status_code == 400
    spanish = await admin_ui.get("/admin/accounts/outbox/", headers={"accept-language": "es"})
    assert "Bandeja de salida" in spanish.text


async def test_detail_shows_text_and_escaped_html(
    app: Litestar, admin_ui: BrowserSession, sink: SmtpSink
) -> None:
    _, second = await _two_mails()
    page = await admin_ui.get(f"/admin/accounts/outbox/{second}")
    assert page.status_code == 200
    assert "b@example.org" in page.text
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page.text
    assert "<script>alert(2)" not in page.text
    assert 'onclick="alert(1)"' not in page.text
    missing = await admin_ui.get("/admin/accounts/outbox/999999")
    assert missing.status_code == 404

    failed_id = await send_mail(OutgoingMail(to="c@example.org", subject="Oops", text="x"))
    await db.execute(
        "UPDATE core_mail_outbox SET status = 'failed', error = {} WHERE id = {}",
        "SMTPConnectError: refused <b>",
        failed_id,
    )
    failed = await admin_ui.get(f"/admin/accounts/outbox/{failed_id}")
    assert "SMTPConnectError: refused &lt;b&gt;" in failed.text
    listing = await admin_ui.get("/admin/accounts/outbox?status=failed")
    assert "Oops" in listing.text


async def test_viewer_is_forbidden(
    app: Litestar, make_admin_ui: Callable[..., Awaitable[BrowserSession]], sink: SmtpSink
) -> None:
    viewer = await make_admin_ui(roles=["viewer"])
    assert (await viewer.get("/admin/accounts/outbox/")).status_code == 403
    assert (await viewer.get("/admin/accounts/outbox/1")).status_code == 403
    home = await viewer.get("/admin/")
    assert "/admin/accounts/outbox/" not in home.text
