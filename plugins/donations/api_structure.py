"""API for funds, campaigns and appeals (``/api/v1/donations/funds`` ...)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import delete, get, post, put
from litestar.params import JSONBody, QueryParameter

from plugins.donations import structure as s
from plugins.donations.api_support import MANAGE, READ, TAGS, Id, PreciseJSONRequest

Active = Annotated[bool, QueryParameter(description="only active records")]


@get("/funds", opt=READ, tags=TAGS)
async def list_funds(active: Active = False) -> list[s.Fund]:
    """Every fund, by name."""
    return await s.list_funds(active)


@post("/funds", opt=MANAGE, request_class=PreciseJSONRequest, tags=TAGS)
async def create_fund(data: JSONBody[s.FundIn]) -> s.Fund:
    """Create a fund (409 when the code is taken)."""
    return await s.create_fund(data)


@get("/funds/{fund_id:int}", opt=READ, tags=TAGS)
async def get_fund(fund_id: Id) -> s.Fund:
    """One fund."""
    return await s.get_fund(fund_id)


@put("/funds/{fund_id:int}", opt=MANAGE, request_class=PreciseJSONRequest, tags=TAGS)
async def update_fund(fund_id: Id, data: JSONBody[s.FundIn]) -> s.Fund:
    """Replace a fund's fields."""
    return await s.update_fund(fund_id, data)


@delete("/funds/{fund_id:int}", opt=MANAGE, tags=TAGS)
async def delete_fund(fund_id: Id) -> None:
    """Delete an unused fund (409 when gifts use it: deactivate it instead)."""
    await s.delete_fund(fund_id)


@get("/campaigns", opt=READ, tags=TAGS)
async def list_campaigns(active: Active = False) -> list[s.Campaign]:
    """Every campaign, by name."""
    return await s.list_campaigns(active)


@post("/campaigns", opt=MANAGE, request_class=PreciseJSONRequest, tags=TAGS)
async def create_campaign(data: JSONBody[s.CampaignIn]) -> s.Campaign:
    """Create a campaign."""
    return await s.create_campaign(data)


@get("/campaigns/{campaign_id:int}", opt=READ, tags=TAGS)
async def get_campaign(campaign_id: Id) -> s.Campaign:
    """One campaign."""
    return await s.get_campaign(campaign_id)


@put("/campaigns/{campaign_id:int}", opt=MANAGE, request_class=PreciseJSONRequest, tags=TAGS)
async def update_campaign(campaign_id: Id, data: JSONBody[s.CampaignIn]) -> s.Campaign:
    """Replace a campaign's fields."""
    return await s.update_campaign(campaign_id, data)


@delete("/campaigns/{campaign_id:int}", opt=MANAGE, tags=TAGS)
async def delete_campaign(campaign_id: Id) -> None:
    """Delete a campaign without gifts or appeals."""
    await s.delete_campaign(campaign_id)


@get("/appeals", opt=READ, tags=TAGS)
async def list_appeals(active: Active = False) -> list[s.Appeal]:
    """Every appeal, by name."""
    return await s.list_appeals(active)


@post("/appeals", opt=MANAGE, request_class=PreciseJSONRequest, tags=TAGS)
async def create_appeal(data: JSONBody[s.AppealIn]) -> s.Appeal:
    """Create an appeal inside a campaign."""
    return await s.create_appeal(data)


@get("/appeals/{appeal_id:int}", opt=READ, tags=TAGS)
async def get_appeal(appeal_id: Id) -> s.Appeal:
    """One appeal."""
    return await s.get_appeal(appeal_id)


@put("/appeals/{appeal_id:int}", opt=MANAGE, request_class=PreciseJSONRequest, tags=TAGS)
async def update_appeal(appeal_id: Id, data: JSONBody[s.AppealIn]) -> s.Appeal:
    """Replace an appeal's fields."""
    return await s.update_appeal(appeal_id, data)


@delete("/appeals/{appeal_id:int}", opt=MANAGE, tags=TAGS)
async def delete_appeal(appeal_id: Id) -> None:
    """Delete an appeal without gifts."""
    await s.delete_appeal(appeal_id)


ROUTES: list[Any] = [
    list_funds, create_fund, get_fund, update_fund, delete_fund,
    list_campaigns, create_campaign, get_campaign, update_campaign, delete_campaign,
    list_appeals, create_appeal, get_appeal, update_appeal, delete_appeal,
]  # fmt: skip
