"""Donor A can never read or change donor B's data, through the portal or the API; CSRF."""

from __future__ import annotations

import json

from litestar import Litestar

from core import db
from core.constituents.consent import current_consent
from core.constituents.households import create_household
from core.constituents.service import get_constituent
from core.testing import TEST_HOST
from tests.portal.conftest import Donor, PortalClient, make_donor


async def test_donor_a_cannot_reach_donor_b(
    app: Litestar,
    donor: Donor,
    other_donor: Donor,
    make_portal_client: object,
) -> None:
    bob_flat = await make_donor("carl@example.org", "Carl", "Cook")
    await create_household("Baker household", [other_donor.id, bob_flat.id])
    ann = await make_portal_client(donor)  # type: ignore[operator]
    bob = await make_portal_client(other_donor)  # type: ignore[operator]

    # Pages only ever show the signed-in person's own record, whatever is in the URL.
    for path in [
        "/portal/profile",
        "/portal/household",
        "/portal/my-data/export.json",
        f"/portal/profile?constituent_id={other_donor.id}",
    ]:
        page = await ann.get(path)
        assert page.status_code == 200
        assert "Bob" not in page.text
        assert "bob@example.org" not in page.text
        assert "Baker household" not in page.text
    export = json.loads((await ann.get("/portal/my-data/export.json")).text)
    assert export["constituent_id"] == donor.id
    csv_text = (await ann.get("/portal/my-data/export.csv")).text
    assert "bob@example.org" not in csv_text
    assert "ann@example.org" in csv_text

    # Forms act on the signed-in person; ids smuggled into the form are ignored.
    await ann.submit(
        "/portal/profile",
        {
            "email": donor.email,
            "phone": "",
            "preferred_name": "Annie",
            "constituent_id": str(other_donor.id),
            "id": str(other_donor.id),
        },
    )
    await ann.submit(
        "/portal/preferences",
        {"consent.newsletter.email": "yes", "constituent_id": str(other_donor.id)},
    )
    assert (await get_constituent(other_donor.id)).preferred_name is None
    assert (await get_constituent(donor.id)).preferred_name == "Annie"
    assert await current_consent(other_donor.id) == []

    # Bob sees his household, with the member names only (no contact details).
    household = await bob.get("/portal/household")
    assert "Baker household" in household.text
    assert "Carl Cook" in household.text
    assert "carl@example.org" not in household.text

    # Portal sessions give no access to the API or the admin UI, even if the cookie is
    # sent there by hand.
    cookie = ann.cookies.get("steward_portal")
    async with PortalClient(
        transport=ann._transport,
        base_url=f"http://{TEST_HOST}",
    ) as raw:
        headers = {"Cookie": f"steward_portal={cookie}"}
        api = await raw.get(f"/api/v1/constituents/{other_donor.id}", headers=headers)
        assert api.status_code == 401
        own = await raw.get(f"/api/v1/constituents/{donor.id}", headers=headers)
        assert own.status_code == 401
        admin = await raw.get(f"/admin/constituents/{other_donor.id}", headers=headers)
        assert admin.status_code in (302, 303)
        assert "/admin/login" in admin.headers["location"]


async def test_portal_posts_need_the_csrf_token(portal_client: PortalClient, donor: Donor) -> None:
    form = {"email": donor.email, "preferred_name": "Mallory"}
    missing = await portal_client.post("/portal/profile", data=form)
    assert missing.status_code == 403
    wrong = await portal_client.post("/portal/profile", data={**form, "_csrf": "nope"})
    assert wrong.status_code == 403
    for path in [
        "/portal/preferences",
        "/portal/my-data/erasure",
        "/portal/logout",
        "/portal/security/password",
    ]:
        assert (await portal_client.post(path, data={"confirm": "yes"})).status_code == 403
    assert (await get_constituent(donor.id)).preferred_name is None
    assert await db.fetch_value("SELECT COUNT(*) AS n FROM portal_erasure_request") == 0
    header = await portal_client.post(
        "/portal/profile", data=form, headers={"X-CSRF-Token": portal_client.csrf}
    )
    assert header.status_code == 303
