"""The admin's pages, one module per area; each exposes `routes` (an aiohttp `RouteTableDef`)."""

from __future__ import annotations

from aiohttp import web

from admin.views import (
    accounts,
    articles,
    audit,
    broadcasts,
    dashboard,
    events,
    history,
    inbox,
    links,
    occupations,
    open_data,
    places,
    transfer,
    try_bot,
)

ALL_VIEWS: list[web.RouteTableDef] = [
    dashboard.routes,
    articles.routes,
    places.routes,
    occupations.routes,
    open_data.routes,
    events.routes,
    links.routes,
    try_bot.routes,
    accounts.routes,
    audit.routes,
    transfer.routes,
    history.routes,
    broadcasts.routes,
    inbox.routes,
]
