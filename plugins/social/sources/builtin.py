"""Imports the built-in kinds so that they register themselves."""

from plugins.social.sources import bluesky, mastodon, rss, webhook

BUILTIN = (rss.FeedSource, mastodon.MastodonSource, bluesky.BlueskySource, webhook.WebhookSource)
