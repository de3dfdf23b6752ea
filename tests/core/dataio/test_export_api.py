"""GET /api/v1/exports/constituents.csv: the same CSV, streamed, behind data.export."""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable

import httpx

from core.constituents.service import create_constituent
from core.constituents.tags import create_tag

URL = "/api/v1/exports/constituents.csv"


async def test_streams_the_csv(api: httpx.AsyncClient) -> None:
    tag = await create_tag({"name": "VIP"})
    await create_constituent(
        {"kind": "individual", "first_name": "=1+1", "last_name": "Núñez", "tags": [tag.id]}
    )
    await create_constituent({"kind": "individual", "last_name": "Other"})
    response = await api.get(URL, params={"tag": "vip", "bom": "true"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffexternal_id,")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert [(r["first_name"], r["last_name"], r["tags"]) for r in rows] == [
        ("'=1+1", "Núñez", "VIP")
    ]


async def test_unknown_tag_is_404(api: httpx.AsyncClient) -> None:
    response = await api.get(URL, params={"tag": "nope"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_requires_data_export(
    make_api_client: Callable[..., Awaitable[httpx.AsyncClient]],
) -> None:
    reader = await make_api_client(roles=["admin"], scopes=["constituents.read"])
    assert (await reader.get(URL)).status_code == 403
    exporter = await make_api_client(roles=["admin"], scopes=["data.export"])
    assert (await exporter.get(URL)).status_code == 200
