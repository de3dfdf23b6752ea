"""``docs/performance.md`` and ``docs/performance-scaling.svg`` from the result files.

The tables are regenerated from every ``bench/results/<scale>/<workload>.json`` found.
Result files are not kept in the repository, so the rows of a scale and workload that has
no result file here are carried over from the document being replaced (a run of one
workload at one scale replaces only its own rows). The findings (profiles, what limited each
missed target, plans) are kept by hand in ``bench/findings.md`` and included as they are.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from bench.results import load_results
from bench.scales import ROOT, SCALES

DOC = ROOT / "docs" / "performance.md"
CHART = ROOT / "docs" / "performance-scaling.svg"
FINDINGS = ROOT / "bench" / "findings.md"
WORKLOADS = {
    "import": "1. Import (constituents and gifts)",
    "import_gifts": "1a. Gift import",
    "import_pg": "1b. Import on PostgreSQL",
    "search": "2. Search through the API",
    "api": "3. API reads under load",
    "admin": "4. Admin constituent page",
    "reports": "5. Reports",
    "report_pages": "5b. Report pages (first page, from maintained rollups)",
    "writes": "Concurrent writes on SQLite",
}

INTRO = """# Performance

Every figure below is measured beside its limit or baseline **in the same run on the same
machine**, and compared as a ratio (ours ÷ reference), so that the noise of a shared machine
affects both arms alike. Each arm runs 3 times; the table shows the medians, and ⚠ marks a
figure whose runs spread by more than 10% (max - min over the median). The server and the
load generator are pinned to different CPUs (server on CPU 0, client on CPU 1).

This file is written by `make bench` (`python -m bench`); do not edit the tables by hand.
The findings at the end come from `bench/findings.md`. Scales: S = 10,000 constituents,
M = 250,000, L = 1,000,000 (about 5 gifts and 10 interactions each over 6 years, 3%
planted duplicates). Only scales listed in a table were measured.

Reproduce one workload: `make bench SCALE=S WORKLOAD=import` (workloads: `import`,
`import_gifts`, `import_pg`, `search`, `api`, `admin`, `reports`, `report_pages`,
`writes`; `generate`, `people`, `bulk` and `load` only build the data, one stage each;
`report` only rewrites this file). Without `WORKLOAD` all run in turn; each workload fits
in a few minutes at S. At L run one step per command, each within 10 minutes: the
`generate`, `people` and `bulk` stages work in parts and stop when their time budget
(`STEWARD_BENCH_BUDGET`, 360 s) is spent, saying "not finished: run the same command
again" (exit status 3); the same command goes on from the last finished part. At L that
is about 2 `generate`, 4 to 8 `people`, 3 `bulk` and 1 `load` commands (more when the
machine is busy), then one per workload. Results go to
`bench/results/<scale>/<workload>.json` (not kept in the repository: a run replaces only
its own rows of these tables).

### Method

- **Data** (`bench/generate.py`, seeded, streamed with flat memory): English and Spanish
  names with accents and Zipf-distributed surnames, households and organisations, emails,
  phones, addresses, birth dates and tags, written as the CSV that `steward import
  constituents` reads; gifts as the CSV `steward import gifts` reads; interactions; 3% of
  rows are planted duplicates with a typo (listed in `duplicates.csv`). Constituent 1 has
  exactly 200 timeline items. Plugin streams (`bench/streams.py`, each with its own seeded
  generator): memberships as `steward import memberships` reads them (about 30% of
  constituents, five levels, joined up to ten years back and renewed yearly with
  probability 0.75), volunteer hours as `steward import hours` reads them (about 8% of
  individuals, 1 to 24 entries each) and social mentions (about 0.5 per constituent from
  four sources, a third linked to the constituent). Files and databases are cached in
  `var/bench/<scale>/` (or `STEWARD_BENCH_DATA`); the files are written again when the
  generator's code changes, and what was built from them only when their bytes changed.
  Generation keeps a checkpoint every 50,000 constituents (random state and file lengths)
  and goes on from it byte for byte (`bench/generation.py`).
- **Databases**, one cached stage each (`bench/stages.py`): `migrated.db` (`steward
  init`), `people.db` (the constituents imported by our importer in parts of 125,000 rows,
  each part in its own process, the database copied aside after each part; times and the
  largest part's peak memory are kept in `build.json`), `bulk.db` (plus every gift,
  interaction, membership with yearly terms, hours entry and mention, inserted in bulk with
  fsync off and non-unique indexes rebuilt after, then `ANALYZE`, in six steps that each
  commit with their step number; levels,
  opportunities and sources are created through the plugins' services) and `loaded.db`
  (plus donor rollups rebuilt, membership statuses from the plugin's status rules, an
  administrator with an API token). Workloads that write use copies.
- **Import slice**: the import arms (ours, raw, naive, PostgreSQL, gifts) all load the same
  slice: the first 100,000 constituents and the first 200,000 gifts of those donors (the
  whole file when smaller, as at S); the rows say so. The whole-file import is measured
  once, while `people.db` is built (in parts at L).
- **Arms**: imports run in a fresh process per run (peak memory from `wait4`); servers are
  `steward serve` or `bench/bare_app.py` under the same uvicorn settings, pinned to CPU 0,
  driven by the keep-alive load generator `bench/loadgen.py` pinned to CPU 1.
"""


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit in {"errors"}:
        return f"{value:.0f}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _met(figure: dict[str, Any]) -> str:
    met = figure.get("met")
    return "—" if met is None else ("yes" if met else "**no**")


def _machine(result: dict[str, Any]) -> str:
    info = result["machine"]
    load = "/".join(str(x) for x in info["load_average"])
    return f"{info['cores']} cores, load {load}"


def table(results: list[dict[str, Any]]) -> list[str]:
    """Markdown rows of one workload's results over every scale measured."""
    lines = [
        "| scale | figure | ours | reference | ratio | target | met? | machine | date | command |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for result in results:
        for f in result["figures"]:
            unit = f["unit"]
            ref = f["reference"]
            reference = f"{_number(ref, unit)} {unit} ({f['reference_name']})" if ref else "—"
            ratio = f"{f['ratio']:.3g}x" if f.get("ratio") is not None else "—"
            noisy = " ⚠" if f.get("noisy") else ""
            note = f" — {f['note']}" if f.get("note") else ""
            lines.append(
                f"| {result['scale']} | {f['name']}{note} | {_number(f['ours'], unit)} {unit}"
                f"{noisy} | {reference} | {ratio} | {f['target'] or '—'} | {_met(f)} | "
                f"{_machine(result)} | {result['date'][:16].replace('T', ' ')} | "
                f"`{result['command']}` |"
            )
    return lines


def kept_rows(previous: str) -> dict[tuple[str, str], list[str]]:
    """The table rows of an earlier document, by (workload, scale)."""
    titles = {title: key for key, title in WORKLOADS.items()}
    kept: dict[tuple[str, str], list[str]] = {}
    workload = None
    for line in previous.splitlines():
        if line.startswith("## "):
            workload = titles.get(line[3:].strip())
        elif workload and line.startswith("| ") and not line.startswith(("| scale", "| ---")):
            scale = line.split("|")[1].strip()
            kept.setdefault((workload, scale), []).append(line)
    return kept


def _machine_lines(results: list[dict[str, Any]], previous: str) -> list[str]:
    machines = {r["machine"]["cpu"]: r["machine"] for r in results}
    lines = [f"Measured on: {cpu}, {info['cores']} cores, Python {info['python']}, "
             f"{info['system']}.\n" for cpu, info in machines.items()]  # fmt: skip
    earlier = [ln + "\n" for ln in previous.splitlines() if ln.startswith("Measured on: ")]
    return list(dict.fromkeys(lines + earlier)) or earlier


def render(results: list[dict[str, Any]], previous: str = "") -> str:
    """The whole document (rows without a result file here kept from ``previous``)."""
    out = [INTRO, *_machine_lines(results, previous)]
    out.append("![How each figure grows from S to M to L](performance-scaling.svg)\n")
    kept = kept_rows(previous)
    order = {"T": 0, "S": 1, "M": 2, "L": 3}
    for key, title in WORKLOADS.items():
        mine = [r for r in results if r["workload"] == key]
        measured = {r["scale"] for r in mine}
        carried = [(s, rows) for (w, s), rows in kept.items() if w == key and s not in measured]
        out.append(f"## {title}\n")
        if not mine and not carried:
            out.append("Not measured yet.\n")
            continue
        by_scale = sorted(
            [(r["scale"], table([r])[2:]) for r in mine] + carried, key=lambda x: order.get(x[0], 9)
        )
        out.extend(table([])[:2] + [row for _, rows in by_scale for row in rows])
        out.append("")
    if FINDINGS.exists():
        out.append(FINDINGS.read_text().rstrip() + "\n")
    return "\n".join(out)


def chart(results: list[dict[str, Any]]) -> str:
    """Small multiples: each figure's median (ours, and reference dashed) per scale."""
    scales = [s for s in ("T", "S", "M", "L") if any(r["scale"] == s for r in results)]
    series: dict[str, dict[str, tuple[float, float | None, str]]] = {}
    for result in results:
        if result["scale"] not in scales:
            continue
        for f in result["figures"]:
            key = f"{result['workload']}: {f['name']}" + (
                f" vs {f['reference_name']}" if f["reference_name"] else ""
            )
            series.setdefault(key, {})[result["scale"]] = (f["ours"], f["reference"], f["unit"])
    names = sorted(series)
    columns, width, height = 3, 300, 150
    rows = max(1, (len(names) + columns - 1) // columns)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{columns * width}" '
        f'height="{rows * height + 42}" font-family="sans-serif" font-size="10" '
        'role="img" aria-label="Benchmark figures by scale">',
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        f'<text x="8" y="18" font-size="13" fill="#111">Medians by scale '
        f'({", ".join(scales) or "none"}): ours solid blue, reference dashed grey</text>',
        '<text x="8" y="32" fill="#555">A missing point was not measured again with the other '
        "scales (its table row is older).</text>",
    ]  # fmt: skip
    for index, name in enumerate(names):
        x0 = (index % columns) * width + 40
        y0 = (index // columns) * height + 52
        parts.extend(_panel(name, series[name], scales, x0, y0, width - 60, height - 50))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _panel(
    name: str, points: dict[str, tuple[float, float | None, str]], scales: list[str],
    x0: float, y0: float, w: float, h: float,
) -> list[str]:  # fmt: skip
    values = [v for s in points.values() for v in (s[0], s[1]) if v is not None]
    top = max(values) * 1.15 if values and max(values) > 0 else 1.0
    unit = next(iter(points.values()))[2]
    step = w / max(1, len(scales) - 1) if len(scales) > 1 else 0
    xs = {s: x0 + (i * step if len(scales) > 1 else w / 2) for i, s in enumerate(scales)}

    def y(v: float) -> float:
        return y0 + h - (v / top) * h

    out = [
        f'<text x="{x0 - 32}" y="{y0 - 6}" fill="#111">{escape(name[:58])}</text>',
        f'<line x1="{x0}" y1="{y0 + h}" x2="{x0 + w}" y2="{y0 + h}" stroke="#999"/>',
        f'<text x="{x0 - 32}" y="{y0 + 8}" fill="#555">{top:.3g} {escape(unit)}</text>',
    ]
    for s, x in xs.items():
        out.append(f'<text x="{x - 3}" y="{y0 + h + 12}" fill="#555">{s}</text>')
    for which, style in ((0, 'stroke="#1f5fbf" stroke-width="2"'),
                         (1, 'stroke="#888" stroke-dasharray="4 3"')):  # fmt: skip
        pts = []
        for s in scales:
            figure = points.get(s)
            value = None if figure is None else figure[which]
            if isinstance(value, int | float):
                pts.append((xs[s], y(float(value))))
        if len(pts) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in pts)
            out.append(f'<polyline fill="none" {style} points="{path}"/>')
        colour = "#1f5fbf" if which == 0 else "#888"
        out.extend(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>' for px, py in pts)
    return out


def regenerate(
    doc: Path = DOC, svg: Path = CHART, base: Path | None = None, tiny: bool = False
) -> None:
    """Write the document and the chart from every result file (the tiny test scale T
    only when ``tiny``: its figures mean nothing). Rows of the document being replaced that
    no result file covers are kept. The chart is drawn from result files only, so it is
    redrawn only when they cover every scale the tables show (a carried row is then a missing
    point); otherwise it is left as it is."""
    found = load_results(base)
    results = [r for r in found if r["scale"] in SCALES and (tiny or r["scale"] != "T")]
    previous = doc.read_text() if doc.exists() else ""
    doc.write_text(render(results, previous))
    scales = {r["scale"] for r in results}
    if {scale for _, scale in kept_rows(previous)} <= scales:
        svg.write_text(chart(results))
