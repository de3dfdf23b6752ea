"""Sources of mentions: an interface, a registry and the built-in kinds.

Other plugins add a kind by subclassing :class:`~plugins.social.sources.base.SourceKind` and
calling :func:`~plugins.social.sources.base.register_source_kind` from their
``steward_configure`` hook (or at import of their hooks module).
"""

from plugins.social.sources.base import (
    MentionIn,
    PollContext,
    PollResult,
    SourceError,
    SourceKind,
    register_source_kind,
    source_kind,
    source_kinds,
)

__all__ = [
    "MentionIn",
    "PollContext",
    "PollResult",
    "SourceError",
    "SourceKind",
    "register_source_kind",
    "source_kind",
    "source_kinds",
]
