"""HTTP handlers of the example plugin (API, admin page, portal page)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, JSONBody
from pydantic import BaseModel, ConfigDict, Field

from core.web.templates import build_jinja_env
from stewardship_example import service


class AwardIn(BaseModel):
    """Body of ``POST /api/v1/example/badges``."""

    model_config = ConfigDict(extra="forbid")
    constituent_id: int = Field(ge=1, le=2_147_483_647)
    label: str = Field(min_length=1, max_length=50)


class BadgeOut(BaseModel):
    """A badge."""

    id: int
    constituent_id: int
    label: str


@get("/badges", opt={"permission": "constituents.read"})
async def list_badges() -> list[BadgeOut]:
    """Every badge."""
    return [BadgeOut.model_validate(row) for row in await service.badges()]


@post("/badges", opt={"permission": "example.badges.write"})
async def award_badge(data: JSONBody[AwardIn]) -> BadgeOut:
    """Award a badge to a constituent."""
    badge_id = await service.award_badge(data.constituent_id, data.label)
    return BadgeOut(id=badge_id, constituent_id=data.constituent_id, label=data.label)


@get("/", opt={"permission": "constituents.read"})
async def admin_badges_page(request: Request[Any, Any, Any]) -> Response[str]:
    """Staff page listing every badge."""
    env = build_jinja_env(request.app.state["registry"])
    html = env.get_template("example/admin_badges.html").render(badges=await service.badges())
    return Response(html, media_type="text/html")


@get("/{constituent_id:int}")
async def portal_my_badges(constituent_id: FromPath[int]) -> list[BadgeOut]:
    """Badges of the signed-in constituent (the portal guard admits only signed-in people)."""
    return [BadgeOut.model_validate(row) for row in await service.badges(constituent_id)]
