"""Profile (with identity changes for staff), preferences and consent, my data, erasure."""

from __future__ import annotations

import json

from litestar import Litestar

from core import db
from core.constituents.consent import consent_log
from core.constituents.service import get_constituent
from core.testing import BrowserSession
from tests.portal.conftest import Donor, PortalClient


async def test_profile_contact_changes_apply_and_identity_changes_wait_for_staff(
    portal_client: PortalClient, donor: Donor, admin_ui: BrowserSession, make_admin_ui: object
) -> None:
    bad = await portal_client.submit(
        "/portal/profile",
        {
            "email": "not-an-email",
            "phone": "12",
            "first_name": "Anna",
            "line1": "",
            "city": "Madrid",
        },
    )
    assert bad.status_code == 422
    assert "Enter a valid email address." in bad.text
    assert 'value="Madrid"' in bad.text
    assert 'value="Anna"' in bad.text
    assert (await get_constituent(donor.id)).first_name == "Ann"

    saved = await portal_client.submit(
        "/portal/profile",
        {
            "email": "ann.new@example.org",
            "phone": "+34 911 23 45 67",
            "first_name": "Anna",
            "last_name": "Able",
            "birth_date": "1980-02-03",
            "line1": "Calle Mayor 1",
            "city": "Madrid",
            "postcode": "28013",
            "country": "es",
            "preferred_name": "Annie",
        },
    )
    assert saved.status_code == 303
    detail = await get_constituent(donor.id)
    assert detail.first_name == "Ann"
    assert detail.birth_date is None
    assert detail.preferred_name == "Annie"
    assert [e.email for e in detail.emails] == ["ann.new@example.org"]
    assert detail.phones[0].number == "+34911234567"
    assert detail.addresses[0].city == "Madrid"
    assert detail.addresses[0].country == "ES"
    page = await portal_client.get("/portal/profile")
    assert "checking a change you asked for" in page.text

    viewer = await make_admin_ui(roles=["viewer"])  # type: ignore[operator]
    assert (await viewer.get("/admin/portal-requests/")).status_code == 403
    queue = await admin_ui.get("/admin/portal-requests/")
    assert queue.status_code == 200
    assert "Anna" in queue.text
    assert "1980-02-03" in queue.text
    request_id = await db.fetch_value("SELECT id FROM portal_change_request")
    denied = await viewer.submit(
        f"/admin/portal-requests/identity/{request_id}", {"decision": "approve"}
    )
    assert denied.status_code == 403
    approved = await admin_ui.submit(
        f"/admin/portal-requests/identity/{request_id}", {"decision": "approve", "note": "ok"}
    )
    assert approved.status_code == 303
    detail = await get_constituent(donor.id)
    assert detail.first_name == "Anna"
    assert detail.birth_date is not None
    twice = await admin_ui.submit(
        f"/admin/portal-requests/identity/{request_id}", {"decision": "reject"}
    )
    assert twice.status_code == 303
    assert (await get_constituent(donor.id)).first_name == "Anna"


async def test_preferences_write_the_consent_log_with_the_wording_shown(
    portal_client: PortalClient, donor: Donor
) -> None:
    page = await portal_client.get("/portal/preferences")
    wording = "Yes, I would like to receive news and updates about our work by email."
    assert wording in page.text
    await portal_client.submit(
        "/portal/preferences", {"consent.newsletter.email": "yes", "consent.events.sms": "yes"}
    )
    await portal_client.submit("/portal/preferences", {"consent.events.sms": "yes"})
    log = await consent_log(donor.id)
    entries = [(e.channel, e.purpose, e.status, e.method) for e in log.items]
    assert sorted(entries) == sorted(
        [
            ("email", "newsletter", "granted", "portal"),
            ("sms", "events", "granted", "portal"),
            ("email", "newsletter", "withdrawn", "portal"),
        ]
    )
    assert {e.wording for e in log.items if e.purpose == "newsletter"} == {wording}
    history = await portal_client.get("/portal/preferences")
    assert history.text.count(wording) >= 3  # the checkbox and two history rows

    # The same page in Spanish stores the Spanish wording.
    portal_client.cookies.set("steward_lang", "es", domain="testserver")
    spanish = await portal_client.get("/portal/preferences")
    assert 'lang="es"' in spanish.text
    await portal_client.submit(
        "/portal/preferences", {"consent.events.sms": "yes", "consent.events.mail": "yes"}
    )
    latest = (await consent_log(donor.id, channel="mail")).items[0]
    assert latest.wording != ""
    assert latest.wording in spanish.text


async def test_my_data_export_and_erasure_request(
    app: Litestar, portal_client: PortalClient, donor: Donor, admin_ui: BrowserSession
) -> None:
    exported = await portal_client.get("/portal/my-data/export.json")
    assert exported.status_code == 200
    assert "attachment" in exported.headers["content-disposition"]
    data = json.loads(exported.text)
    plugins = {s["plugin"] for s in data["sections"]}
    assert {"constituents", "portal"} <= plugins
    portal_section = next(s for s in data["sections"] if s["plugin"] == "portal")
    assert portal_section["records"]["sessions"]
    assert "token_hash" not in exported.text
    assert "session_hash" not in exported.text
    as_csv = await portal_client.get("/portal/my-data/export.csv")
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.text.splitlines()[0] == "section,record_type,record,field,value"

    unconfirmed = await portal_client.submit("/portal/my-data/erasure", {"reason": "moving"})
    assert unconfirmed.status_code == 422
    assert "moving" in unconfirmed.text
    asked = await portal_client.submit(
        "/portal/my-data/erasure", {"reason": "moving", "confirm": "yes"}
    )
    assert asked.status_code == 303
    assert "We received your request" in (await portal_client.get("/portal/my-data")).text

    request_id = await db.fetch_value("SELECT id FROM portal_erasure_request")
    queue = await admin_ui.get("/admin/portal-requests/")
    assert "moving" in queue.text
    done = await admin_ui.submit(
        f"/admin/portal-requests/erasure/{request_id}", {"decision": "approve"}
    )
    assert done.status_code == 303
    after = await admin_ui.get("/admin/portal-requests/")
    assert "What was erased and what is kept" in after.text
    assert "legal" in after.text or "gifts" in after.text
    row = await db.fetch_one(
        "SELECT display_name, deleted_at FROM core_constituent WHERE id = {}", donor.id
    )
    assert row is not None
    assert row["deleted_at"] is not None
    # The erased person's portal session is gone.
    assert (await portal_client.get("/portal/")).status_code == 303
