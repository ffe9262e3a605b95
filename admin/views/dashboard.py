"""The start page: what needs doing (reviews due, missing translations) and how the bot is used."""

from __future__ import annotations

from aiohttp import web
from sqlmodel import func, select

from admin.access import ALL_ROLES, allow
from admin.render import SERVICES, render
from content.models import Article, Municipality, PublicationStatus

routes = web.RouteTableDef()


@routes.get("/")
@allow(ALL_ROLES)
async def dashboard(request: web.Request) -> web.StreamResponse:
    async with request.app[SERVICES].sessions() as session:
        articles = await session.scalar(select(func.count()).select_from(Article)) or 0
        published = await session.scalar(
            select(func.count()).select_from(Article).where(Article.status == PublicationStatus.PUBLISHED)
        )
        municipalities = await session.scalar(select(func.count()).select_from(Municipality)) or 0
    return await render(
        request,
        "dashboard.html",
        {"articles": articles, "published": published or 0, "municipalities": municipalities},
    )
