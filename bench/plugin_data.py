"""Loading the plugin streams (``bench/streams.py``) into a benchmark database.

The reference rows (membership levels, volunteer opportunities, social sources) are created
through the plugins' services, as staff would (:func:`create_reference_rows`). The stream
files are then inserted in bulk with the rows the plugins' own writers store: the per-row
importers (``steward import memberships`` / ``hours``) record an audit entry and an event
per row, tens of statements each, which at L would take hours and is not what the
workloads measure.

* memberships: one ``membership_membership`` row per line (``source = 'import'``) and one
  ``membership_term`` per year of its history (a ``join`` term, then ``renew`` terms);
  statuses are then computed by the plugin's own status rules (:func:`membership_statuses`).
* hours: ``volunteers_hours`` rows, approved, ``source = 'import'``.
* mentions: ``social_mention`` rows; a linked mention gets its ``social.mention`` timeline
  interaction (as ``linking.link_mention`` writes) and its author's ``social_handle``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.generate import read_rows
from bench.streams import LEVELS, OPPORTUNITIES, SOURCES

STAMP = "2026-07-01 00:00:00+00:00"
MEMBERSHIP_SQL = (
    "INSERT INTO membership_membership (id, member_id, level_id, join_date, period_start, "
    "term_start, end_date, lifecycle, status, counts_as_member, source, gift_id, "
    "override_status, override_reason, override_until, auto_renew, directory_opt_in, "
    "external_id, cancelled_at, version, created_at, updated_at) VALUES "
    "(?, ?, ?, ?, ?, ?, ?, 'active', 'current', 1, 'import', NULL, NULL, '', NULL, ?, 0, ?, "
    "NULL, 1, ?, ?)"
)
TERM_SQL = (
    "INSERT INTO membership_term (membership_id, kind, on_date, level_id, start_date, "
    "end_date, dues_minor, credit_minor, due_minor, currency, gift_id, created_at) VALUES "
    "(?, ?, ?, ?, ?, ?, ?, 0, ?, 'USD', NULL, ?)"
)
HOURS_SQL = (
    "INSERT INTO volunteers_hours (constituent_id, opportunity_id, shift_id, signup_id, "
    "work_date, minutes, source, status, note, approver_user_id, decided_at, created_at, "
    "updated_at) VALUES (?, ?, NULL, NULL, ?, ?, 'import', 'approved', ?, NULL, ?, ?, ?)"
)
MENTION_SQL = (
    "INSERT INTO social_mention (id, source_id, external_id, url, author_name, author_handle, "
    "author_id, platform, text, posted_at, fetched_at, language, sentiment_score, "
    "sentiment_label, corrected_label, corrected_by, corrected_at, constituent_id, "
    "link_status, link_score, interaction_id) VALUES "
    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?, ?, ?, ?)"
)
MENTION_INTERACTION_SQL = (
    "INSERT INTO core_interaction (id, constituent_id, interaction_type, channel, direction, "
    "subject, initiated_by, occurred_at, follow_up_status, source_plugin, payload, "
    "external_ref, created_at, updated_at) VALUES "
    "(?, ?, 'social.mention', 'social', 'inbound', ?, 'constituent', ?, 'none', 'social', ?, "
    "?, ?, ?)"
)
HANDLE_SQL = (
    "INSERT INTO social_handle (constituent_id, platform, handle, stable_id, created_at) "
    "VALUES (?, ?, ?, '', ?)"
)


async def create_reference_rows() -> None:
    """Levels, opportunities and (disabled) sources through the plugins' services (inside
    :func:`bench.env.booted`)."""
    from plugins.membership.levels import create_level
    from plugins.membership.models import LevelIn
    from plugins.social.source_store import SourceIn, create_source
    from plugins.volunteers.models import OpportunityIn
    from plugins.volunteers.shifts import create_opportunity

    for name, dues, kind, tier in LEVELS:
        cap = 0 if kind == "individual" else 4
        await create_level(LevelIn(name=name, dues_minor=dues, currency="USD", tier=tier,
                                   kind=kind, member_cap=cap))  # fmt: skip
    for title in OPPORTUNITIES:
        await create_opportunity(OpportunityIn(title=title))
    for name, kind, _, settings in SOURCES:
        await create_source(SourceIn(kind=kind, name=name, settings=settings, enabled=False))


def _next_id(connection: sqlite3.Connection, table: str) -> int:
    row = connection.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()
    return int(row[0]) + 1


def _years_later(day: date, years: int) -> date:
    return day.replace(year=day.year + years)


def load_memberships(connection: sqlite3.Connection, path: Path, ids: dict[str, int]) -> int:
    """Memberships and their yearly terms; returns how many memberships."""
    levels = {
        str(name): (int(level_id), int(dues))
        for level_id, name, dues in connection.execute(
            "SELECT id, name, dues_minor FROM membership_level"
        )
    }
    next_id = _next_id(connection, "membership_membership")
    memberships: list[tuple[Any, ...]] = []
    terms: list[tuple[Any, ...]] = []
    for row in read_rows(path):
        level_id, dues = levels[row["level"]]
        joined, end = date.fromisoformat(row["join_date"]), date.fromisoformat(row["end_date"])
        years = end.year - joined.year
        term_start = _years_later(joined, years - 1)
        member, auto = ids[row["member_external_id"]], row["auto_renew"] == "yes"
        memberships.append((next_id, member, level_id, row["join_date"], row["join_date"],
                            term_start.isoformat(), row["end_date"], auto, row["external_id"],
                            STAMP, STAMP))  # fmt: skip
        for year in range(years):
            start = _years_later(joined, year).isoformat()
            until = _years_later(joined, year + 1).isoformat()
            kind = "join" if year == 0 else "renew"
            terms.append((next_id, kind, start, level_id, start, until, dues, dues, STAMP))
        next_id += 1
    connection.executemany(MEMBERSHIP_SQL, memberships)
    connection.executemany(TERM_SQL, terms)
    return len(memberships)


def _hours_rows(path: Path, ids: dict[str, int], opportunities: dict[str, int]) -> Iterator[Any]:
    for row in read_rows(path):
        minutes = int(Decimal(row["hours"]) * 60)
        yield (ids[row["constituent_external_id"]], opportunities[row["opportunity"]],
               row["work_date"], minutes, row["note"], STAMP, STAMP, STAMP)  # fmt: skip


def load_hours(connection: sqlite3.Connection, path: Path, ids: dict[str, int]) -> int:
    """Approved imported hours entries; returns how many."""
    opportunities = {
        str(title): int(oid)
        for oid, title in connection.execute("SELECT id, title FROM volunteers_opportunity")
    }
    cursor = connection.executemany(HOURS_SQL, _hours_rows(path, ids, opportunities))
    return int(cursor.rowcount)


def load_mentions(connection: sqlite3.Connection, path: Path, ids: dict[str, int]) -> int:
    """Mentions, the timeline rows of linked ones and their authors' handles."""
    sources = {str(n): int(i) for i, n in connection.execute("SELECT id, name FROM social_source")}
    mention_id = _next_id(connection, "social_mention")
    interaction_id = _next_id(connection, "core_interaction")
    mentions: list[tuple[Any, ...]] = []
    timeline: list[tuple[Any, ...]] = []
    # A handle belongs to one constituent (unique per platform): the first link wins.
    handles: dict[tuple[str, str], int] = {}
    for row in read_rows(path):
        posted = row["posted_at"].replace("T", " ")
        person = ids[row["constituent_external_id"]] if row["constituent_external_id"] else None
        linked_to = None
        if person is not None:
            linked_to = interaction_id
            payload = {"mention_id": mention_id, "platform": row["platform"],
                       "author_handle": row["author_handle"], "url": row["url"],
                       "sentiment": row["sentiment_label"]}  # fmt: skip
            timeline.append((interaction_id, person, row["text"][:200], posted,
                             json.dumps(payload), f"mention:{mention_id}:{person}:0",
                             STAMP, STAMP))  # fmt: skip
            handles.setdefault((row["platform"], row["author_handle"]), person)
            interaction_id += 1
        mentions.append((mention_id, sources[row["source"]], row["external_id"], row["url"],
                         row["author_name"], row["author_handle"], row["author_handle"],
                         row["platform"], row["text"], posted, posted, row["language"],
                         float(row["sentiment_score"]), row["sentiment_label"], person,
                         row["link_status"], float(row["link_score"]), linked_to))  # fmt: skip
        mention_id += 1
    connection.executemany(MENTION_INTERACTION_SQL, timeline)
    connection.executemany(MENTION_SQL, mentions)
    rows = [(person, platform, handle, STAMP) for (platform, handle), person in handles.items()]
    connection.executemany(HANDLE_SQL, rows)
    connection.execute(
        "UPDATE social_source SET mentions_total = (SELECT COUNT(*) FROM social_mention m "
        "WHERE m.source_id = social_source.id)"
    )
    return len(mentions)


async def membership_statuses() -> list[tuple[str, bool, int]]:
    """(status, counts_as_member, id) of every membership whose stored status differs from
    what the plugin's status rules give today (inside :func:`bench.env.booted`)."""
    from core import db
    from plugins.membership import rules, store
    from plugins.membership.common import as_int, org_today

    today = org_today()
    rule_set = rules.as_rules(await rules.list_rules())
    grace = {
        int(r["id"]): as_int(r["grace_days"])
        for r in await db.fetch_all("SELECT id, grace_days FROM membership_level")
    }
    changes: list[tuple[str, bool, int]] = []
    for row in await db.fetch_all(f"{store.MEMBERSHIP_SELECT} ORDER BY m.id"):
        membership = store.membership_from_row(row)
        status, counts = rules.compute(rule_set, membership, grace[membership.level_id], today)
        if status != membership.status or counts != membership.counts_as_member:
            changes.append((status, counts, membership.id))
    return changes


def apply_statuses(connection: sqlite3.Connection, changes: list[tuple[str, bool, int]]) -> None:
    """Write the statuses :func:`membership_statuses` computed."""
    connection.executemany(
        "UPDATE membership_membership SET status = ?, counts_as_member = ? WHERE id = ?", changes
    )
