"""Organisation settings: validation, saving, applying at once and at start-up."""

from __future__ import annotations

from litestar import Litestar

from core.settings import Settings
from core.system.org_settings import apply_stored
from core.testing import BrowserSession

VALID = {
    "org_name": "Fundación Esperanza",
    "time_zone": "Europe/Madrid",
    "fiscal_year_start_month": "4",
    "default_currency": "eur",
    "locale": "es",
    "default_country": "es",
}


async def test_bad_values_are_refused_and_typed_values_kept(admin_ui: BrowserSession) -> None:
    page = await admin_ui.get("/admin/settings/organisation")
    assert page.status_code == 200
    assert 'value="UTC"' in page.text
    response = await admin_ui.submit(
        "/admin/settings/organisation",
        {**VALID, "time_zone": "Mars/Olympus_Mons", "default_currency": "XYZ"},
    )
    assert response.status_code == 422
    assert '<p class="field-error" id="error-time_zone">Enter a time zone' in response.text
    assert 'id="error-default_currency"' in response.text
    assert 'value="Mars/Olympus_Mons"' in response.text
    assert 'value="Fundación Esperanza"' in response.text
    assert "Stewardship Demo Organisation" in response.text  # nothing was applied


async def test_save_applies_at_once_and_at_start_up(
    app: Litestar, admin_ui: BrowserSession
) -> None:
    response = await admin_ui.submit("/admin/settings/organisation", VALID)
    assert response.status_code == 303
    # The default language is now Spanish for a browser that asks for none we offer.
    page = await admin_ui.get("/admin/settings/organisation")
    assert '<a class="brand" href="/admin/">Fundación Esperanza</a>' in page.text
    assert 'lang="es"' in page.text
    settings = app.state["registry"].settings
    assert (settings.time_zone, settings.default_currency) == ("Europe/Madrid", "EUR")
    assert (settings.fiscal_year_start_month, settings.default_country) == (4, "ES")
    assert app.state["settings"] is settings
    audit = await admin_ui.get("/admin/settings/audit?entity_type=org_settings")
    assert "Europe/Madrid" in audit.text

    fresh = Settings(database_url=settings.database_url)
    assert fresh.org_name != "Fundación Esperanza"
    await apply_stored(fresh)
    assert (fresh.org_name, fresh.locale, fresh.time_zone) == (
        "Fundación Esperanza",
        "es",
        "Europe/Madrid",
    )
