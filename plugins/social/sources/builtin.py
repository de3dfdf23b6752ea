"""The built-in kinds of source (RSS/Atom, Mastodon, Bluesky, inbound webhook)."""

from plugins.social.sources import bluesky, mastodon, rss, webhook
from plugins.social.sources.base import SourceKind, register_source_kind

BUILTIN: tuple[type[SourceKind], ...] = (
    rss.FeedSource,
    mastodon.MastodonSource,
    bluesky.BlueskySource,
    webhook.WebhookSource,
)


def register_builtin_kinds() -> None:
    """Register the built-in kinds (idempotent; their modules also register on import)."""
    for kind in BUILTIN:
        register_source_kind(kind)
