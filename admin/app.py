"""The admin web application: for now a status page and a health check for operators."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape

from aiohttp import web
from sqlmodel import func, select

from content.models import Article, Municipality, PublicationStatus
from content.services import ContentServices
from vagvisare.settings import Settings

SERVICES = web.AppKey("services", ContentServices)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Add the security headers to every response."""
    response = await handler(request)
    response.headers.update(SECURITY_HEADERS)
    return response


async def status_page(request: web.Request) -> web.Response:
    """Show that the service runs and what content it serves."""
    services = request.app[SERVICES]
    async with services.sessions() as session:
        articles = await session.scalar(select(func.count()).select_from(Article)) or 0
        published = (
            await session.scalar(
                select(func.count()).select_from(Article).where(Article.status == PublicationStatus.PUBLISHED)
            )
            or 0
        )
        municipalities = await session.scalar(select(func.count()).select_from(Municipality)) or 0
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Vägvisare</title>
<style>body{{font:1.1rem/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#111}}
code{{background:#eee;padding:0 .2em}}</style></head>
<body><h1>Vägvisare is running</h1>
<p>Content: {int(articles)} articles ({int(published)} published) about {int(municipalities)} municipalities.</p>
<p>Content is edited as files in <code>content/data/</code> and loaded with
<code>vagvisare content load</code>; try the search with
<code>vagvisare ask --lang en {escape('"How do I learn Swedish?"')}</code>.</p>
<p>The editing tool for content editors is not part of this version yet.</p>
</body></html>"""
    return web.Response(text=body, content_type="text/html")


async def health(request: web.Request) -> web.Response:
    """Answer load balancers and monitoring: the database answers and the search index is built."""
    services = request.app[SERVICES]
    async with services.sessions() as session:
        await session.scalar(select(1))
    return web.json_response({"status": "ok", "content_generation": services.search.generation})


def create_app(settings: Settings, services: ContentServices) -> web.Application:
    """Build the admin application."""
    app = web.Application(middlewares=[security_headers])
    app[SERVICES] = services
    app.router.add_get("/", status_page)
    app.router.add_get("/healthz", health)
    return app
