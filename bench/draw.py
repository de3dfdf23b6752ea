"""Random draws for the generator: the same numbers as ``random.Random``, fewer layers.

``Draw.below(n)``, ``Draw.pick(seq)`` and ``Draw.between(a, b)`` return exactly what
``randrange(n)``, ``choice(seq)`` and ``randrange(a, b)`` return for the same state (they
use CPython's ``_randbelow_with_getrandbits`` rule), so the generated files keep their
bytes while the generator skips argument checks it does not need.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


class Draw(random.Random):
    """A seeded ``random.Random`` with fast integer and choice draws."""

    def below(self, n: int) -> int:
        """An int in [0, n) (n > 0): ``randrange(n)``."""
        bits = n.bit_length()
        value = self.getrandbits(bits)
        while value >= n:
            value = self.getrandbits(bits)
        return value

    def between(self, start: int, stop: int) -> int:
        """An int in [start, stop) (stop > start): ``randrange(start, stop)``."""
        return start + self.below(stop - start)

    def pick(self, items: Sequence[T]) -> T:
        """One element of a non-empty sequence: ``choice(items)``."""
        return items[self.below(len(items))]
