"""Row-level behaviour: every bad row reported by line, good rows committed, idempotency."""

from __future__ import annotations

from pathlib import Path

import pytest

from core import audit, db
from core.constituents.service import create_constituent, soft_delete_constituent
from core.constituents.tags import create_tag
from core.dataio.importer import ImportOptions, import_constituents
from core.errors import InvalidInputError
from core.plugins.registry import PluginRegistry
from tests.core.dataio.conftest import EventRecorder, constituent, count, write_csv

BAD_ROWS = (
    "external_id,first_name,last_name,email,phone,birth_date,country,address_line1,notes\n"
    "G1,Ana,Ruiz,ana@example.org,+34 911 234 567,1980-01-02,ES,Calle 1,\n"  # line 2: good
    "B1,,,nobody@example.org,,,,,\n"  # line 3: no name
    "B2,Bea,Sanz,not-an-email,,,,,\n"  # line 4: bad email
    "B3,Carl,Ortiz,,12345,,,,\n"  # line 5: bad phone
    "B4,Dora,Pinto,,,1980-02-30,,,\n"  # line 6: no such date
    "B5,Eva,Soto,,,,Narnia,Calle 2,\n"  # line 7: unknown country
    f"B6,{'F' * 101},Vidal,,,,,,\n"  # line 8: first name too long
    '"G2","Gil","Toro",,,,,,"two\nlines"\n'  # lines 9-10: good, quoted newline
    "B7,Hugo,Lara,,,2999-01-01,,,\n"  # line 11: birth date in the future
    "G3,Inés,Mora,,,,,,\n"  # line 12: good
)


async def test_every_bad_row_is_reported_with_its_line(
    registry: PluginRegistry, tmp_path: Path
) -> None:
    report = await import_constituents(write_csv(tmp_path / "bad.csv", BAD_ROWS))
    assert report.rows == 10
    assert report.created == 3
    assert report.failed == 7
    lines = {(e.line, e.column) for e in report.errors}
    assert lines == {
        (3, "first_name"),
        (3, "last_name"),
        (4, "email"),
        (5, "phone"),
        (6, "birth_date"),
        (7, "country"),
        (8, "first_name"),
        (11, "birth_date"),
    }
    messages = {e.line: e.message for e in report.errors}
    assert "first name or a last name" in messages[3]
    assert "@-sign" in messages[4]
    assert "not a valid phone number" in messages[5]
    assert "not a date" in messages[6]
    assert "not a country" in messages[7]
    assert "at most 100 characters" in messages[8]
    assert "future" in messages[11]
    assert [e.line for e in report.errors] == sorted(e.line for e in report.errors)
    stored = await db.fetch_all("SELECT external_id FROM core_constituent ORDER BY external_id")
    assert [r["external_id"] for r in stored] == ["G1", "G2", "G3"]
    assert (await constituent("G2"))["notes"] == "two\nlines"


async def test_cells_beyond_the_header_are_an_error(
    registry: PluginRegistry, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "wide.csv", "first_name,last_name\nAna,Ruiz,\nBea,Sanz,extra\nCy\n")
    report = await import_constituents(path)
    assert report.created == 2  # a trailing empty cell and a short row are fine
    assert [(e.line, e.column) for e in report.errors] == [(3, "")]
    assert "3 values but the header has 2 columns" in report.errors[0].message


async def test_reimport_is_idempotent(registry: PluginRegistry, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "people.csv",
        "external_id,first_name,last_name,email,phone,address_line1,postcode,country,tags\n"
        "P1,Ana,Ruiz,ana@example.org,+44 20 7946 0001,1 High St,sw1a 1aa,GB,VIP|Donor\n"
        "P2,Bea,Sanz,bea@example.org,,,,,donor\n"
        "P3,Acme,,,,,,,\n",
    )
    first = await import_constituents(path)
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    assert sorted(first.tags_created) == ["Donor", "VIP"]
    tables = ("core_constituent", "core_email", "core_phone", "core_address", "core_tag")
    before = {t: await count(t) for t in (*tables, "core_constituent_tag")}
    second = await import_constituents(path)
    assert (second.created, second.updated, second.unchanged, second.failed) == (0, 0, 3, 0)
    assert {t: await count(t) for t in before} == before
    ana = await constituent("P1")
    assert (ana["primary_postcode"], ana["primary_phone"]) == ("SW1A 1AA", "+442079460001")


async def test_known_external_id_updates_and_keeps_history(
    registry: PluginRegistry, tmp_path: Path
) -> None:
    donor = await create_tag({"name": "Donor"})
    made = await create_constituent(
        {
            "kind": "individual",
            "first_name": "Ana",
            "last_name": "Ruiz",
            "external_id": "P1",
            "notes": "met at the gala",
            "emails": [{"email": "old@example.org"}],
            "addresses": [{"line1": "1 Old Road", "postcode": "AB1 2CD", "country": "GB"}],
            "tags": [donor.id],
        }
    )
    path = write_csv(
        tmp_path / "update.csv",
        "external_id,first_name,last_name,email,address_line1,postcode,tags,notes\n"
        "P1,Ana María,,new@example.org,2 New Road,ZZ9 9ZZ,donor|Volunteer,\n",
    )
    report = await import_constituents(path)
    assert (report.created, report.updated) == (0, 1), report.errors
    row = await constituent("P1")
    assert row["id"] == made.id
    assert row["display_name"] == "Ana María Ruiz"  # empty last_name cell keeps "Ruiz"
    assert row["sort_name"] == "Ruiz, Ana María"
    assert row["notes"] == "met at the gala"  # empty cells never clear
    assert row["primary_email"] == "new@example.org"
    assert row["primary_postcode"] == "ZZ9 9ZZ"
    # Search text as the service computes it: names, every email, every postcode.
    assert row["search_text"] == (
        "ana maria ruiz old@example.org new@example.org ab1 2cd ab12cd zz9 9zz zz99zz"
    )
    emails = await db.fetch_all(
        "SELECT email, is_primary FROM core_email WHERE constituent_id = {} ORDER BY id", made.id
    )
    assert [(e["email"], e["is_primary"]) for e in emails] == [
        ("old@example.org", False),
        ("new@example.org", True),
    ]
    addresses = await db.fetch_all(
        "SELECT line1, is_primary FROM core_address WHERE constituent_id = {} ORDER BY id", made.id
    )
    assert [(a["line1"], a["is_primary"]) for a in addresses] == [
        ("1 Old Road", False),
        ("2 New Road", True),
    ]
    tags = await db.fetch_all(
        "SELECT t.name FROM core_tag t JOIN core_constituent_tag ct ON ct.tag_id = t.id "
        "WHERE ct.constituent_id = {} ORDER BY t.name",
        made.id,
    )
    assert [t["name"] for t in tags] == ["Donor", "Volunteer"]
    # Going back to the old email promotes it again instead of adding a copy.
    again = write_csv(tmp_path / "again.csv", "external_id,email\nP1,OLD@example.org\n")
    assert (await import_constituents(again)).updated == 1
    assert (await constituent("P1"))["primary_email"] == "old@example.org"
    assert await count("core_email") == 2


async def test_update_cannot_change_kind_or_revive_deleted(
    registry: PluginRegistry, tmp_path: Path
) -> None:
    await create_constituent({"kind": "individual", "last_name": "Ruiz", "external_id": "K1"})
    gone = await create_constituent(
        {"kind": "individual", "last_name": "Gone", "external_id": "D1"}
    )
    await soft_delete_constituent(gone.id)
    path = write_csv(
        tmp_path / "kinds.csv",
        "external_id,kind,organisation_name,last_name\nK1,organisation,Ruiz SL,\nD1,,,Back\n",
    )
    report = await import_constituents(path)
    assert report.updated == 0
    assert report.created == 0
    assert [(e.line, e.column) for e in report.errors] == [(2, "kind"), (3, "external_id")]
    assert "deleted" in report.errors[1].message


async def test_duplicate_external_id_in_file_is_reported(
    registry: PluginRegistry, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "dupes.csv",
        "external_id,first_name\nD1,Ana\nD2,Bea\nD1,Another Ana\nD3,Cy\n",
    )
    report = await import_constituents(path, ImportOptions(batch_size=2))
    assert report.created == 3
    assert [(e.line, e.column) for e in report.errors] == [(4, "external_id")]
    assert "already used on line 2" in report.errors[0].message
    assert (await constituent("D1"))["first_name"] == "Ana"


async def _install_failing_trigger() -> None:
    """Make the database itself refuse one row (a real database-level failure)."""
    if db.is_sqlite():
        await db.execute(
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON core_email "
            "WHEN new.email = 'boom@example.org' BEGIN SELECT RAISE(ABORT, 'boom refused'); END"
        )
        return
    await db.execute(
        "CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.email = 'boom@example.org' THEN RAISE EXCEPTION 'boom refused'; END IF; "
        "RETURN NEW; END $$"
    )
    await db.execute(
        "CREATE TRIGGER refuse_boom BEFORE INSERT ON core_email "
        "FOR EACH ROW EXECUTE FUNCTION refuse_boom()"
    )


async def test_database_failure_rolls_back_only_its_batch(
    registry: PluginRegistry, tmp_path: Path
) -> None:
    await _install_failing_trigger()
    rows = [f"R{i},Person{i},Test,p{i}@example.org" for i in range(1, 10)]
    rows[4] = "R5,Person5,Test,boom@example.org"  # line 6
    path = write_csv(
        tmp_path / "boom.csv", "external_id,first_name,last_name,email\n" + "\n".join(rows)
    )
    report = await import_constituents(path, ImportOptions(batch_size=4))
    assert [(e.line, e.column) for e in report.errors] == [(6, "")]
    assert "boom refused" in report.errors[0].message
    # Nothing of the refused row survives (its constituent insert was rolled back with it).
    assert (
        await db.fetch_one("SELECT id FROM core_constituent WHERE external_id = {}", "R5") is None
    )
    stored = await db.fetch_all("SELECT external_id FROM core_constituent ORDER BY external_id")
    assert [r["external_id"] for r in stored] == [f"R{i}" for i in range(1, 10) if i != 5]
    assert report.created == 8
    # Every committed piece wrote its own audit entry; none mentions the refused row.
    entries = await audit.entries_for(entity_type="constituent_import")
    created = sorted(i for e in entries for i in e["after"]["created_ids"])
    assert len(created) == 8


async def test_dry_run_writes_nothing(registry: PluginRegistry, tmp_path: Path) -> None:
    await create_constituent({"kind": "individual", "last_name": "Ruiz", "external_id": "U1"})
    path = write_csv(
        tmp_path / "dry.csv",
        "external_id,first_name,last_name,tags\nU1,Ana,Ruiz,new tag\nN1,Bea,Sanz,\nN2,,,\n",
    )
    before = await count("core_constituent")
    report = await import_constituents(path, ImportOptions(dry_run=True))
    assert (report.created, report.updated, report.failed) == (1, 1, 1)
    assert await count("core_constituent") == before
    assert await count("core_tag") == 0
    assert (await constituent("U1"))["first_name"] is None
    assert await audit.entries_for(entity_type="constituent_import") == []


async def test_one_audit_entry_per_batch_and_a_completed_event(
    registry: PluginRegistry, events: EventRecorder, tmp_path: Path
) -> None:
    lines = "\n".join(f"E{i},Name{i}" for i in range(5))
    path = write_csv(tmp_path / "audit.csv", "external_id,last_name\n" + lines + "\nE9,\n")
    report = await import_constituents(path, ImportOptions(batch_size=2))
    entries = await audit.entries_for(entity_type="constituent_import")
    assert len(entries) == 3
    assert {e["entity_id"] for e in entries} == {report.import_id}
    assert sorted(e["after"]["created"] for e in entries) == [1, 2, 2]
    assert await audit.entries_for(entity_type="constituent") == []  # not one per row
    completed = events.named("import.completed")
    assert len(completed) == 1
    assert dict(completed[0].payload) == {
        "import_id": report.import_id,
        "source": "audit.csv",
        "rows": 6,
        "created": 5,
        "updated": 0,
        "unchanged": 0,
        "failed": 1,
    }
    assert events.named("constituent.created") == []


async def test_thousands_of_rows_in_batches(registry: PluginRegistry, tmp_path: Path) -> None:
    total = 3000
    body = "\n".join(
        f"T{i:05d},First{i},Last{i % 97},user{i}@example.org,+1 202 555 {i % 10000:04d},"
        f"{i} Main St,{10000 + i},US,group{i % 7}"
        for i in range(total)
    )
    path = write_csv(
        tmp_path / "big.csv",
        "external_id,first_name,last_name,email,phone,address_line1,postcode,country,tags\n" + body,
    )
    seen: list[tuple[int, int | None]] = []
    report = await import_constituents(
        path, ImportOptions(batch_size=500), lambda done, size: seen.append((done, size))
    )
    assert report.ok, report.errors[:3]
    assert (report.rows, report.created, report.batches) == (total, total, 6)
    size = path.stat().st_size
    assert [s for _, s in seen] == [size] * len(seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert seen[-1][0] == size
    assert len(seen) == 7
    for table in ("core_constituent", "core_email", "core_phone", "core_address"):
        assert await count(table) == total
    assert await count("core_constituent_tag") == total
    assert await count("core_tag") == 7
    assert len(await audit.entries_for(entity_type="constituent_import")) == 6
    ids = await db.fetch_all("SELECT id FROM core_constituent ORDER BY id")
    assert [r["id"] for r in ids] == list(range(ids[0]["id"], ids[0]["id"] + total))
    again = await import_constituents(path, ImportOptions(batch_size=1000))
    assert (again.created, again.unchanged) == (0, total)


@pytest.mark.parametrize("size", [0, 10_001])
async def test_batch_size_is_bounded(registry: PluginRegistry, tmp_path: Path, size: int) -> None:
    path = write_csv(tmp_path / "x.csv", "first_name\nAna\n")
    with pytest.raises(InvalidInputError, match="batch_size"):
        await import_constituents(path, ImportOptions(batch_size=size))
