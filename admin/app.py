"""The admin web application: `create_app(settings, services)` builds it; views live in `admin/views/`."""

from __future__ import annotations

import asyncio
import hashlib
import warnings
from pathlib import Path

from aiohttp import web
from aiohttp_session import setup as setup_sessions
from aiohttp_session.nacl_storage import NaClCookieStorage
from sqlmodel import select

from admin import auth
from admin.access import Handler, allow
from admin.render import MACHINE, READY, SERVICES, SETTINGS, THROTTLE, Machine, render, setup_templates
from admin.security import SECURITY_HEADERS, LoginThrottle
from admin.views import ALL_VIEWS
from admin.views.transfer import MAX_UPLOAD
from content.services import ContentServices
from translations.catalogs import N_
from translations.machine.argos import ArgosProvider
from translations.machine.provider import TranslationProvider
from vagvisare.settings import Settings

# aiohttp-session keeps its storage under a string request key; aiohttp 3.13+ prefers typed keys.
warnings.filterwarnings("ignore", category=web.NotAppKeyWarning, module="aiohttp_session")
COOKIE = "vagvisare_admin"
SESSION_HOURS = 12
STATIC = Path(__file__).resolve().parent / "static"


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Add the security headers to every response; session cookies are `Secure` when served over HTTPS."""
    try:
        response = await handler(request)
    except web.HTTPException as error:
        error.headers.update(SECURITY_HEADERS)
        _secure_cookies(request, error)
        raise
    response.headers.update(SECURITY_HEADERS)
    _secure_cookies(request, response)
    return response


def _secure_cookies(request: web.Request, response: web.StreamResponse) -> None:
    settings = request.app[SETTINGS]
    if request.secure or (settings.admin_url or "").startswith("https://"):
        for morsel in response.cookies.values():
            morsel["secure"] = True


@web.middleware
async def error_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A page that does not exist, or a request too large to read, gets a page that says so in the admin's language."""
    try:
        return await handler(request)
    except web.HTTPNotFound:
        if request.path.startswith(("/static/", "/try/api", "/telegram/")):
            raise
        return await render(request, "error.html", {"message": N_("There is no such page.")}, status=404)
    except web.HTTPRequestEntityTooLarge:
        if request.path.startswith(("/try/api", "/telegram/")):
            raise
        message = N_("That was too large to receive (at most 16 MB). Nothing was saved.")
        return await render(request, "error.html", {"message": message}, status=413)


@allow(public=True, csrf=False)
async def health(request: web.Request) -> web.Response:
    """Answer load balancers and monitoring: the service is up, the database answers, the search index is built.

    503 ("starting") until the runner has started everything (the bot, and in webhook mode its webhook).
    """
    services = request.app[SERVICES]
    if not request.app[READY].is_set():
        return web.json_response({"status": "starting"}, status=503)
    async with services.sessions() as session:
        await session.scalar(select(1))
    return web.json_response({"status": "ok", "content_generation": services.search.generation})


def session_key(settings: Settings) -> bytes:
    """The 32-byte key that encrypts and signs session cookies, derived from the service's secret key."""
    return hashlib.sha256(("admin-session:" + settings.ensure_secret_key()).encode()).digest()


def create_app(
    settings: Settings,
    services: ContentServices,
    provider: TranslationProvider | None = None,
    *,
    ready_later: bool = False,
) -> web.Application:
    """Build the admin application (`provider`: machine translation; default Argos, loaded on first use).

    `ready_later`: /healthz answers 503 until the caller sets `app[READY]` (the runner, once everything is up).
    """
    app = web.Application(
        middlewares=[security_headers], client_max_size=MAX_UPLOAD + 64 * 1024
    )  # a content zip and its form
    app[SERVICES] = services
    app[SETTINGS] = settings
    app[THROTTLE] = LoginThrottle(services.sessions, session_key(settings))
    app[READY] = asyncio.Event()
    if not ready_later:
        app[READY].set()
    app[MACHINE] = Machine(make=lambda: ArgosProvider(settings.effective_argos_dir), provider=provider)
    storage = NaClCookieStorage(
        session_key(settings),
        cookie_name=COOKIE,
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        samesite="Lax",
    )
    setup_sessions(app, storage)
    app.middlewares.append(error_pages)
    app.middlewares.append(auth.authenticate)
    setup_templates(app)
    app.router.add_get("/healthz", health)
    app.router.add_static("/static/", STATIC, name="static", append_version=True)
    app.router.add_routes(auth.routes)
    for view in ALL_VIEWS:
        app.router.add_routes(view)
    return app
