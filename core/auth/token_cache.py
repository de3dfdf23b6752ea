"""A short-lived cache of the principals of API tokens, so most requests skip two queries.

Resolving a bearer token reads the token and its user, then the user's role permissions:
about two fifths of an API detail read. A resolved principal is kept for ``TTL_SECONDS``.

Staleness is bounded both ways:

* In this process, every change that can alter a token's principal (revoking a token,
  changing a user's roles or active flag, changing or deleting a role) calls
  :func:`invalidate_token_principals` when it writes and again after it commits; a
  lookup that overlapped such a change is not cached (the generation moved on).
* Other processes (several server workers) have their own cache and see the change within
  ``TTL_SECONDS``, the same bound as the plugin-state cache (:mod:`core.plugins.state`).

A token's own expiry is checked on every hit, so a cached token never outlives it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from core.auth.principal import Principal

TTL_SECONDS = 5.0
MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class _Entry:
    principal: Principal
    token_expires_at: datetime | None
    loaded_at: float


class TokenPrincipalCache:
    """Principals by token hash, each for at most ``TTL_SECONDS``."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self.generation = 0

    def get(self, token_hash: str) -> Principal | None:
        """The cached principal, unless stale or its token has expired since."""
        entry = self._entries.get(token_hash)
        if entry is None:
            return None
        expired = entry.token_expires_at is not None and entry.token_expires_at <= datetime.now(UTC)
        if expired or time.monotonic() - entry.loaded_at >= TTL_SECONDS:
            self._entries.pop(token_hash, None)
            return None
        return entry.principal

    def put(
        self,
        token_hash: str,
        principal: Principal,
        token_expires_at: datetime | None,
        generation: int,
    ) -> None:
        """Keep a principal read while the cache was at ``generation`` (if still current)."""
        if generation != self.generation:
            return  # a change happened while it was being read: it may be out of date
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.clear()
        self._entries[token_hash] = _Entry(principal, token_expires_at, time.monotonic())

    def invalidate(self) -> None:
        """Forget every principal; lookups in flight will not be cached."""
        self.generation += 1
        self._entries.clear()


TOKEN_PRINCIPALS = TokenPrincipalCache()


def invalidate_token_principals() -> None:
    """Call when a token, a user's roles or status, or a role's permissions change."""
    TOKEN_PRINCIPALS.invalidate()
