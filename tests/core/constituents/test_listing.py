"""Constituent lists: filters, sorting on an allow-list, pagination."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core import db
from core.constituents import service, tags
from core.errors import InvalidInputError
from core.plugins.registry import PluginRegistry


async def _people() -> dict[str, int]:
    donor = await tags.create_tag({"name": "Donor"})
    made = {
        "zoe": await service.create_constituent(
            {
                "kind": "individual",
                "first_name": "Zoë",
                "last_name": "Núñez",
                "lifecycle_stage": "active",
                "tags": [donor.id],
                "emails": [{"email": "zoe@example.org"}],
            }
        ),
        "adam": await service.create_constituent(
            {
                "kind": "individual",
                "first_name": "Adam",
                "last_name": "Baker",
                "addresses": [{"line1": "1 High St", "postcode": "LS1 4AP"}],
            }
        ),
        "red_cross": await service.create_constituent(
            {"kind": "organisation", "organisation_name": "The Red Cross", "tags": [donor.id]}
        ),
        "garcias": await service.create_constituent({"kind": "household", "last_name": "García"}),
        "late": await service.create_constituent(
            {"kind": "individual", "last_name": "Old", "deceased": True}
        ),
    }
    return {name: detail.id for name, detail in made.items()}


async def _ids(**filters: object) -> list[int]:
    page = await service.list_constituents(**filters)  # type: ignore[arg-type]
    return [item.id for item in page.items]


async def test_default_sort_is_by_sort_name(registry: PluginRegistry) -> None:
    ids = await _people()
    page = await service.list_constituents()
    assert [i.sort_name for i in page.items] == [
        "Baker, Adam",
        "García Household",
        "Núñez, Zoë",
        "Old",
        "Red Cross",
    ]
    assert page.total == 5
    assert (page.page, page.per_page) == (1, 50)
    assert page.items[0].id == ids["adam"]


async def test_filters(registry: PluginRegistry) -> None:
    ids = await _people()
    donor = (await tags.list_tags("donor")).items[0].id
    assert await _ids(kind="organisation") == [ids["red_cross"]]
    assert await _ids(lifecycle_stage="active") == [ids["zoe"]]
    assert await _ids(tag_id=donor) == [ids["zoe"], ids["red_cross"]]
    assert await _ids(deceased=True) == [ids["late"]]
    assert len(await _ids(deceased=False)) == 4
    assert await _ids(q="NUNEZ") == [ids["zoe"]]
    assert await _ids(q="zoë núñez") == [ids["zoe"]]
    assert await _ids(q="zoe@example") == [ids["zoe"]]
    assert await _ids(q="ls14ap") == [ids["adam"]]
    assert await _ids(q="garcia household") == [ids["garcias"]]
    assert await _ids(q="100%") == []
    assert await _ids(q="a_b") == []
    assert await _ids(kind="individual", tag_id=donor, q="zoe") == [ids["zoe"]]


async def test_deleted_are_left_out_unless_asked(registry: PluginRegistry) -> None:
    ids = await _people()
    await service.soft_delete_constituent(ids["adam"])
    assert ids["adam"] not in await _ids()
    assert (await service.list_constituents()).total == 4
    assert ids["adam"] in await _ids(include_deleted=True)


async def test_created_range(registry: PluginRegistry) -> None:
    ids = await _people()
    past = datetime(2020, 1, 1, tzinfo=UTC)
    await db.execute("UPDATE core_constituent SET created_at = {} WHERE id = {}", past, ids["adam"])
    cutoff = datetime(2021, 1, 1, tzinfo=UTC)
    assert await _ids(created_to=cutoff) == [ids["adam"]]
    assert ids["adam"] not in await _ids(created_from=cutoff)
    assert await _ids(created_from=past, created_to=past + timedelta(seconds=1)) == [ids["adam"]]
    # A naive instant is read as UTC.
    assert await _ids(created_to=datetime(2021, 1, 1)) == [ids["adam"]]


async def test_sorting_and_paging(registry: PluginRegistry) -> None:
    ids = await _people()
    by_id = await _ids(sort="id")
    assert by_id == sorted(ids.values())
    assert await _ids(sort="-id") == sorted(ids.values(), reverse=True)
    assert await _ids(sort="-created_at") == sorted(ids.values(), reverse=True)
    await service.update_constituent(ids["adam"], {"notes": "touched"})
    assert (await _ids(sort="-updated_at"))[0] == ids["adam"]
    first = await service.list_constituents(sort="id", page=1, per_page=2)
    third = await service.list_constituents(sort="id", page=3, per_page=2)
    assert [i.id for i in first.items] == by_id[:2]
    assert [i.id for i in third.items] == by_id[4:]
    assert third.total == 5


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"sort": "search_text"}, "sort"),
        ({"sort": "sort_name; DROP TABLE core_constituent"}, "sort"),
        ({"kind": "robot"}, "kind"),
        ({"lifecycle_stage": "vip"}, "lifecycle_stage"),
        ({"per_page": 500}, "per_page"),
        ({"page": 0}, "page"),
        ({"q": "a b c d e f g h i"}, "q"),
    ],
)
async def test_invalid_list_parameters(
    registry: PluginRegistry, filters: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await service.list_constituents(**filters)  # type: ignore[arg-type]
    assert field in caught.value.errors
