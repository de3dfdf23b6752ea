"""Demo data: sources, a listening query, handles for a few demo people, a month of mentions.

The polled demo sources are created switched off so that a demo never reaches the network;
the mentions arrive through the demo webhook source, as an external system would send them.
"""

from __future__ import annotations

import random
from datetime import timedelta

from core import db
from core.clock import utc_now
from core.settings import Settings
from plugins.social import ingest, linking, queries, source_store
from plugins.social.sources.base import MentionIn

POSTS = [
    ("en", "Volunteered at the food bank today, such a wonderful team!"),
    ("en", "Huge thanks to everyone who came to the charity run. Amazing day."),
    ("en", "Waited an hour at the drop-in centre, really disappointing."),
    ("en", "The annual report is out, worth a read."),
    ("en", "Proud to support this organisation, they do incredible work."),
    ("en", "Phone line busy all morning again. Frustrating."),
    ("en", "New opening hours for the community kitchen from Monday."),
    ("es", "Gracias al banco de alimentos por la ayuda, sois geniales."),
    ("es", "Qué alegría ver a tantos voluntarios en la recogida de hoy."),
    ("es", "Nadie contesta los correos, muy mal servicio."),
    ("es", "La asamblea general será el jueves a las siete."),
    ("es", "Excelente concierto solidario anoche, enhorabuena al equipo."),
]
AUTHORS = [
    ("mastodon", "Alice Walker", "@alice@mastodon.example"),
    ("mastodon", "Bob Stone", "@bob@social.example"),
    ("bluesky", "Carmen Díaz", "@carmen.bsky.social"),
    ("bluesky", "Dana Scully", "@dana.bsky.social"),
    ("mastodon", "Eve Martin", "@eve@mastodon.example"),
    ("bluesky", "Frank Ocean", "@frank.example.com"),
]


async def build_demo(settings: Settings, seed: int) -> int:
    """Create deterministic demo listening data; returns the number of mentions stored."""
    if await db.fetch_value("SELECT id FROM social_source WHERE name = 'Demo inbound webhook'"):
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    await source_store.create_source(
        source_store.SourceIn(
            kind="mastodon",
            name="Mastodon #RiversideFoodBank",
            settings={"instance_url": "https://mastodon.social", "value": "#RiversideFoodBank"},
            enabled=False,
        )
    )
    await source_store.create_source(
        source_store.SourceIn(
            kind="bluesky",
            name="Bluesky search",
            settings={"value": "Riverside Food Bank"},
            enabled=False,
        )
    )
    webhook = await source_store.create_source(
        source_store.SourceIn(
            kind="webhook",
            name="Demo inbound webhook",
            settings={"secret": f"demo-secret-{seed:08d}-change-me"},
        )
    )
    await queries.save_query(
        queries.QueryIn(
            name="Our name",
            include_terms="food bank, banco de alimentos, voluntarios, volunteered",
            phrases="charity run",
            hashtags="RiversideFoodBank",
        )
    )
    people = await db.fetch_all(
        "SELECT id FROM core_constituent WHERE deleted_at IS NULL AND kind = 'individual' "
        "ORDER BY id LIMIT 3"
    )
    for person, (platform, _name, handle) in zip(people, AUTHORS, strict=False):
        await linking.add_handle(
            int(person["id"]), linking.HandleIn(platform=platform, handle=handle)
        )
    now = utc_now().replace(second=0, microsecond=0)
    mentions = []
    for n in range(90):
        language, text = POSTS[rng.randrange(len(POSTS))]
        platform, name, handle = AUTHORS[rng.randrange(len(AUTHORS))]
        mentions.append(
            MentionIn(
                external_id=f"demo-{seed}-{n}",
                url=f"https://social.example/demo/{seed}/{n}",
                author_name=name,
                author_handle=handle,
                author_id=f"demo:{handle}",
                platform=platform,
                text=text,
                posted_at=now - timedelta(minutes=rng.randrange(30 * 24 * 60)),
                language=language,
            )
        )
    result = await ingest.store_mentions(webhook.id, mentions)
    return result.new
