"""Workload 2: constituent search through the API beside the bare index query.

Five kinds of query, each over 20 different real constituents of the scale: a name typed
with accents ("josé garc"), the same without ("jose garc"), an email prefix, a phone
number, and a misspelt full name (the names of planted duplicates, each with one typo,
listed in ``duplicates.csv``). Ours: ``GET /api/v1/search/constituents`` (for the typo,
``…/constituents/similar``) over loopback HTTP, one keep-alive connection, the client
pinned to the other CPU. Reference: the single index query that answers that kind (FTS5
prefix match ranked by bm25, the email b-tree range, the phone digits index, and for the
typo the capped candidate query of :mod:`core.search.fuzzy` without the scoring) with
``sqlite3`` in the benchmark process.
"""

from __future__ import annotations

import asyncio
import csv
import itertools
import sqlite3
import time
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench.env import sqlite_url
from bench.loadgen import pin_to, run_load
from bench.measure import RUNS, Figure, percentile, quick, value_at_most
from bench.scales import Scale
from bench.server import CLIENT_CPU, serving
from bench.stages import credentials, loaded_db
from core.search.fuzzy import CANDIDATE_CAP, fts5_expression, lookup_words, query_words

PER_QUERY = 20  # different constituents per kind of query
REQUESTS = int(quick(200, 10))  # requests per kind per run
P99_LIMIT_MS = 25.0
FUZZY = "fuzzy (typo)"
# The benchmark issue's target for fuzzy search: a capped candidate set keeps it bounded.
FUZZY_P99_LIMIT_MS = 150.0
_MAX_CHAR = "\U0010ffff"


def _strip_accents(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    ).lower()


def queries(database: Path, data_dir: Path) -> dict[str, list[str]]:
    """The typed queries of each kind, taken from the data (deterministic)."""
    duplicates = planted_duplicates(data_dir)
    connection = sqlite3.connect(database)
    accented = connection.execute(
        "SELECT first_name, last_name FROM core_constituent WHERE kind = 'individual' AND "
        "first_name <> '' AND (first_name GLOB '*[^ -~]*' OR last_name GLOB '*[^ -~]*') "
        "ORDER BY id LIMIT ?",
        (PER_QUERY,),
    ).fetchall()
    emails = connection.execute(
        "SELECT email FROM core_email ORDER BY id LIMIT ?", (PER_QUERY,)
    ).fetchall()
    phones = connection.execute(
        "SELECT number FROM core_phone ORDER BY id LIMIT ?", (PER_QUERY,)
    ).fetchall()
    misspelt = connection.execute(
        "SELECT first_name, last_name FROM core_constituent WHERE external_id IN "
        f"({', '.join('?' for _ in duplicates)}) ORDER BY id",
        duplicates,
    ).fetchall()
    connection.close()
    with_accents = [f"{first} {last.split()[0][:4]}".lower() for first, last in accented]
    return {
        "name with accents": with_accents,
        "name without accents": [_strip_accents(q) for q in with_accents],
        "email prefix": [str(e)[:6] for (e,) in emails],
        "phone": [str(p) for (p,) in phones],
        FUZZY: [f"{first} {last}" for first, last in misspelt],
    }


def planted_duplicates(data_dir: Path) -> list[str]:
    """External ids of the first planted duplicates: individuals with a typo in a name."""
    with (data_dir / "duplicates.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(itertools.islice(csv.DictReader(handle), PER_QUERY))
    return [row["external_id"] for row in rows]


def search_path(kind: str, query: str) -> str:
    """The API path that answers this kind of query."""
    endpoint = "constituents/similar" if kind == FUZZY else "constituents"
    return f"/api/v1/search/{endpoint}?q={quote(query)}"


def _bare(connection: sqlite3.Connection, kind: str, query: str) -> list[Any]:
    if kind == FUZZY:
        match = fts5_expression(lookup_words(query_words(query)))
        sql = (
            "SELECT c.id, c.display_name FROM core_constituent_fts "
            "JOIN core_constituent AS c ON c.id = core_constituent_fts.rowid "
            "WHERE core_constituent_fts MATCH ? AND c.deleted_at IS NULL LIMIT ?"
        )
        return connection.execute(sql, (match, CANDIDATE_CAP)).fetchall()
    if kind.startswith("name"):
        match = " ".join(f'"{w}"*' for w in _strip_accents(query).split())
        sql = (
            "SELECT rowid FROM core_constituent_fts WHERE core_constituent_fts MATCH ? "
            "ORDER BY bm25(core_constituent_fts, 10.0, 1.0) LIMIT 21"
        )
        return connection.execute(sql, (match,)).fetchall()
    if kind == "email prefix":
        sql = "SELECT constituent_id FROM core_email WHERE email >= ? AND email < ? LIMIT 21"
        return connection.execute(sql, (query, query + _MAX_CHAR)).fetchall()
    digits = "".join(ch for ch in query if ch.isdigit())
    sql = "SELECT constituent_id FROM core_phone WHERE digits = ? LIMIT 21"
    return connection.execute(sql, (digits,)).fetchall()


def bare_latencies(database: Path, kind: str, typed: list[str]) -> list[float]:
    """Seconds per bare query, REQUESTS of them cycling through ``typed``."""
    connection = sqlite3.connect(database)
    found = 0
    out = []
    for n in range(REQUESTS):
        start = time.perf_counter()
        found += len(_bare(connection, kind, typed[n % len(typed)]))
        out.append(time.perf_counter() - start)
    connection.close()
    if not found:
        raise RuntimeError(f"the bare {kind} query found nothing: the queries are wrong")
    return out


def run(scale: Scale) -> list[Figure]:
    """p50 and p99 of each kind of query, ours over HTTP beside the bare index query."""
    database = loaded_db(scale)
    token = credentials(scale)["token"]
    typed = queries(database, scale.data_dir)
    ours: dict[str, list[list[float]]] = {k: [] for k in typed}
    bare: dict[str, list[list[float]]] = {k: [] for k in typed}
    pin_to(CLIENT_CPU)
    log = scale.results_dir / "logs" / "search-server.log"
    with serving(sqlite_url(database), log) as port:
        for _ in range(RUNS):
            for kind, texts in typed.items():
                paths = [search_path(kind, t) for t in texts]
                result = asyncio.run(
                    run_load(port, paths, concurrency=1, duration=120, warmup=0.5,
                             headers={"Authorization": f"Bearer {token}"},
                             max_requests=REQUESTS)
                )  # fmt: skip
                if result.errors:
                    raise RuntimeError(f"search {kind}: HTTP errors {result.statuses}")
                ours[kind].append(result.latencies)
                bare[kind].append(bare_latencies(database, kind, texts))
    return _figures(ours, bare)


def _figures(
    ours: dict[str, list[list[float]]], bare: dict[str, list[list[float]]]
) -> list[Figure]:
    figures = []
    for kind in ours:
        for label, fraction in (("p50", 0.5), ("p99", 0.99)):
            figure = Figure(
                f"search {kind} {label}", "ms", "lower",
                [percentile(r, fraction) * 1000 for r in ours[kind]], "bare index query",
                [percentile(r, fraction) * 1000 for r in bare[kind]],
            )  # fmt: skip
            if label == "p99":
                value_at_most(figure, FUZZY_P99_LIMIT_MS if kind == FUZZY else P99_LIMIT_MS)
            figures.append(figure)
    return figures
