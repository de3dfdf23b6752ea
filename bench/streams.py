"""Plugin data streams of the generator: memberships, volunteer hours and social mentions.

Each stream writes its own CSV file beside ``constituents.csv`` and draws from its own
seeded generator (see :class:`bench.generate.ExtraStream`):

* ``memberships.csv`` -- the columns ``steward import memberships`` reads. About 30% of
  individuals and households and 10% of organisations are or were members, on one of
  :data:`LEVELS`; a member joined up to ten years before the end of the data and renewed
  each year with probability 0.75, so ``end_date`` is in the past for lapsed members and
  after the last day for current ones. The loader writes one term per year of that history.
* ``hours.csv`` -- the columns ``steward import hours`` reads: about 8% of individuals
  volunteer, 1 to 24 entries each over the six years, on one or two of
  :data:`OPPORTUNITIES`.
* ``mentions.csv`` -- social mentions (no importer: the loader inserts them in bulk), about
  0.5 per constituent, from :data:`SOURCES`; about a third are by the constituent they were
  drawn for (their name as author, linked to them, which adds a timeline item), the rest
  by strangers (and every one of the showcase record's, which keeps its item count).
"""

from __future__ import annotations

from datetime import date, timedelta

from bench.draw import Draw
from bench.generate import EXTRA_STREAMS, LAST_DAY, ExtraStream, Person, Row, ascii_fold

YEARS = 6
FIRST_DAY = LAST_DAY - timedelta(days=365 * YEARS)
DAYS = [(FIRST_DAY + timedelta(days=n)).isoformat() for n in range(365 * YEARS)]

# name, dues (minor units, USD), kind, tier
LEVELS = (
    ("Individual", 4_500, "individual", 1),
    ("Student", 1_500, "individual", 0),
    ("Family", 8_000, "family", 2),
    ("Patron", 50_000, "individual", 3),
    ("Corporate", 250_000, "organisation", 4),
)
PERSON_LEVELS = ("Individual",) * 6 + ("Student",) * 2 + ("Patron",)
MEMBERSHIP_COLUMNS = (
    "member_external_id", "level", "join_date", "end_date", "auto_renew", "paid", "external_id",
)  # fmt: skip

OPPORTUNITIES = (
    "Food bank shift",
    "Reading buddies",
    "Event crew",
    "Office help",
    "Park clean-up",
    "Acompañamiento a personas mayores",
)
HOURS_COLUMNS = ("constituent_external_id", "opportunity", "work_date", "hours", "note")
HOURS = ("1", "1.5", "2", "2", "2.5", "3", "3", "4", "6")
NOTES = ("", "", "", "", "Covered an extra shift", "Trained a new volunteer", "Turno de tarde")

# name, kind, platform, settings (valid for the kind; every source is disabled: no polling)
SOURCES: tuple[tuple[str, str, str, dict[str, str]], ...] = (
    ("Press and blogs", "rss", "rss", {"url": "https://news.example.org/feed.xml"}),
    ("Mastodon #hashtag", "mastodon", "mastodon",
     {"instance_url": "https://social.example.org", "mode": "hashtag", "value": "#stewardship"}),
    ("Bluesky search", "bluesky", "bluesky", {"mode": "search", "value": "stewardship"}),
    ("Website form", "webhook", "webhook", {"secret": "benchmark-webhook-secret-0123456789"}),
)  # fmt: skip
MENTION_COLUMNS = (
    "source", "external_id", "url", "author_name", "author_handle", "platform", "text",
    "posted_at", "language", "sentiment_score", "sentiment_label", "constituent_external_id",
    "link_status", "link_score",
)  # fmt: skip
# text, language, score, label
POSTS = (
    ("Thank you for the wonderful gala last night!", "en", "0.82", "positive"),
    ("Proud to volunteer with this team every month.", "en", "0.74", "positive"),
    ("Still waiting for a receipt for my donation.", "en", "-0.41", "negative"),
    ("The food bank opens on Saturdays now.", "en", "0.05", "neutral"),
    ("¡Gracias por el apoyo a las familias del barrio!", "es", "0.79", "positive"),
    ("Nadie contesta al teléfono de la asociación.", "es", "-0.55", "negative"),
    ("Mañana hay reparto de alimentos en la sede.", "es", "0.02", "neutral"),
)
# The showcase record keeps exactly SHOWCASE_ITEMS timeline items: none of its mentions is
# by itself (a linked mention adds a timeline item).
SHOWCASE = "C0000001"
STRANGERS = ("newsdesk", "cityreporter", "vecina_madrid", "localblog", "ana.opina", "jk_1984")


def _anniversary(day: date, years: int) -> date:
    return day.replace(year=day.year + years)


def memberships(person: Person, rng: Draw) -> list[Row]:
    """At most one membership per constituent, with its join date and current expiry."""
    kind = person.row["kind"]
    if rng.random() >= (0.10 if kind == "organisation" else 0.30):
        return []
    if kind == "organisation":
        level = "Corporate"
    elif kind == "household":
        level = "Family"
    else:
        level = rng.pick(PERSON_LEVELS)
    joined = LAST_DAY - timedelta(days=30 + rng.below(365 * 10))
    if joined.month == 2 and joined.day == 29:
        joined = joined.replace(day=28)
    years = 1
    while rng.random() < 0.75 and _anniversary(joined, years) <= LAST_DAY:
        years += 1
    auto = "yes" if rng.random() < 0.2 else "no"
    number = person.external_id[1:]
    return [(person.external_id, level, joined.isoformat(), _anniversary(joined, years).isoformat(),
             auto, "yes", f"M{number}")]  # fmt: skip


def hours(person: Person, rng: Draw) -> list[Row]:
    """A volunteer's hours over the six years (about 8% of individuals)."""
    if person.row["kind"] != "individual" or rng.random() >= 0.08:
        return []
    usual = (rng.pick(OPPORTUNITIES), rng.pick(OPPORTUNITIES))
    span = len(DAYS)
    rows: list[Row] = []
    for _ in range(rng.between(1, 25)):
        rows.append((person.external_id, usual[rng.below(4) == 0], DAYS[rng.below(span)],
                     rng.pick(HOURS), rng.pick(NOTES)))  # fmt: skip
    return rows


def _author(person: Person) -> tuple[str, str]:
    row = person.row
    name = (
        f"{row['first_name']} {row['last_name']}".strip()
        or row["household_name"]
        or row["organisation_name"]
    )
    return name, ascii_fold(name)[:20] + person.external_id[-4:]


def mentions(person: Person, rng: Draw) -> list[Row]:
    """About 0.5 mentions per constituent; a third by the constituent (linked to them)."""
    roll = rng.random()
    count = 0 if roll < 0.65 else 1 if roll < 0.87 else 2 if roll < 0.95 else 3
    rows: list[Row] = []
    for n in range(count):
        source, _, platform, _ = rng.pick(SOURCES)
        text, language, score, label = rng.pick(POSTS)
        posted = f"{DAYS[rng.below(len(DAYS))]}T{rng.below(24):02d}:{rng.below(60):02d}:00+00:00"
        ident = f"{person.external_id}-{n}"
        if rng.random() < 0.35 and person.external_id != SHOWCASE:
            name, handle = _author(person)
            linked, status, link_score = person.external_id, rng.pick(("auto", "confirmed")), "1.0"
        else:
            handle = f"{rng.pick(STRANGERS)}{rng.below(1000)}"
            name, linked, status, link_score = handle, "", "none", "0.0"
        url = f"https://{platform}.example.net/{handle}/{ident}"
        rows.append((source, ident, url, name, f"@{handle}", platform, text, posted, language,
                     score, label, linked, status, link_score))  # fmt: skip
    return rows


EXTRA_STREAMS.extend(
    [
        ExtraStream("memberships", MEMBERSHIP_COLUMNS, memberships),
        ExtraStream("hours", HOURS_COLUMNS, hours),
        ExtraStream("mentions", MENTION_COLUMNS, mentions),
    ]
)
