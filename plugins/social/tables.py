"""Tables of the ``social`` plugin (named ``social_*``).

Instants are UTC (``Timestamptz``). JSON settings and state are ``Text`` holding JSON that
the services validate (a source's settings through its source class's pydantic model), so the
schema is the same on SQLite and PostgreSQL. A mention is unique per ``(source_id,
external_id)`` and per ``url`` when it has one (indexes in the second migration), which is how a
re-poll or a repeated webhook stores nothing twice.
"""

from __future__ import annotations

from piccolo.columns import (
    Boolean,
    Float,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from core.constituents.tables import Constituent


class Source(Table, tablename="social_source"):
    """Where mentions come from: a feed, a Mastodon query, a Bluesky search, a webhook."""

    id = Serial(primary_key=True)
    kind = Varchar(length=40)
    name = Varchar(length=200)
    settings = Text(default="{}")
    enabled = Boolean(default=True)
    poll_interval_seconds = Integer(default=900)
    require_match = Boolean(default=False)  # keep only posts some listening query matches
    cursor = Text(default="")  # source-specific resume point (max id, AT cursor...)
    etag = Varchar(length=500, default="")
    last_modified = Varchar(length=100, default="")
    last_polled_at = Timestamptz(null=True, default=None)
    last_success_at = Timestamptz(null=True, default=None)
    last_error = Text(default="")
    last_error_at = Timestamptz(null=True, default=None)
    consecutive_failures = Integer(default=0)
    next_poll_at = Timestamptz(null=True, default=None, index=True)
    mentions_total = Integer(default=0)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class ListeningQuery(Table, tablename="social_query"):
    """What the organisation listens for: terms, phrases, hashtags, accounts, languages."""

    id = Serial(primary_key=True)
    name = Varchar(length=200)
    include_terms = Text(default="")  # one per line: all-of groups are not needed; any-of
    exclude_terms = Text(default="")
    phrases = Text(default="")
    hashtags = Text(default="")
    accounts = Text(default="")
    languages = Varchar(length=200, default="")  # comma separated ISO 639-1, empty: any
    active = Boolean(default=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Mention(Table, tablename="social_mention"):
    """One post that mentions the organisation, stored once."""

    id = Serial(primary_key=True)
    source_id = ForeignKey(Source, on_delete=OnDelete.cascade, index=True)
    external_id = Varchar(length=500)
    url = Varchar(length=2000, null=True, default=None)
    author_name = Varchar(length=300, default="")
    author_handle = Varchar(length=300, default="", index=True)
    author_id = Varchar(length=500, default="", index=True)  # actor URI, DID, feed author
    platform = Varchar(length=40, default="")
    text = Text(default="")
    posted_at = Timestamptz(index=True)
    fetched_at = Timestamptz()
    language = Varchar(length=10, default="")
    sentiment_score = Float(default=0.0)
    sentiment_label = Varchar(length=10, default="neutral", index=True)
    corrected_label = Varchar(length=10, null=True, default=None)
    corrected_by = Integer(null=True, default=None)
    corrected_at = Timestamptz(null=True, default=None)
    constituent_id = ForeignKey(
        Constituent, on_delete=OnDelete.set_null, null=True, default=None, index=True
    )
    link_status = Varchar(length=12, default="none", index=True)
    # none | auto | probable | confirmed | rejected
    link_score = Float(default=0.0)
    interaction_id = Integer(null=True, default=None)


class MentionMatch(Table, tablename="social_mention_match"):
    """A mention matched by a listening query."""

    id = Serial(primary_key=True)
    mention_id = ForeignKey(Mention, on_delete=OnDelete.cascade, index=True)
    query_id = ForeignKey(ListeningQuery, on_delete=OnDelete.cascade, index=True)


class Handle(Table, tablename="social_handle"):
    """A constituent's account on a platform (``mastodon``, ``bluesky``, ``rss``...)."""

    id = Serial(primary_key=True)
    constituent_id = ForeignKey(Constituent, on_delete=OnDelete.cascade, index=True)
    platform = Varchar(length=40)
    handle = Varchar(length=300)
    stable_id = Varchar(length=500, default="")
    created_at = Timestamptz()


class SpikeAlert(Table, tablename="social_spike_alert"):
    """A jump in volume or in negative share over the baseline, raised once per window."""

    id = Serial(primary_key=True)
    kind = Varchar(length=20)  # volume | negative
    window_start = Timestamptz()
    window_end = Timestamptz()
    observed = Float()
    baseline = Float()
    mentions = Integer()
    raised_at = Timestamptz()
    emailed_at = Timestamptz(null=True, default=None)
    acknowledged_at = Timestamptz(null=True, default=None)


ALL_TABLES: list[type[Table]] = [
    Source,
    ListeningQuery,
    Mention,
    MentionMatch,
    Handle,
    SpikeAlert,
]
