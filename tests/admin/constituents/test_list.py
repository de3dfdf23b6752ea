"""The constituents list: filters, sort, pages, plugin segment filters, segments, bulk tags, CSV."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from core import db
from core.constituents.tags import create_tag, tag_constituent, tags_of
from core.testing import BrowserSession
from tests.admin.constituents.helpers import organisation, person

LIST = "/admin/constituents/"


def names_in(html: str) -> list[str]:
    """Constituent names in the list's rows, in order."""
    return re.findall(r'<td><a href="/admin/constituents/\d+">([^<]+)</a>', html)


async def test_filters_search_and_sort(admin_ui: BrowserSession) -> None:
    empty = await admin_ui.get(LIST)
    assert empty.status_code == 200
    assert 'href="/admin/constituents/" aria-current="page">Constituents</a>' in empty.text
    assert "No constituents match these filters." in empty.text
    assert (await admin_ui.get("/admin/constituents")).status_code == 200

    ada = await person("Ada", "Lovelace", lifecycle_stage="active")
    await person("Charles", "Babbage")
    await organisation("Analytical Engines Ltd")
    tag = await create_tag({"name": "Gala 2026"})
    await tag_constituent(ada, tag.id)

    everyone = await admin_ui.get(LIST)
    assert names_in(everyone.text) == ["Analytical Engines Ltd", "Charles Babbage", "Ada Lovelace"]
    assert "3 constituents match." in everyone.text
    backwards = await admin_ui.get(LIST + "?sort=-name")
    assert names_in(backwards.text) == ["Ada Lovelace", "Charles Babbage", "Analytical Engines Ltd"]
    newest = await admin_ui.get(LIST + "?sort=-created")
    assert names_in(newest.text)[0] == "Analytical Engines Ltd"

    assert names_in((await admin_ui.get(LIST + "?kind=organisation")).text) == [
        "Analytical Engines Ltd"
    ]
    assert names_in((await admin_ui.get(LIST + "?stage=active")).text) == ["Ada Lovelace"]
    assert names_in((await admin_ui.get(LIST + f"?tag={tag.id}")).text) == ["Ada Lovelace"]
    assert names_in((await admin_ui.get(LIST + "?q=babb")).text) == ["Charles Babbage"]
    combined = await admin_ui.get(LIST + "?q=lovelace&kind=organisation")
    assert names_in(combined.text) == []
    # The filter form shows what was asked for.
    assert 'value="lovelace"' in combined.text

    page = await admin_ui.get(LIST + "?kind=robot&q=ada&sort=sideways")
    assert page.status_code == 422
    assert 'id="error-kind"' in page.text
    assert 'id="error-sort"' in page.text
    assert 'value="ada"' in page.text


async def test_pages(admin_ui: BrowserSession) -> None:
    stamp = datetime.now(UTC)
    rows = [
        ("individual", f"P{n:03d} Pager", f"Pager, P{n:03d}", f"p{n:03d} pager", stamp, stamp)
        for n in range(55)
    ]
    await db.execute_many(
        "INSERT INTO core_constituent (kind, display_name, sort_name, search_text, "
        "created_at, updated_at) VALUES ({}, {}, {}, {}, {}, {})",
        rows,
    )
    first = await admin_ui.get(LIST + "?q=pager")
    assert len(names_in(first.text)) == 50
    assert 'href="/admin/constituents/?q=pager&amp;page=2"' in first.text
    second = await admin_ui.get(LIST + "?q=pager&page=2")
    assert names_in(second.text) == [f"P{n:03d} Pager" for n in range(50, 55)]
    assert 'rel="prev"' in second.text
    assert 'rel="next"' not in second.text


async def test_plugin_segment_filters(admin_ui: BrowserSession) -> None:
    ada = await person("Ada", "Lovelace")
    charles = await person("Charles", "Babbage")
    page = await admin_ui.get(LIST)
    assert 'name="f.segtest.named"' in page.text
    assert 'name="f.segtest.from.min_id"' in page.text

    named = await admin_ui.get(LIST + "?f.segtest.named=Charles+Babbage")
    assert names_in(named.text) == ["Charles Babbage"]
    newer = await admin_ui.get(LIST + f"?f.segtest.from.min_id={charles}")
    assert names_in(newer.text) == ["Charles Babbage"]
    both = await admin_ui.get(LIST + f"?f.segtest.from.min_id={ada}&f.segtest.named=Ada+Lovelace")
    assert names_in(both.text) == ["Ada Lovelace"]

    bad = await admin_ui.get(LIST + "?f.segtest.from.min_id=lots")
    assert bad.status_code == 422
    assert 'id="error-f.segtest.from.min_id"' in bad.text
    assert 'value="lots"' in bad.text


async def test_saved_segment_round_trip(admin_ui: BrowserSession) -> None:
    await organisation("Analytical Engines Ltd")
    await person("Ada", "Lovelace")
    saved = await admin_ui.submit(
        LIST + "segments",
        {"segment_name": "Companies", "list_query": "kind=organisation&page=3"},
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == LIST + "?kind=organisation"
    page = await admin_ui.get(LIST)
    assert 'href="/admin/constituents/?kind=organisation">Companies</a>' in page.text
    applied = await admin_ui.get(LIST + "?kind=organisation")
    assert names_in(applied.text) == ["Analytical Engines Ltd"]

    clash = await admin_ui.submit(
        LIST + "segments", {"segment_name": "companies", "list_query": "kind=individual"}
    )
    assert clash.status_code == 422
    assert 'id="error-segment_name"' in clash.text
    assert 'value="companies"' in clash.text
    empty = await admin_ui.submit(LIST + "segments", {"segment_name": "", "list_query": ""})
    assert empty.status_code == 422

    segment_id = await db.fetch_value(
        "SELECT id FROM core_saved_segment WHERE name = {}", "Companies"
    )
    deleted = await admin_ui.submit(f"{LIST}segments/{segment_id}/delete", {})
    assert deleted.status_code == 303
    assert ">Companies</a>" not in (await admin_ui.get(LIST)).text


async def test_bulk_tag_add_and_remove(admin_ui: BrowserSession) -> None:
    ada = await person("Ada", "Lovelace")
    charles = await person("Charles", "Babbage")
    added = await admin_ui.submit(
        LIST + "bulk-tag",
        {"ids": [str(ada), str(charles)], "bulk_tag": "Gala", "action": "add", "list_query": "q=a"},
    )
    assert added.status_code == 303
    assert added.headers["location"] == LIST + "?q=a"
    assert [t.name for t in await tags_of(ada)] == ["Gala"]
    assert [t.name for t in await tags_of(charles)] == ["Gala"]

    removed = await admin_ui.submit(
        LIST + "bulk-tag", {"ids": [str(ada)], "bulk_tag": "gala", "action": "remove"}
    )
    assert removed.status_code == 303
    assert await tags_of(ada) == []
    assert [t.name for t in await tags_of(charles)] == ["Gala"]

    nothing = await admin_ui.submit(
        LIST + "bulk-tag", {"bulk_tag": "Typed tag", "action": "add", "list_query": ""}
    )
    assert nothing.status_code == 422
    assert 'id="error-ids"' in nothing.text
    assert 'value="Typed tag"' in nothing.text
    unknown = await admin_ui.submit(
        LIST + "bulk-tag", {"ids": [str(ada)], "bulk_tag": "Nope", "action": "remove"}
    )
    assert unknown.status_code == 422
    assert 'id="error-bulk_tag"' in unknown.text
    assert f'value="{ada}" checked' in unknown.text

    # Without the form's CSRF token nothing happens.
    forged = await admin_ui.post(
        LIST + "bulk-tag", data={"ids": str(ada), "bulk_tag": "Forged", "action": "add"}
    )
    assert forged.status_code == 403
    assert await tags_of(ada) == []


async def test_csv_export_of_the_current_segment(
    admin_ui: BrowserSession, make_admin_ui: Callable[..., Awaitable[BrowserSession]]
) -> None:
    ada = await person("Ada", "Lovelace", emails=[{"email": "ada@example.org"}])
    await person("=cmd", "Formula")
    await organisation("Analytical Engines Ltd")
    tag = await create_tag({"name": "Gala"})
    await tag_constituent(ada, tag.id)

    response = await admin_ui.get(LIST + "export.csv?kind=individual&sort=-name")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["display_name"] for r in rows] == ["Ada Lovelace", "'=cmd Formula"]
    assert rows[0]["email"] == "ada@example.org"
    assert rows[0]["tags"] == "Gala"
    assert rows[0]["id"] == str(ada)

    staff = await make_admin_ui(roles=["staff"])
    assert (await staff.get(LIST + "export.csv")).status_code == 403
    assert "Export CSV" not in (await staff.get(LIST)).text

    # A viewer reads the list but cannot change anything.
    viewer = await make_admin_ui(roles=["viewer"])
    page = await viewer.get(LIST)
    assert page.status_code == 200
    assert "Ada Lovelace" in page.text
    assert "bulk_tag" not in page.text
    denied = await viewer.submit(
        LIST + "bulk-tag", {"ids": [str(ada)], "bulk_tag": "Gala", "action": "add"}
    )
    assert denied.status_code == 403
    denied = await viewer.submit(LIST + "segments", {"segment_name": "x", "list_query": ""})
    assert denied.status_code == 403
