"""Portal: my membership, join and renew online, change level, family, card, directory."""

from __future__ import annotations

from datetime import date

import pytest
from litestar import Litestar

from core import db
from core.settings import Settings
from core.testing import base_settings
from plugins.membership import memberships, store
from plugins.membership.models import JoinIn
from plugins.membership.tests.conftest import ORG_ZONE, LevelFactory, SetToday
from tests.portal.conftest import make_donor, sign_in


async def test_join_pay_renew_upgrade_card_and_family(
    app: Litestar, level: LevelFactory, today: SetToday
) -> None:
    today(date(2026, 1, 1))
    basic = await level("Basic", dues_minor=3000, tier=1, benefits="Newsletter")
    family = await level("Family", dues_minor=8000, tier=2, kind="family", member_cap=1)
    ann = await make_donor("ann@example.org", "Ann", "Able")
    client = await sign_in(app, ann)
    page = await client.get("/portal/membership/")
    assert page.status_code == 200
    assert "Become a member" in page.text
    assert "Newsletter" in page.text
    joined = await client.submit("/portal/membership/join", {"level_id": str(basic.id)})
    assert joined.status_code == 303
    [mine] = await store.memberships_of(ann.id)
    assert (mine.lifecycle, mine.source, mine.end_date) == ("active", "portal", date(2027, 1, 1))
    gifts = await db.fetch_all("SELECT amount_minor, payment_method FROM donations_gift")
    assert [(int(g["amount_minor"]), g["payment_method"]) for g in gifts] == [(3000, "online")]

    renewed = await client.submit("/portal/membership/renew")
    assert renewed.status_code == 303
    assert (await store.fetch_membership(mine.id)).end_date == date(2028, 1, 1)

    today(date(2026, 7, 2))
    quoted = await client.get("/portal/membership/", params={"level": str(family.id)})
    assert "Amount due" in quoted.text
    upgraded = await client.submit("/portal/membership/level", {"level_id": str(family.id)})
    assert upgraded.status_code == 303
    assert (await store.fetch_membership(mine.id)).level_id == family.id

    added = await client.submit(
        "/portal/membership/family", {"first_name": "Kid", "last_name": "Able"}
    )
    assert added.status_code == 303
    refused = await client.submit(
        "/portal/membership/family", {"first_name": "Two", "last_name": "Able"}
    )
    assert refused.status_code == 303
    associates = await store.associates_of(mine.id)
    assert [a.name for a in associates] == ["Kid Able"]
    people = await db.fetch_value("SELECT COUNT(*) FROM core_constituent WHERE first_name = 'Two'")
    assert int(people) == 0  # a refused request leaves no contact behind

    pdf = await client.get("/portal/membership/card.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    home = await client.get("/portal/")
    assert "/portal/membership/" in home.text

    bob = await make_donor("bob@example.org", "Bob", "Baker")
    other = await sign_in(app, bob)
    assert (await other.get("/portal/membership/card.pdf")).status_code == 404
    removed = await other.submit(f"/portal/membership/family/{associates[0].constituent_id}/remove")
    assert removed.status_code == 404
    assert len(await store.associates_of(mine.id)) == 1


async def test_directory_is_opt_in_and_for_members_only(
    app: Litestar, level: LevelFactory, today: SetToday
) -> None:
    today(date(2026, 1, 1))
    basic = await level("Basic")
    ann = await make_donor("ann@example.org", "Ann", "Able")
    bob = await make_donor("bob@example.org", "Bob", "Baker")
    cat = await make_donor("cat@example.org", "Cat", "Cole")
    for person in (ann, bob):
        await memberships.join(JoinIn(member_id=person.id, level_id=basic.id))
    ann_client, cat_client = await sign_in(app, ann), await sign_in(app, cat)
    listed = await ann_client.submit("/portal/membership/settings", {"directory_opt_in": "true"})
    assert listed.status_code == 303
    search = await ann_client.get("/portal/membership/directory", params={"q": "ann"})
    assert search.status_code == 200
    assert "Ann Able" in search.text
    everyone = await ann_client.get("/portal/membership/directory")
    assert "Bob Baker" not in everyone.text  # Bob did not opt in
    outsider = await cat_client.get("/portal/membership/directory", params={"q": "ann"})
    assert outsider.status_code == 403
    assert "Ann Able" not in outsider.text


class TestWithoutDonations:
    """With donations switched off, online requests wait for staff as pending payment."""

    @pytest.fixture
    def settings(self, database_url: str) -> Settings:
        return base_settings(
            database_url, time_zone=ORG_ZONE, default_currency="USD", plugins=["membership"]
        )

    async def test_pending_join_and_renewal_request(
        self, app: Litestar, level: LevelFactory, today: SetToday
    ) -> None:
        today(date(2026, 1, 1))
        basic = await level("Basic", dues_minor=3000)
        ann = await make_donor("ann@example.org", "Ann", "Able")
        client = await sign_in(app, ann)
        await client.submit("/portal/membership/join", {"level_id": str(basic.id)})
        [mine] = await store.memberships_of(ann.id)
        assert (mine.lifecycle, mine.status) == ("pending", "pending")
        refused = await client.submit("/portal/membership/renew")
        assert refused.status_code == 303
        await memberships.confirm_payment(mine.id)
        asked = await client.submit("/portal/membership/renew")
        assert asked.status_code == 303
        assert (await store.fetch_membership(mine.id)).end_date == date(2027, 1, 1)  # unchanged
        task = await db.fetch_one(
            "SELECT follow_up_status FROM core_interaction WHERE constituent_id = {} "
            "AND external_ref LIKE {}",
            ann.id,
            "%renewal-request%",
        )
        assert task is not None
        assert task["follow_up_status"] == "open"
