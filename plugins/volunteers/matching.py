"""Matching volunteers to a short-staffed shift, with the reasons for each score.

Candidates are people with a volunteer profile who are not already on the shift. Points:

* skills: up to 40, in proportion to the opportunity's required skills they have;
* availability: 25 when one of their time ranges on the shift's local weekday covers it;
* languages: 15 when they speak one of the languages the coordinator asks for;
* distance: up to 15 for postcode similarity, measured as the length of the common prefix
  of the two postcodes (spaces ignored) over the longer one. Postcodes are hierarchical in
  most countries (28013 and 28014 are neighbours in Madrid; SW1A and SW1P in London), so a
  shared prefix is a cheap, offline proxy for distance that needs no geocoding service;
* reliability: up to 20 as one minus their no-show rate over past shifts (10 for people
  with no history yet);
* minus 30 for a failed or expired background check.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core import db
from core.clock import utc_now
from core.events import unit_of_work
from core.i18n import gettext as _
from plugins.volunteers import notify
from plugins.volunteers.common import as_date, as_int, load_terms, local, org_today
from plugins.volunteers.jobs import claim_notice
from plugins.volunteers.profiles import load_availability
from plugins.volunteers.shifts import get_opportunity, get_shift


def day_names() -> list[str]:
    """Weekday names (Monday first) as in "available on Saturdays", translated."""
    return [_("Mondays"), _("Tuesdays"), _("Wednesdays"), _("Thursdays"), _("Fridays"),
            _("Saturdays"), _("Sundays")]  # fmt: skip


@dataclass
class Match:
    """One ranked candidate."""

    constituent_id: int
    name: str
    score: int
    reasons: list[str] = field(default_factory=list)


def postcode_similarity(a: str, b: str) -> float:
    """Shared-prefix length over the longer postcode (0 to 1; 0 when either is missing)."""
    x, y = a.replace(" ", "").upper(), b.replace(" ", "").upper()
    if not x or not y:
        return 0.0
    common = 0
    for p, q in zip(x, y, strict=False):
        if p != q:
            break
        common += 1
    return common / max(len(x), len(y))


def _covers(ranges: list[tuple[str, str]], start: str, end: str) -> tuple[str, str] | None:
    for low, high in ranges:
        if low <= start and end <= high:
            return low, high
    return None


async def rank(
    shift_id: int, *, languages: list[str] | None = None, postcode: str = "", limit: int = 50
) -> list[Match]:
    """Candidates for a shift, best first, each with the reasons for their score."""
    shift = await get_shift(shift_id)
    opportunity = await get_opportunity(shift.opportunity_id)
    wanted = set(opportunity.required_skills)
    asked = {w.strip().lower() for w in languages or [] if w.strip()}
    starts, ends = local(shift.starts_at), local(shift.ends_at)
    weekday, start_hm, end_hm = (
        str(starts.weekday()),
        starts.strftime("%H:%M"),
        ends.strftime("%H:%M"),
    )
    if ends.date() != starts.date():
        end_hm = "23:59"
    rows = await db.fetch_all(
        "SELECT p.*, c.display_name, c.primary_postcode, "
        "(SELECT COUNT(*) FROM volunteers_signup g WHERE g.constituent_id = p.constituent_id "
        "AND g.status = 'no_show') AS no_shows, "
        "(SELECT COUNT(*) FROM volunteers_signup g WHERE g.constituent_id = p.constituent_id "
        "AND g.status IN ('attended', 'no_show')) AS past "
        "FROM volunteers_profile p JOIN core_constituent c ON c.id = p.constituent_id "
        "WHERE c.deleted_at IS NULL AND c.deceased = {} AND p.constituent_id NOT IN "
        "(SELECT constituent_id FROM volunteers_signup WHERE shift_id = {} "
        "AND status <> 'cancelled')",
        False,
        shift_id,
    )
    matches = []
    for row in rows:
        score, reasons = 0, []
        skills = set(load_terms(row["skills"]))
        if wanted:
            have = sorted(wanted & skills)
            score += round(40 * len(have) / len(wanted))
            if have:
                reasons.append(_("Skills: %(skills)s", skills=", ".join(have)))
        covered = _covers(load_availability(row["availability"]).get(weekday, []), start_hm, end_hm)
        if covered:
            score += 25
            reasons.append(
                _(
                    "Available %(day)s %(start)s-%(end)s",
                    day=day_names()[int(weekday)],
                    start=covered[0],
                    end=covered[1],
                )
            )
        spoken = sorted(asked & set(load_terms(row["languages"])))
        if spoken:
            score += 15
            reasons.append(_("Speaks %(languages)s", languages=", ".join(spoken)))
        theirs = row["postcode"] or row["primary_postcode"] or ""
        similarity = postcode_similarity(postcode, theirs)
        if similarity > 0:
            score += round(15 * similarity)
            reasons.append(_("Postcode %(postcode)s is near", postcode=theirs))
        past, no_shows = as_int(row["past"]), as_int(row["no_shows"])
        if past:
            score += round(20 * (1 - no_shows / past))
            reasons.append(_("No-shows: %(missed)s of %(past)s shifts", missed=no_shows, past=past))
        else:
            score += 10
            reasons.append(_("No past shifts yet"))
        expires = as_date(row["background_expires"])
        if row["background_status"] == "failed" or (expires is not None and expires < org_today()):
            score -= 30
            reasons.append(_("Background check failed or expired"))
        matches.append(Match(int(row["constituent_id"]), row["display_name"] or "", score, reasons))
    matches.sort(key=lambda m: (-m.score, m.name.lower(), m.constituent_id))
    return matches[:limit]


async def invite(shift_id: int, constituent_ids: list[int]) -> int:
    """Email an invitation to each person (once per person and shift); returns how many."""
    shift = await get_shift(shift_id)
    sent = 0
    for constituent_id in dict.fromkeys(constituent_ids):
        async with unit_of_work():
            if not await db.fetch_one(
                "SELECT id FROM core_constituent WHERE id = {} AND deleted_at IS NULL",
                constituent_id,
            ):
                continue
            if not await claim_notice(
                f"invite:{shift_id}:{constituent_id}", constituent_id, utc_now()
            ):
                continue
            if await notify.send_notice("invite", constituent_id, shift):
                sent += 1
    return sent
