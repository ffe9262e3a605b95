"""Try the bot: talk to the same conversation as Telegram users, through the web channel at /try/api."""

from __future__ import annotations

from aiohttp import web

from admin.access import ALL_ROLES, allow
from admin.render import render
from bot.channels.web import API_PATH
from translations.languages import LANGUAGES

routes = web.RouteTableDef()


@routes.get("/try")
@allow(ALL_ROLES)
async def try_bot(request: web.Request) -> web.StreamResponse:
    """The chat page; admin/static/try.js sends what is typed or pressed to the web channel."""
    return await render(request, "try/try.html", {"api": API_PATH, "bot_languages": LANGUAGES})
