"""Seeded organisation data, streamed to the CSV files the importers read.

``generate(scale)`` writes, in one pass and with flat memory:

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
import json
import random
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import IO, Any

from bench import names
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


@dataclass(frozen=True)
class ExtraStream:
    """A plugin's generated file: its columns and the rows for one constituent."""

    name: str
    columns: tuple[str, ...]
    rows: Callable[[Person, random.Random], list[dict[str, str]]]


# Plugins' benchmark data joins here (e.g. memberships, volunteer hours, mentions):
# ``EXTRA_STREAMS.append(ExtraStream("memberships", (...), rows_for))``.
EXTRA_STREAMS: list[ExtraStream] = []


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


def code_version() -> str:
    """A digest of the generator's code: cached files from other code are rebuilt."""
    here = Path(__file__).resolve().parent
    source = b"".join((here / name).read_bytes() for name in ("generate.py", "names.py"))
    return hashlib.sha256(source).hexdigest()[:16]


def _zipf(count: int, exponent: float = 1.07) -> list[float]:
    """Cumulative Zipf weights for ranks 1..count."""
    return list(accumulate(1.0 / (rank**exponent) for rank in range(1, count + 1)))


def ascii_fold(text: str) -> str:
    """Letters without accents, lower case, only a-z0-9 (for email local parts)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def typo(word: str, rng: random.Random) -> str:
    """One keyboard slip: a dropped, doubled, swapped or replaced letter (never a no-op)."""
    if len(word) < 3:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    if kind == 2 and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    replacement = "e" if word[i] != "e" else "a"
    return word[:i] + replacement + word[i + 1 :]


class Generator:
    """One deterministic pass over a scale's constituents and their gifts and interactions."""

    def __init__(self, scale: Scale, seed: int = SEED) -> None:
        self.scale = scale
        self.rng = random.Random(seed)
        self.en_last = _zipf(len(names.EN_LAST))
        self.es_last = _zipf(len(names.ES_LAST))
        self.recent: deque[dict[str, str]] = deque(maxlen=500)  # candidates to duplicate
        self.first_day = LAST_DAY - timedelta(days=365 * scale.years)

    def surname(self, spanish: bool) -> str:
        pool, weights = (names.ES_LAST, self.es_last) if spanish else (names.EN_LAST, self.en_last)
        return pool[bisect.bisect(weights, self.rng.random() * weights[-1])]

    def phone(self, spanish: bool) -> str:
        r = self.rng
        if spanish:
            return f"+34 6{r.randrange(10, 99)} {r.randrange(100, 999)} {r.randrange(100, 999)}"
        area = r.choice((617, 312, 206, 512, 303, 503, 404, 612, 215, 619))
        return f"+1 {area} {r.randrange(201, 989)} {r.randrange(1000, 9999)}"

    def address(self, spanish: bool, row: dict[str, str]) -> None:
        r = self.rng
        if spanish:
            city, region, prefix = r.choice(names.ES_PLACES)
            row["address_line1"] = f"{r.choice(names.ES_STREETS)}, {r.randrange(1, 200)}"
            row["postcode"] = f"{prefix}{r.randrange(0, 999):03d}"
            row["country"] = "ES"
        else:
            city, region, prefix = r.choice(names.EN_PLACES)
            row["address_line1"] = f"{r.randrange(1, 9999)} {r.choice(names.EN_STREETS)} St"
            row["postcode"] = f"{prefix}{r.randrange(100, 999)}"
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
            row["organisation_name"] = f"{last} {r.choice(names.ORG_WORDS)}"
        else:
            row["kind"] = "individual"
            row["first_name"] = r.choice(names.ES_FIRST if spanish else names.EN_FIRST)
            row["last_name"] = last
            if spanish and r.random() < 0.6:  # two surnames, as in Spain
                row["last_name"] = f"{last} {self.surname(True)}"
            born = date(1940, 1, 1) + timedelta(days=r.randrange(0, 365 * 65))
            row["birth_date"] = born.isoformat() if r.random() < 0.4 else ""
        initial = ascii_fold(row["first_name"])[:1]
        local = (initial + "." if initial else "") + ascii_fold(last)[:12]
        domain = r.choice(("example.org", "example.com", "example.net"))
        row["email"] = f"{local}{number}@{domain}" if r.random() < 0.85 else ""
        row["phone"] = self.phone(spanish) if r.random() < 0.7 else ""
        if r.random() < 0.8:
            self.address(spanish, row)
        row["source"] = r.choice(("web", "event", "mailing", "referral", "import"))
        row["tags"] = "|".join(sorted(set(r.sample(names.TAGS, r.randrange(0, 3)))))
        return row

    def duplicate(self, number: int) -> tuple[dict[str, str], str]:
        """A copy of a recent individual with a typo in the name; (row, original id)."""
        original = self.rng.choice(self.recent)
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
        return self.first_day + timedelta(days=self.rng.randrange(0, 365 * self.scale.years))

    def gifts(self, person: dict[str, str], count: int, first_id: int) -> list[dict[str, str]]:
        r = self.rng
        rows = []
        for n in range(count):
            cents = int(min(r.lognormvariate(3.6, 1.1), 50_000) * 100)
            rows.append(
                {
                    "external_id": f"G{first_id + n:09d}",
                    "donor_external_id": person["external_id"],
                    "amount": f"{max(cents, 100) / 100:.2f}",
                    "currency": "USD",
                    "gift_date": self.day().isoformat(),
                    "payment_method": r.choice(PAYMENT_METHODS),
                    "notes": "",
                }
            )
        return rows

    def interactions(self, person: dict[str, str], count: int) -> list[dict[str, str]]:
        r = self.rng
        rows = []
        for _ in range(count):
            kind, channel, direction = r.choice(INTERACTION_KINDS)
            at = datetime.combine(self.day(), datetime.min.time()) + timedelta(
                minutes=r.randrange(8 * 60, 19 * 60)
            )
            rows.append(
                {
                    "constituent_external_id": person["external_id"],
                    "interaction_type": kind,
                    "channel": channel,
                    "direction": direction,
                    "subject": r.choice(("Thank you", "Follow-up", "Invitación", "Update")),
                    "occurred_at": at.isoformat() + "+00:00",
                }
            )
        return rows


def _writer(handle: IO[str], columns: Sequence[str]) -> csv.DictWriter[str]:
    writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    return writer


def generate(scale: Scale, out_dir: Path | None = None, seed: int = SEED) -> Summary:
    """Write the scale's CSV files (see the module docstring); returns counts and digests."""
    folder = out_dir or scale.data_dir
    folder.mkdir(parents=True, exist_ok=True)
    gen = Generator(scale, seed)
    summary = Summary(version=code_version())
    files = {
        "constituents": (folder / "constituents.csv", CONSTITUENT_COLUMNS),
        "gifts": (folder / "gifts.csv", GIFT_COLUMNS),
        "interactions": (folder / "interactions.csv", INTERACTION_COLUMNS),
        "duplicates": (folder / "duplicates.csv", ("external_id", "original_external_id")),
    }
    for stream in EXTRA_STREAMS:
        files[stream.name] = (folder / f"{stream.name}.csv", stream.columns)
    handles = {k: path.open("w", encoding="utf-8", newline="") for k, (path, _) in files.items()}
    try:
        out = {k: _writer(handles[k], cols) for k, (_, cols) in files.items()}
        _write_rows(gen, scale, out, summary)
    finally:
        for handle in handles.values():
            handle.close()
    for key, (path, _) in files.items():
        summary.digests[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    (folder / "summary.json").write_text(json.dumps(summary.__dict__, indent=2) + "\n")
    return summary


def _write_rows(
    gen: Generator, scale: Scale, out: dict[str, csv.DictWriter[str]], summary: Summary
) -> None:
    rng = gen.rng
    for number in range(1, scale.constituents + 1):
        if number > 50 and gen.recent and rng.random() < DUPLICATE_RATE:
            row, original = gen.duplicate(number)
            out["duplicates"].writerow({"external_id": row["external_id"],
                                        "original_external_id": original})  # fmt: skip
            summary.duplicates += 1
        else:
            row = gen.person(number)
            if row["kind"] == "individual":
                gen.recent.append(row)
        out["constituents"].writerow(row)
        summary.constituents += 1
        if number == 1:
            gifts, interactions = SHOWCASE_GIFTS, SHOWCASE_ITEMS - SHOWCASE_GIFTS
        else:
            gifts = rng.randrange(0, int(2 * scale.gifts_per) + 1)
            interactions = rng.randrange(0, int(2 * scale.interactions_per) + 1)
        for gift in gen.gifts(row, gifts, summary.gifts + 1):
            out["gifts"].writerow(gift)
        summary.gifts += gifts
        for item in gen.interactions(row, interactions):
            out["interactions"].writerow(item)
        summary.interactions += interactions
        person = Person(row["external_id"], row)
        for stream in EXTRA_STREAMS:
            extra = stream.rows(person, rng)
            for item in extra:
                out[stream.name].writerow(item)
            summary.extra[stream.name] = summary.extra.get(stream.name, 0) + len(extra)


def read_rows(path: Path) -> Iterator[dict[str, Any]]:
    """Stream a generated CSV file's rows as dicts."""
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def ensure_generated(scale: Scale) -> Summary:
    """Generate the scale's files unless an up-to-date copy is already cached.

    Regenerating removes the scale's databases, which were built from the old files.
    """
    marker = scale.data_dir / "summary.json"
    if marker.exists():
        data = json.loads(marker.read_text())
        if data.get("constituents") == scale.constituents and data.get("version") == code_version():
            return Summary(**data)
    for database in scale.data_dir.glob("*.db*"):
        database.unlink()
    return generate(scale)
