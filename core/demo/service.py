"""Build a believable demo organisation through the real services (so audit, events and
rollups are exactly what staff would produce), then ask each plugin for its own demo data.

Deterministic: the same seed and size give the same people, households and timeline.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from core import db
from core.auth import service as auth
from core.constituents import consent, households, relations, relationship_types, service, tags
from core.demo import vocabulary as words
from core.events import unit_of_work
from core.interactions import service as interactions
from core.plugins.registry import PluginRegistry

DEMO_ADMIN_EMAIL = "demo-admin@example.org"
YEARS_OF_HISTORY = 6

Progress = Callable[[int, int], None]
Place = tuple[str, str, str, tuple[str, ...]]


@dataclass(frozen=True)
class DemoSummary:
    """What the demo generator created."""

    individuals: int
    organisations: int
    households: int
    interactions: int


@dataclass(frozen=True)
class Person:
    """A generated individual before it is saved."""

    first: str
    last: str
    spanish: bool
    place: Place


def _person(rng: random.Random) -> Person:
    place: Place
    spanish = rng.random() < 0.45
    if spanish:
        first = rng.choice(words.SPANISH_FIRST)
        last = f"{rng.choice(words.SPANISH_LAST)} {rng.choice(words.SPANISH_LAST)}"
        place = rng.choice(words.SPANISH_PLACES)
    else:
        first, last = rng.choice(words.ENGLISH_FIRST), rng.choice(words.ENGLISH_LAST)
        place = rng.choice(words.ENGLISH_PLACES)
    return Person(first, last, spanish, place)


def _ascii_local_part(text: str) -> str:
    from core.validation import fold

    return "".join(ch for ch in fold(text).replace(" ", ".") if ch.isalnum() or ch == ".")


def _phone(rng: random.Random, country: str) -> str:
    """A random number that the phone validator accepts for the country."""
    import phonenumbers

    while True:
        if country == "ES":
            candidate = (
                f"+34 6{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
            )
        elif country == "GB":
            candidate = f"+44 7911 {rng.randint(100000, 999999)}"
        else:
            candidate = f"+1 617 555 0{rng.randint(100, 199)}"
        if phonenumbers.is_valid_number(phonenumbers.parse(candidate)):
            return candidate


def _constituent_payload(rng: random.Random, person: Person, index: int) -> dict[str, Any]:
    city, region, country, postcodes = person.place
    street = rng.choice(words.SPANISH_STREETS if person.spanish else words.ENGLISH_STREETS)
    prefix_pool = words.SPANISH_PREFIXES if person.spanish else words.PREFIXES
    local = _ascii_local_part(f"{person.first} {person.last.split()[0]}")
    return {
        "kind": "individual",
        "prefix": rng.choice(prefix_pool) if rng.random() < 0.2 else None,
        "first_name": person.first,
        "last_name": person.last,
        "lifecycle_stage": rng.choice(("prospect", "active", "active", "active", "lapsed")),
        "birth_date": date(rng.randint(1940, 2004), rng.randint(1, 12), rng.randint(1, 28)),
        "source": "demo",
        "external_id": f"demo-{index:05d}",
        "emails": [{"email": f"{local}{index}@example.org", "is_primary": True}],
        "phones": [{"number": _phone(rng, country), "is_primary": True}],
        "addresses": [
            {
                "line1": f"{rng.randint(1, 180)} {street}",
                "city": city,
                "region": region,
                "postcode": rng.choice(postcodes),
                "country": country,
                "is_primary": True,
            }
        ],
    }


async def is_empty() -> bool:
    """True when no constituent exists yet."""
    return await db.fetch_value("SELECT COUNT(*) AS n FROM core_constituent") == 0


async def ensure_demo_admin() -> tuple[str, str]:
    """Create (or reset) the demo administrator with a fresh random password."""
    password = secrets.token_urlsafe(12)
    existing = await db.fetch_value("SELECT id FROM core_user WHERE email = {}", DEMO_ADMIN_EMAIL)
    if existing is None:
        await auth.create_user(
            DEMO_ADMIN_EMAIL, display_name="Demo Administrator", password=password, roles=["admin"]
        )
    else:
        from core.auth.users import set_password

        await set_password(int(existing), password)
    return DEMO_ADMIN_EMAIL, password


async def _tag_ids() -> dict[str, int]:
    existing = {t.name: t.id for t in (await tags.list_tags(per_page=200)).items}
    for name, description in words.TAGS:
        if name not in existing:
            existing[name] = (await tags.create_tag({"name": name, "description": description})).id
    return existing


async def _timeline(
    rng: random.Random, constituent_id: int, owner_id: int | None, today: date
) -> int:
    recorded = 0
    now = datetime.now(UTC)
    for _ in range(rng.randint(1, 6)):
        kind, subjects = rng.choice(
            (
                ("core.note", words.NOTE_SUBJECTS),
                ("core.call", words.CALL_SUBJECTS),
                ("core.meeting", words.MEETING_SUBJECTS),
            )
        )
        when = now - timedelta(days=rng.randint(1, 365 * YEARS_OF_HISTORY))
        await interactions.record_interaction(
            constituent_id=constituent_id,
            interaction_type=kind,
            subject=rng.choice(subjects),
            occurred_at=when,
            owner_id=owner_id,
        )
        recorded += 1
    if owner_id is not None and rng.random() < 0.25:
        await interactions.schedule_follow_up(
            constituent_id=constituent_id,
            owner_id=owner_id,
            due=today + timedelta(days=rng.randint(-20, 30)),
            subject=rng.choice(words.FOLLOW_UP_SUBJECTS),
        )
        recorded += 1
    return recorded


async def build_demo(
    registry: PluginRegistry, *, seed: int = 2026, size: int = 120, progress: Progress | None = None
) -> DemoSummary:
    """Create ``size`` individuals (with households, organisations, timelines and consent).

    Everything happens in one unit of work: a failure leaves no half-built demo behind.
    """
    async with unit_of_work():
        return await _build(registry, seed=seed, size=size, progress=progress)


async def _build(
    registry: PluginRegistry, *, seed: int, size: int, progress: Progress | None
) -> DemoSummary:
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    today = datetime.now(registry.settings.zone).date()
    await relationship_types.ensure_default_relationship_types()
    tag_ids = await _tag_ids()
    owner_id = await db.fetch_value("SELECT id FROM core_user ORDER BY id LIMIT 1")
    listed = await relationship_types.list_relationship_types(per_page=200)
    types = {t.key: t.id for t in listed.items}
    organisation_ids = []
    for index, name in enumerate(words.ORGANISATIONS):
        created = await service.create_constituent(
            {"kind": "organisation", "organisation_name": name, "lifecycle_stage": "active",
             "source": "demo", "external_id": f"demo-org-{index:03d}"}
        )  # fmt: skip
        organisation_ids.append(created.id)
    people: list[tuple[int, Person]] = []
    recorded = 0
    for index in range(size):
        person = _person(rng)
        created = await service.create_constituent(_constituent_payload(rng, person, index))
        people.append((created.id, person))
        chosen = rng.sample(sorted(tag_ids), k=rng.randint(0, 2))
        if person.spanish:
            chosen.append("Hispanohablante")
        await tags.apply_tags(created.id, [tag_ids[t] for t in set(chosen)])
        if rng.random() < 0.6:
            await consent.record_consent(
                created.id, channel="email", purpose="newsletter", status="granted",
                method=rng.choice(("web_form", "paper", "in_person")),
                wording=words.CONSENT_WORDING_ES if person.spanish else words.CONSENT_WORDING_EN,
            )  # fmt: skip
        if rng.random() < 0.2:
            await relations.create_relationship(
                rng.choice(organisation_ids), created.id, types["employer"]
            )
        recorded += await _timeline(rng, created.id, owner_id, today)
        if progress is not None:
            progress(index + 1, size)
    household_count = await _households(rng, people)
    await registry.call_each("steward_demo_data", isolate=False, settings=registry.settings,
                             seed=seed)  # fmt: skip
    return DemoSummary(size, len(organisation_ids), household_count, recorded)


async def _households(rng: random.Random, people: list[tuple[int, Person]]) -> int:
    """Group people who share a surname and city into households of two to four."""
    by_family: dict[tuple[str, str], list[int]] = {}
    for constituent_id, person in people:
        by_family.setdefault((person.last.split()[0], person.place[0]), []).append(constituent_id)
    created = 0
    for (surname, _city), members in sorted(by_family.items()):
        if len(members) < 2:
            continue
        group = members[: rng.randint(2, 4)]
        label = (
            f"Familia {surname}" if surname in words.SPANISH_LAST else f"The {surname} Household"
        )
        await households.create_household(label, group, primary_contact_id=group[0])
        created += 1
    return created
