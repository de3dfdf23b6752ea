"""Integration through hooks: merge, privacy, segments, panels, cards, reports, import, demo."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from click.testing import CliRunner

from core import db
from core.auth.service import ensure_builtin_roles
from core.constituents import merge
from core.settings import Settings
from core.testing import create_test_user
from plugins.membership import adjust, hooks, memberships, store
from plugins.membership.importer import import_memberships, import_memberships_command
from plugins.membership.models import JoinIn, MemberSettingsIn, OverrideIn
from plugins.membership.report_tables import REPORTS, as_csv
from plugins.membership.tests.conftest import LevelFactory, PersonFactory, SetToday

D = date


async def test_merge_moves_memberships_and_keeps_one_open(
    person: PersonFactory, level: LevelFactory, today: SetToday
) -> None:
    today(D(2026, 1, 1))
    basic = await level("Basic")
    family = await level("Family", kind="family", member_cap=3)
    keep, dup, child = await person("Keep"), await person("Dup"), await person("Child")
    kept = await memberships.join(JoinIn(member_id=keep, level_id=basic.id))
    today(D(2026, 3, 1))
    moved = await memberships.join(JoinIn(member_id=dup, level_id=family.id))
    await adjust.add_associate(moved.id, child)
    await merge.merge_constituents(keep, dup)
    mine = await store.memberships_of(keep)
    assert {m.id for m in mine} == {kept.id, moved.id}
    by_id = {m.id: m for m in mine}
    assert by_id[moved.id].lifecycle == "active"  # ends later: it stays
    assert by_id[kept.id].lifecycle == "cancelled"
    assert [a.constituent_id for a in await store.associates_of(moved.id)] == [child]
    assert await store.memberships_of(dup) == []


async def test_merge_undo_gives_back_memberships_and_reopens_the_cancelled_one(
    person: PersonFactory, level: LevelFactory, today: SetToday
) -> None:
    today(D(2026, 1, 1))
    basic = await level("Basic")
    family = await level("Family", kind="family", member_cap=3)
    keep, dup = await person("Keep"), await person("Dup")
    kept = await memberships.join(JoinIn(member_id=keep, level_id=basic.id))
    today(D(2026, 3, 1))
    moved = await memberships.join(JoinIn(member_id=dup, level_id=family.id))
    await adjust.add_associate(moved.id, keep)  # a family link the merge drops as a repeat
    result = await merge.merge_constituents(keep, dup)
    undone = await merge.undo_merge(result.merge_id)
    assert "membership" not in undone.plugins_not_reversed
    assert [m.id for m in await store.memberships_of(dup)] == [moved.id]
    [back] = await store.memberships_of(keep)
    assert (back.id, back.lifecycle) == (kept.id, "active")
    assert [a.constituent_id for a in await store.associates_of(moved.id)] == [keep]


async def test_export_and_erasure(
    person: PersonFactory, level: LevelFactory, today: SetToday
) -> None:
    today(D(2026, 1, 1))
    family = await level("Family", kind="family", member_cap=2)
    member, child = await person("Parent"), await person("Child")
    membership = await memberships.join(JoinIn(member_id=member, level_id=family.id))
    await adjust.add_associate(membership.id, child)
    await adjust.update_member_settings(membership.id, MemberSettingsIn(directory_opt_in=True))
    await adjust.override_status(
        membership.id, OverrideIn(status="current", reason="Board member, dues waived")
    )
    section = await hooks.steward_personal_data_export(constituent_id=member)
    assert section.records["memberships"][0]["override_reason"] == "Board member, dues waived"
    assert section.records["terms"][0]["kind"] == "join"
    assert (await hooks.steward_personal_data_export(constituent_id=child)).records["covered_by"][
        0
    ]["membership_id"] == membership.id
    report = await hooks.steward_personal_data_erasure(constituent_id=member)
    assert report.erased == {
        "override_reasons": 1,
        "directory_listings": 1,
        "family_links": 1,
        "reminders": 0,
    }
    assert "memberships" in report.retained
    after = await store.fetch_membership(membership.id)
    assert (after.override_reason, after.directory_opt_in) == ("", False)
    assert await store.associates_of(membership.id) == []


async def test_segments_panel_card_and_reports(
    person: PersonFactory, level: LevelFactory, today: SetToday
) -> None:
    today(D(2025, 1, 15))
    basic = await level("Basic", grace_days=0)
    family = await level("Family", kind="family", member_cap=2, tier=2)
    old, fresh, child, none = (
        await person("Old"),
        await person("Fresh"),
        await person("Child"),
        await person("None"),
    )
    await memberships.join(JoinIn(member_id=old, level_id=basic.id))
    today(D(2026, 1, 10))
    joined = await memberships.join(JoinIn(member_id=fresh, level_id=family.id))
    await adjust.add_associate(joined.id, child)
    from plugins.membership.recompute import recompute_all

    today(D(2026, 1, 20))
    await recompute_all()
    filters = {f.key: f for f in hooks.steward_segment_filters()}

    async def matching(key: str, value: object) -> set[int]:
        condition, args = filters[key].sql(value)
        rows = await db.fetch_all(f"SELECT c.id FROM core_constituent c WHERE {condition}", *args)
        return {int(r["id"]) for r in rows}

    assert await matching("membership.current", {}) == {fresh, child}
    assert await matching("membership.current", {"include_associates": False}) == {fresh}
    assert await matching("membership.level", {"level_id": family.id}) == {fresh}
    assert await matching("membership.expiring", {"days": 366}) == {fresh}
    assert none not in await matching("membership.current", {})

    panel = (await hooks.steward_profile_panels(constituent_id=fresh))[0]
    assert panel.facts["Membership"] == "Family (new)"
    child_panel = (await hooks.steward_profile_panels(constituent_id=child))[0]
    assert child_panel.context["covered_by"][0]["id"] == joined.id

    await ensure_builtin_roles()
    reader = await create_test_user("officer@example.org", ["admin"])
    viewer = await create_test_user("viewer@example.org", ["viewer"])
    assert await hooks.steward_dashboard_cards(user_id=viewer.user_id) == []
    card = (await hooks.steward_dashboard_cards(user_id=reader.user_id))[0]
    assert card.context["members"] == 1

    activity = await REPORTS["activity"]()
    by_month = {r["month"]: r for r in activity.rows}
    assert by_month["2026-01"]["joined"] == 1
    assert by_month["2026-01"]["lapsed"] == 1  # the basic membership ended on 15 January
    over_time = await REPORTS["members-over-time"]()
    assert over_time.rows[-1]["total"] == 1
    assert over_time.rows[-2]["Basic"] == 1  # 31 December 2025
    by_status = (await REPORTS["status-over-time"]()).rows
    assert (by_status[-2]["member"], by_status[-2]["grace"], by_status[-2]["lapsed"]) == (1, 0, 0)
    assert (by_status[-1]["member"], by_status[-1]["lapsed"]) == (1, 1)
    retention = {r["level_name"]: r for r in (await REPORTS["retention"]()).rows}
    assert (retention["Basic"]["due"], retention["Basic"]["renewed"]) == (1, 0)
    assert as_csv(await REPORTS["expiries"]()).splitlines() == [
        "membership_id,member_name,level_name,status,end_date,auto_renew"
    ]
    status = {(r["level_name"], r["status"]): r["count"] for r in (await REPORTS["status"]()).rows}
    assert status == {("Basic", "expired"): 1, ("Family", "new"): 1}
    for spec in hooks.steward_reports():
        assert (await spec.build()).columns


async def test_import_memberships_reports_bad_rows(
    person: PersonFactory, level: LevelFactory, today: SetToday, tmp_path: Path
) -> None:
    today(D(2026, 1, 1))
    await level("Basic")
    a, b = await person("A"), await person("B")
    path = tmp_path / "members.csv"
    path.write_text(
        "member_id,level,join_date,end_date,auto_renew,external_id\n"
        f"{a},Basic,2025-03-01,2026-06-30,yes,m1\n"
        f"{b},Gold,2025-03-01,,no,m2\n"
        f"999999,Basic,2025-03-01,,no,m3\n"
        f"{b},basic,2025-13-01,,no,m4\n"
        f"{b},Basic,2025-05-01,,maybe,m5\n"
        f"{b},Basic,2025-05-01,2025-04-01,no,m6\n"
    )
    report = await import_memberships(path)
    assert (report.rows, report.imported) == (6, 1)
    assert [line for line, _ in report.errors] == [3, 4, 5, 6, 7]
    [imported] = await store.memberships_of(a)
    assert (imported.end_date, imported.source, imported.auto_renew) == (
        D(2026, 6, 30),
        "import",
        True,
    )
    assert int(await db.fetch_value("SELECT COUNT(*) FROM donations_gift")) == 0
    again = await import_memberships(path)
    assert again.imported == 1  # m1 is found, not duplicated
    assert len(await store.memberships_of(a)) == 1


def test_import_command_is_declared() -> None:
    [command] = hooks.steward_import_commands()
    assert command.name == "memberships"
    result = CliRunner().invoke(import_memberships_command, ["/nonexistent.csv"])
    assert result.exit_code == 2  # click refuses a missing file before any work


async def _demo_snapshot() -> list[tuple[str, ...]]:
    rows = await db.fetch_all(
        "SELECT m.member_id, l.name, m.join_date, m.end_date, m.status, m.auto_renew, "
        "(SELECT COUNT(*) FROM membership_term t WHERE t.membership_id = m.id) AS terms "
        "FROM membership_membership m JOIN membership_level l ON l.id = m.level_id "
        "ORDER BY m.member_id"
    )
    return [tuple(str(v) for v in r.values()) for r in rows]


async def _wipe_membership_data() -> None:
    # Only this plugin wrote interactions and gifts here (dues gifts have their own items).
    await db.execute(
        "DELETE FROM core_interaction WHERE source_plugin IN ('membership', 'donations')"
    )
    await db.execute("DELETE FROM donations_gift WHERE source = 'membership'")
    for table in ("membership_term", "membership_associate", "membership_membership"):
        await db.execute(f"DELETE FROM {table}")
    await db.execute("DELETE FROM membership_level")


async def test_demo_data_is_deterministic(
    person: PersonFactory, settings: Settings, today: SetToday
) -> None:
    today(D(2026, 6, 1))
    for name in "ABCDEFGHIJKLMNOP":
        await person(name)
    from plugins.membership.demo import build_demo

    first = await build_demo(settings, seed=7)
    assert first > 0
    assert await build_demo(settings, seed=7) == 0  # only once
    snapshot = await _demo_snapshot()
    assert len(snapshot) == first
    assert any(int(row[-1]) > 1 for row in snapshot)  # some renewed over the years
    await _wipe_membership_data()
    assert await build_demo(settings, seed=7) == first
    assert await _demo_snapshot() == snapshot  # the same seed builds the same members
    await _wipe_membership_data()
    await build_demo(settings, seed=8)
    assert await _demo_snapshot() != snapshot
