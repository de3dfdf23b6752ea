"""Seeded organisation data, streamed to the CSV files the importers read.

:func:`bench.generation.generate` writes, in one pass and with flat memory (resumable: see
that module), the rows this module draws:

* ``constituents.csv`` -- the columns ``steward import constituents`` reads: individuals
  (English and Spanish names with accents, Zipf-distributed surnames), households and
  organisations, with email, phone, address, birth date and tags. About 3% of rows are
  planted duplicates of an earlier individual, with a typo in the name (listed in
  ``duplicates.csv`` as duplicate/original external ids, for dedupe work).
* ``gifts.csv`` -- the columns ``steward import gifts`` reads, about 5 gifts per
  constituent over 6 years, referring to donors by ``donor_external_id``.
* ``interactions.csv`` -- about 10 timeline entries per constituent (calls, emails,
  meetings, notes...). There is no interaction importer; the benchmark loads it in bulk.
* one file per registered :data:`EXTRA_STREAMS` entry: the hook for plugin data
  (memberships, volunteer hours, mentions) as those plugins land.

Constituent ``C0000001`` is the showcase record: exactly :data:`SHOWCASE_ITEMS` timeline
items (its gifts plus its interactions), for the admin page workload.
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import sys
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

from bench import names
from bench.draw import Draw
from bench.scales import Scale

SEED = 20261122
DUPLICATE_RATE = 0.03
SHOWCASE_ITEMS = 200
SHOWCASE_GIFTS = 20
# The data covers six years ending on this day (fixed, so the files never change).
LAST_DAY = date(2026, 6, 30)

CONSTITUENT_COLUMNS = [
    "external_id", "kind", "first_name", "last_name", "organisation_name", "household_name",
    "email", "phone", "address_line1", "city", "region", "postcode", "country", "birth_date",
    "source", "tags",
]  # fmt: skip
GIFT_COLUMNS = [
    "external_id", "donor_external_id", "amount", "currency", "gift_date", "payment_method",
    "notes",
]  # fmt: skip
INTERACTION_COLUMNS = [
    "constituent_external_id", "interaction_type", "channel", "direction", "subject",
    "occurred_at",
]  # fmt: skip
INTERACTION_KINDS = (
    ("core.call", "phone", "outbound"),
    ("core.email", "email", "outbound"),
    ("core.email", "email", "inbound"),
    ("core.meeting", "meeting", "outbound"),
    ("core.note", "other", "internal"),
    ("core.letter", "letter", "outbound"),
    ("core.sms", "sms", "outbound"),
)
PAYMENT_METHODS = ("card", "card", "online", "cheque", "bank_transfer", "cash", "direct_debit")


@dataclass(frozen=True)
class Person:
    """What later rows need to know about a generated constituent."""

    external_id: str
    row: dict[str, str]


Row = Sequence[str]


@dataclass(frozen=True)
class ExtraStream:
    """A plugin's generated file: its columns and the rows (values in column order) for one
    constituent. Each stream draws from its own seeded generator, so adding a stream leaves
    every other file byte-identical."""

    name: str
    columns: tuple[str, ...]
    rows: Callable[[Person, Draw], list[Row]]


# Plugins' benchmark data joins here: ``EXTRA_STREAMS.append(ExtraStream(...))``;
# ``bench/streams.py`` registers memberships, volunteer hours and social mentions.
EXTRA_STREAMS: list[ExtraStream] = []
# Modules whose code shapes the generated files (their digest is the cache key).
GENERATOR_MODULES = ["generate.py", "generation.py", "names.py", "draw.py", "streams.py"]


@dataclass
class Summary:
    """Counts of what was written, and a digest of every file (to check determinism)."""

    constituents: int = 0
    duplicates: int = 0
    gifts: int = 0
    interactions: int = 0
    extra: dict[str, int] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)
    version: str = ""
    seconds: float = 0.0


def code_version() -> str:
    """A digest of the generator's code: cached files from other code are rebuilt."""
    here = Path(__file__).resolve().parent
    source = b"".join((here / name).read_bytes() for name in GENERATOR_MODULES)
    return hashlib.sha256(source).hexdigest()[:16]


def _zipf(count: int, exponent: float = 1.07) -> list[float]:
    """Cumulative Zipf weights for ranks 1..count."""
    return list(accumulate(1.0 / (rank**exponent) for rank in range(1, count + 1)))


@lru_cache(maxsize=4096)
def ascii_fold(text: str) -> str:
    """Letters without accents, lower case, only a-z0-9 (for email local parts)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def typo(word: str, rng: Draw) -> str:
    """One keyboard slip: a dropped, doubled, swapped or replaced letter (never a no-op)."""
    if len(word) < 3:
        return word + word[-1]
    i = rng.between(1, len(word) - 1)
    kind = rng.below(4)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    if kind == 2 and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    replacement = "e" if word[i] != "e" else "a"
    return word[:i] + replacement + word[i + 1 :]


EN_AREAS = (617, 312, 206, 512, 303, 503, 404, 612, 215, 619)
DOMAINS = ("example.org", "example.com", "example.net")
SOURCES = ("web", "event", "mailing", "referral", "import")
SUBJECTS = ("Thank you", "Follow-up", "Invitación", "Update")
# Interaction times: 08:00 to 18:59 UTC, as "THH:MM:00+00:00".
TIMES = tuple(f"T{m // 60:02d}:{m % 60:02d}:00+00:00" for m in range(8 * 60, 19 * 60))


class Generator:
    """One deterministic pass over a scale's constituents and their gifts and interactions."""

    def __init__(self, scale: Scale, seed: int = SEED) -> None:
        self.scale = scale
        self.rng = Draw(seed)
        self.en_last = _zipf(len(names.EN_LAST))
        self.es_last = _zipf(len(names.ES_LAST))
        self.recent: deque[dict[str, str]] = deque(maxlen=500)  # candidates to duplicate
        self.first_day = LAST_DAY - timedelta(days=365 * scale.years)
        self.span = 365 * scale.years
        self.days = [(self.first_day + timedelta(days=n)).isoformat() for n in range(self.span)]

    def surname(self, spanish: bool) -> str:
        pool, weights = (names.ES_LAST, self.es_last) if spanish else (names.EN_LAST, self.en_last)
        return pool[bisect.bisect(weights, self.rng.random() * weights[-1])]

    def phone(self, spanish: bool) -> str:
        r = self.rng
        if spanish:
            return f"+34 6{r.between(10, 99)} {r.between(100, 999)} {r.between(100, 999)}"
        area = r.pick(EN_AREAS)
        return f"+1 {area} {r.between(201, 989)} {r.between(1000, 9999)}"

    def address(self, spanish: bool, row: dict[str, str]) -> None:
        r = self.rng
        if spanish:
            city, region, prefix = r.pick(names.ES_PLACES)
            row["address_line1"] = f"{r.pick(names.ES_STREETS)}, {r.between(1, 200)}"
            row["postcode"] = f"{prefix}{r.below(999):03d}"
            row["country"] = "ES"
        else:
            city, region, prefix = r.pick(names.EN_PLACES)
            row["address_line1"] = f"{r.between(1, 9999)} {r.pick(names.EN_STREETS)} St"
            row["postcode"] = f"{prefix}{r.between(100, 999)}"
            row["country"] = "US"
        row["city"], row["region"] = city, region

    def person(self, number: int) -> dict[str, str]:
        r = self.rng
        spanish = r.random() < 0.45
        row = dict.fromkeys(CONSTITUENT_COLUMNS, "")
        row["external_id"] = f"C{number:07d}"
        roll = r.random()
        last = self.surname(spanish)
        if roll < 0.05:
            row["kind"] = "household"
            row["household_name"] = f"Familia {last}" if spanish else f"The {last} Family"
        elif roll < 0.08:
            row["kind"] = "organisation"
            row["organisation_name"] = f"{last} {r.pick(names.ORG_WORDS)}"
        else:
            row["kind"] = "individual"
            row["first_name"] = r.pick(names.ES_FIRST if spanish else names.EN_FIRST)
            row["last_name"] = last
            if spanish and r.random() < 0.6:  # two surnames, as in Spain
                row["last_name"] = f"{last} {self.surname(True)}"
            born = date(1940, 1, 1) + timedelta(days=r.below(365 * 65))
            row["birth_date"] = born.isoformat() if r.random() < 0.4 else ""
        initial = ascii_fold(row["first_name"])[:1]
        local = (initial + "." if initial else "") + ascii_fold(last)[:12]
        domain = r.pick(DOMAINS)
        row["email"] = f"{local}{number}@{domain}" if r.random() < 0.85 else ""
        row["phone"] = self.phone(spanish) if r.random() < 0.7 else ""
        if r.random() < 0.8:
            self.address(spanish, row)
        row["source"] = r.pick(SOURCES)
        row["tags"] = "|".join(sorted(set(r.sample(names.TAGS, r.below(3)))))
        return row

    def duplicate(self, number: int) -> tuple[dict[str, str], str]:
        """A copy of a recent individual with a typo in the name; (row, original id)."""
        original = self.rng.pick(self.recent)
        row = dict(original)
        row["external_id"] = f"C{number:07d}"
        if self.rng.random() < 0.5:
            row["first_name"] = typo(row["first_name"], self.rng)
        else:
            row["last_name"] = typo(row["last_name"], self.rng)
        if row["email"] and self.rng.random() < 0.5:
            row["email"] = row["email"].replace("@", f".{number % 97}@")
        return row, original["external_id"]

    def day(self) -> date:
        return self.first_day + timedelta(days=self.rng.below(self.span))

    def gifts(self, donor: str, count: int, first_id: int) -> list[Row]:
        r, days, span = self.rng, self.days, self.span
        rows: list[Row] = []
        for n in range(count):
            cents = int(min(r.lognormvariate(3.6, 1.1), 50_000) * 100)
            day = days[r.below(span)]
            rows.append((f"G{first_id + n:09d}", donor, f"{max(cents, 100) / 100:.2f}", "USD",
                         day, r.pick(PAYMENT_METHODS), ""))  # fmt: skip
        return rows

    def interactions(self, person: str, count: int) -> list[Row]:
        r, days, span = self.rng, self.days, self.span
        rows: list[Row] = []
        for _ in range(count):
            kind, channel, direction = r.pick(INTERACTION_KINDS)
            at = days[r.below(span)] + TIMES[r.below(660)]
            rows.append((person, kind, channel, direction, r.pick(SUBJECTS), at))
        return rows


def stream_draws(seed: int) -> dict[str, Draw]:
    """Each registered stream's own seeded generator, by stream name."""
    return {stream.name: Draw(f"{seed}/{stream.name}") for stream in EXTRA_STREAMS}


def progress_line(scale: Scale, number: int, seconds: float) -> None:
    """One line per tenth of the file on standard error (long runs go to a log)."""
    if scale.constituents >= 100_000 and number % (scale.constituents // 10) == 0:
        print(f"generate {scale.name}: {number:,} of {scale.constituents:,} constituents "
              f"in {seconds:.0f} s", file=sys.stderr, flush=True)  # fmt: skip


def write_rows(
    gen: Generator,
    buffers: Mapping[str, list[Row]],
    summary: Summary,
    draws: Mapping[str, Draw],
    start: int,
    pause: Callable[[int], bool],
    pause_every: int,
) -> int | None:
    """Append constituents ``start``.. and their rows to ``buffers``.

    Every ``pause_every`` constituents ``pause(number)`` is called (the caller writes the
    buffers out and may keep a checkpoint); when it returns True the pass stops and the
    next constituent's number is returned. ``None`` means the file is complete.
    """
    scale, rng = gen.scale, gen.rng
    constituents, gifts_out = buffers["constituents"], buffers["gifts"]
    items_out, duplicates = buffers["interactions"], buffers["duplicates"]
    streams = [(s, draws[s.name], buffers[s.name]) for s in EXTRA_STREAMS]
    gift_bound, item_bound = int(2 * scale.gifts_per) + 1, int(2 * scale.interactions_per) + 1
    for number in range(start, scale.constituents + 1):
        if number > 50 and gen.recent and rng.random() < DUPLICATE_RATE:
            row, original = gen.duplicate(number)
            duplicates.append((row["external_id"], original))
            summary.duplicates += 1
        else:
            row = gen.person(number)
            if row["kind"] == "individual":
                gen.recent.append(row)
        constituents.append([row[c] for c in CONSTITUENT_COLUMNS])
        summary.constituents += 1
        if number == 1:
            gifts, interactions = SHOWCASE_GIFTS, SHOWCASE_ITEMS - SHOWCASE_GIFTS
        else:
            gifts, interactions = rng.below(gift_bound), rng.below(item_bound)
        ext = row["external_id"]
        gifts_out.extend(gen.gifts(ext, gifts, summary.gifts + 1))
        summary.gifts += gifts
        items_out.extend(gen.interactions(ext, interactions))
        summary.interactions += interactions
        if streams:
            person = Person(ext, row)
            for stream, draw, buffer in streams:
                extra = stream.rows(person, draw)
                buffer.extend(extra)
                summary.extra[stream.name] += len(extra)
        if number % pause_every == 0 and number < scale.constituents and pause(number):
            return number + 1
    return None


def read_rows(path: Path) -> Iterator[dict[str, Any]]:
    """Stream a generated CSV file's rows as dicts."""
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)
