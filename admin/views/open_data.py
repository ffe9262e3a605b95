"""Open data: when each official source was last fetched, what it holds, how many rows changed, and any error."""

from __future__ import annotations

from aiohttp import web

from admin.access import EDITING, allow
from admin.render import SERVICES, render
from content.models import OpenDataSource
from translations.catalogs import N_

routes = web.RouteTableDef()
NAMES = {
    OpenDataSource.JOBADS: N_("Open job ads (JobTech JobSearch)"),
    OpenDataSource.OUTLOOK: N_("Job prospects (Arbetsförmedlingen's Yrkesbarometer)"),
    OpenDataSource.KOLADA: N_("Municipal key figures (Kolada)"),
}
HOLDS = {
    OpenDataSource.JOBADS: N_("Open ads per occupation and municipality, and links to the newest ads."),
    OpenDataSource.OUTLOOK: N_("Chances of work now and demand in five years, per occupation and county."),
    OpenDataSource.KOLADA: N_("Inhabitants, share born abroad and share openly unemployed, per municipality."),
}


@routes.get("/open-data")
@allow(EDITING)
async def open_data(request: web.Request) -> web.StreamResponse:
    """Each source's last fetch, last success, rows and error; the bot shows what the last success stored."""
    from content.repository.opendata import statuses

    async with request.app[SERVICES].sessions() as session:
        found = await statuses(session)
    sources = [
        {"name": source.value, "title": NAMES[source], "holds": HOLDS[source], "status": status}
        for source, status in found.items()
    ]
    return await render(request, "open_data/open_data.html", {"sources": sources})
