"""Admin pages for batches, structure and reports; permissions, CSRF and switching off."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import date

import httpx
import pytest

from core.plugins.registry import PluginRegistry
from core.plugins.service import switch_plugin
from core.testing import BrowserSession
from plugins.donations import admin_reports, batches, gifts, structure
from plugins.donations.models import GiftIn
from plugins.donations.tests.conftest import PersonFactory

MakeUI = Callable[..., Awaitable[BrowserSession]]


async def test_batch_posts_only_when_totals_match(
    admin_ui: BrowserSession, person: PersonFactory, fund: int
) -> None:
    donor = await person("Babbage")
    opened = await admin_ui.submit(
        "/admin/donations/batches",
        {"name": "Monday post", "control_count": "2", "control_amount": "30.00", "currency": "USD"},
    )
    assert opened.status_code == 303, opened.text
    url = opened.headers["location"]
    bad = await admin_ui.submit(
        f"{url}/items",
        {
            "donor_id": str(donor),
            "amount": "ten",
            "gift_date": "2026-01-05",
            "payment_method": "cash",
        },
    )
    assert bad.status_code == 422
    assert 'id="error-amount"' in bad.text
    assert 'value="ten"' in bad.text
    item = {
        "donor_id": str(donor),
        "amount": "10",
        "gift_date": "2026-01-05",
        "payment_method": "cheque",
        "fund_id": str(fund),
    }
    assert (await admin_ui.submit(f"{url}/items", item)).status_code == 303
    refused = await admin_ui.submit(f"{url}/post")
    assert refused.status_code == 409
    assert "cannot be posted" in refused.text
    assert "disabled" in refused.text
    batch_id = int(url.rsplit("/", 1)[1])
    assert (await batches.get_batch(batch_id)).status == "open"
    assert (await admin_ui.submit(f"{url}/items", item | {"amount": "20"})).status_code == 303
    posted = await admin_ui.submit(f"{url}/post")
    assert posted.status_code == 303
    assert (await batches.get_batch(batch_id)).status == "posted"
    listed, total = await gifts.list_gifts(donor_id=donor)
    assert total == 2
    assert sum(g.amount_minor for g in listed) == 3_000
    assert (await admin_ui.get("/admin/donations/batches")).status_code == 200


async def test_structure_editors(admin_ui: BrowserSession, person: PersonFactory) -> None:
    assert (await admin_ui.get("/admin/donations/funds/new")).status_code == 200
    fund = await admin_ui.submit(
        "/admin/donations/funds", {"code": "SCH", "name": "Scholarships", "active": "true"}
    )
    assert fund.status_code == 303
    clash = await admin_ui.submit("/admin/donations/funds", {"code": "SCH", "name": "Again"})
    assert clash.status_code == 422
    assert 'id="error-code"' in clash.text
    bad = await admin_ui.submit(
        "/admin/donations/campaigns",
        {
            "code": "SPRING",
            "name": "Spring",
            "goal": "1000.001",
            "currency": "USD",
            "start_date": "2026-03-01",
            "end_date": "2026-02-01",
        },
    )
    assert bad.status_code == 422
    assert 'id="error-goal"' in bad.text
    made = await admin_ui.submit(
        "/admin/donations/campaigns",
        {
            "code": "SPRING",
            "name": "Spring",
            "goal": "1000",
            "currency": "USD",
            "start_date": "2026-03-01",
            "end_date": "2026-06-30",
            "active": "true",
        },
    )
    assert made.status_code == 303
    campaign_id = int(made.headers["location"].rsplit("/", 1)[1])
    donor = await person("Noether")
    await gifts.record_gift(
        GiftIn(donor_id=donor, amount_minor=25_000, currency="USD", campaign_id=campaign_id)
    )
    page = await admin_ui.get("/admin/donations/campaigns")
    assert page.status_code == 200
    assert 'class="chart progress"' in page.text
    assert 'width="25.0"' in page.text
    appeal = await admin_ui.submit(
        "/admin/donations/appeals",
        {
            "campaign_id": str(campaign_id),
            "code": "SPR-MAIL",
            "name": "Spring letter",
            "channel": "mail",
            "cost": "120.50",
            "currency": "USD",
            "active": "true",
        },
    )
    assert appeal.status_code == 303, re.findall(r"field-error[^<]*<", appeal.text)
    appeals = await structure.list_appeals()
    assert appeals[0].cost_minor == 12_050
    edit = await admin_ui.get(appeal.headers["location"])
    assert edit.status_code == 200
    assert 'value="120.50"' in edit.text
    in_use = await admin_ui.submit(f"/admin/donations/campaigns/{campaign_id}/delete")
    assert in_use.status_code == 303
    assert await structure.get_campaign(campaign_id)


async def test_report_pages_show_figures_and_a_chart(
    admin_ui: BrowserSession, person: PersonFactory, fund: int
) -> None:
    donor = await person("Franklin")
    # Fiscal years start on 1 July: FY2026 runs from July 2025 to June 2026.
    for day, amount in ((date(2025, 3, 1), 40_000), (date(2025, 9, 1), 15_000)):
        await gifts.record_gift(
            GiftIn(
                donor_id=donor,
                amount_minor=amount,
                currency="USD",
                gift_date=day,
                splits=[{"fund_id": fund, "amount_minor": amount}],
            )
        )
    index = await admin_ui.get("/admin/donations/reports")
    assert index.status_code == 200
    assert "/admin/donations/reports/lybunt" in index.text
    totals = await admin_ui.get("/admin/donations/reports/totals?year=2026&dimension=fund")
    assert totals.status_code == 200
    assert "<svg" in totals.text
    assert "General" in totals.text
    assert "$150.00" in totals.text
    assert "2025-07-01" in totals.text
    assert "2026-06-30" in totals.text
    lybunt = await admin_ui.get("/admin/donations/reports/lybunt?year=2027&basis=fiscal")
    assert lybunt.status_code == 200
    assert "Franklin" in lybunt.text
    assert "<svg" in lybunt.text
    for slug in (
        "sybunt",
        "retention",
        "gain_loss",
        "pyramid",
        "rfm",
        "campaign_progress",
        "upgrade_prospects",
    ):
        page = await admin_ui.get(f"/admin/donations/reports/{slug}")
        assert page.status_code == 200, slug
    bad = await admin_ui.get("/admin/donations/reports/lybunt?year=abc")
    assert bad.status_code == 422
    assert 'id="error-year"' in bad.text
    csv = await admin_ui.get("/admin/donations/reports/totals/csv?year=2026")
    assert csv.status_code == 200
    assert csv.text.splitlines()[1] == "General,15000,1"
    assert (await admin_ui.get("/admin/donations/reports/nonesuch")).status_code == 404
    assert ".chart.progress" in (await admin_ui.get("/static/admin/admin.css")).text


async def test_viewer_is_refused_and_csrf_is_required(
    make_admin_ui: MakeUI, admin_ui: BrowserSession
) -> None:
    viewer = await make_admin_ui(roles=["viewer"])
    assert (await viewer.get("/admin/donations/gifts/new")).status_code == 403
    assert (await viewer.get("/admin/donations/")).status_code == 403
    home = await viewer.get("/admin/")
    assert 'href="/admin/donations/"' not in home.text
    no_token = await admin_ui.post("/admin/donations/funds", data={"code": "X", "name": "X"})
    assert no_token.status_code == 403


async def test_switched_off_plugin_hides_its_pages(
    admin_ui: BrowserSession, registry: PluginRegistry
) -> None:
    assert (await admin_ui.get("/admin/donations/")).status_code == 200
    await switch_plugin(registry, "donations", False)
    await registry.state.refresh_if_stale()
    assert (await admin_ui.get("/admin/donations/")).status_code == 404
    home = await admin_ui.get("/admin/")
    assert home.status_code == 200
    assert 'href="/admin/donations/"' not in home.text
    await switch_plugin(registry, "donations", True)


async def test_donor_reports_show_a_first_page_and_stream_every_row(
    admin_ui: BrowserSession,
    api: httpx.AsyncClient,
    person: PersonFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(admin_reports, "PAGE_ROWS", 2)
    for index in range(5):
        donor = await person(f"Lapsed{index}")
        await gifts.record_gift(
            GiftIn(
                donor_id=donor,
                amount_minor=1_000 + index,
                currency="USD",
                gift_date=date(2025, 3, 1),
            )
        )
    page = await admin_ui.get("/admin/donations/reports/lybunt?year=2026&basis=fiscal")
    assert page.status_code == 200
    assert "The first 2 of 5 rows" in page.text
    assert "Lapsed4" in page.text  # biggest amounts first
    assert "Lapsed0" not in page.text
    rfm = await admin_ui.get("/admin/donations/reports/rfm")
    assert "The first 2 of 5 rows" in rfm.text
    csv = await admin_ui.get("/admin/donations/reports/lybunt/csv?year=2026&basis=fiscal")
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.splitlines()
    assert lines[0] == "constituent_id,name,amount_minor"
    assert [line.rsplit(",", 1)[1] for line in lines[1:]] == [
        "1004",
        "1003",
        "1002",
        "1001",
        "1000",
    ]
    api_csv = await api.get("/api/v1/donations/reports/donations.rfm?format=csv")
    assert api_csv.status_code == 200
    assert len(api_csv.text.splitlines()) == 6
    body = (await api.get("/api/v1/donations/reports/donations.lybunt?year=2026")).json()
    assert len(body["rows"]) == 5
    assert "total_rows" not in body
