"""Result files: one JSON per scale and workload under ``bench/results/<scale>/``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.measure import Figure, machine
from bench.scales import Scale, results_base


def command_for(scale: Scale, workload: str) -> str:
    """How to reproduce a result."""
    return f"make bench SCALE={scale.name} WORKLOAD={workload}"


def write_result(
    scale: Scale, workload: str, figures: list[Figure], started: dict[str, Any]
) -> Path:
    """Write one workload's figures with the machine, date, load and command."""
    scale.results_dir.mkdir(parents=True, exist_ok=True)
    path = scale.results_dir / f"{workload}.json"
    data = {
        "workload": workload,
        "scale": scale.name,
        "constituents": scale.constituents,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": started,
        "load_after": machine()["load_average"],
        "command": command_for(scale, workload),
        "figures": [f.as_json() for f in figures],
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return path


def load_results(base: Path | None = None) -> list[dict[str, Any]]:
    """Every result file found, ordered by scale (S, M, L) then workload."""
    base = base or results_base()
    order = {"T": 0, "S": 1, "M": 2, "L": 3}
    found = [json.loads(p.read_text()) for p in sorted(base.glob("*/*.json"))]
    return sorted(found, key=lambda r: (order.get(r["scale"], 9), r["workload"]))
