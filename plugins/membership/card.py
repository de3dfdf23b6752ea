"""The membership card as PDF, printed by WeasyPrint from a Jinja template.

The template is ``membership/card/card.html``; a deployment overrides it by name (the core
loader searches the override folder first). It is rendered in the member's portal language.
"""

from __future__ import annotations

from core.i18n import current_locale
from core.plugins.registry import current_registry
from core.web.templates import build_jinja_env
from plugins.membership.common import org
from plugins.membership.levels import get_level
from plugins.membership.models import Membership


async def render_html(membership: Membership) -> str:
    """The card's HTML."""
    env = build_jinja_env(current_registry())
    level = await get_level(membership.level_id)
    return env.get_template("membership/card/card.html").render(
        membership=membership, level=level, org_name=org().org_name, lang=current_locale()
    )


async def render_pdf(membership: Membership) -> bytes:
    """The card as a PDF document."""
    from weasyprint import HTML  # imported late: slow to import, only needed here

    pdf = HTML(string=await render_html(membership)).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
