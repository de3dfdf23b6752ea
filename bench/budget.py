"""Time budgets for the long build stages, so that each command stays short.

At L the ``generate``, ``people`` and ``bulk`` stages take longer than one shell command
may run. Run as their own workload (``make bench SCALE=L WORKLOAD=people``) they work in
parts, keep their progress on disk after each part, and stop once the next part would not
fit in :data:`DEFAULT_SECONDS` (``STEWARD_BENCH_BUDGET`` overrides it); the same command
then goes on where the last one stopped. Built as a dependency of a workload they run to
the end (no budget).

A :class:`Progress` file records the parts done, so a command killed in the middle of a
part only repeats that part.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_SECONDS = 360.0  # leaves room in a 10-minute command for the longest part at L
AGAIN = "not finished: run the same command again to go on"


@dataclass
class Budget:
    """How long a command may keep starting parts; ``None`` seconds means no limit."""

    seconds: float | None
    begun: float = field(default_factory=time.perf_counter)
    longest: float = 0.0
    parts: int = 0

    @classmethod
    def from_environment(cls) -> Budget:
        """The budget of a stage run as its own command."""
        return cls(float(os.environ.get("STEWARD_BENCH_BUDGET", DEFAULT_SECONDS)))

    @classmethod
    def unlimited(cls) -> Budget:
        """No limit: a stage built because a workload needs it."""
        return cls(None)

    @property
    def spent(self) -> float:
        """Seconds since the command began."""
        return time.perf_counter() - self.begun

    def allows_another(self) -> bool:
        """Whether another part may start: always the first of a command, then only if a
        part as long as the longest one so far still fits."""
        if self.seconds is None or self.parts == 0:
            return True
        return self.spent + self.longest <= self.seconds

    def expired(self) -> bool:
        """Whether the budget is used up (for stages that check between small steps)."""
        return self.seconds is not None and self.spent >= self.seconds

    def part_took(self, seconds: float) -> None:
        """Record one finished part's time (the estimate for the next one)."""
        self.longest = max(self.longest, seconds)
        self.parts += 1


class Progress:
    """A stage's progress, kept as JSON beside its data (written atomically)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}

    @property
    def started(self) -> bool:
        """Whether an earlier command began this stage."""
        return self.path.exists()

    def get(self, key: str, default: Any = None) -> Any:
        """One recorded value."""
        return self.data.get(key, default)

    def save(self, **values: Any) -> None:
        """Record values (replacing the file in one rename)."""
        self.data.update(values)
        temporary = self.path.with_suffix(".writing")
        temporary.write_text(json.dumps(self.data, indent=2) + "\n")
        temporary.replace(self.path)

    def remove(self) -> None:
        """Forget the progress (the stage is finished)."""
        self.path.unlink(missing_ok=True)
