"""Deep links and QR codes: a `t.me` link and a QR code for every municipality, topic, event and language."""

from __future__ import annotations

import io

from aiohttp import web

from admin.access import ALL_ROLES, allow
from admin.labels import KIND_NAMES
from admin.render import SERVICES, SETTINGS, render
from bot.posters import poster_text
from bot.routes import deep_link_route
from content.repository.deeplinks import link_targets
from translations.catalogs import N_
from translations.languages import CODES, LANGUAGES, SOURCE_LANGUAGE, fallback_chain

routes = web.RouteTableDef()
PLACEHOLDER = "<bot>"
HEADINGS = {
    "m": N_("Municipalities"),
    "t": N_("Topics"),
    "e": N_("Upcoming events"),
    "l": N_("Languages"),
}
QR_TYPES = {"png": "image/png", "svg": "image/svg+xml"}


def link_for(bot_username: str | None, payload: str) -> str:
    """Return the link that opens the bot at `payload` (with a placeholder while no bot name is set)."""
    return f"https://t.me/{bot_username or PLACEHOLDER}?start={payload}"


def _payload(request: web.Request) -> str:
    """The `payload` query parameter, if it is one the bot opens; anything else is a 400."""
    payload = request.query.get("payload", "")
    if deep_link_route(payload) is None:
        raise web.HTTPBadRequest(text="Not a deep link payload.")
    return payload


@routes.get("/links")
@allow(ALL_ROLES)
async def links(request: web.Request) -> web.StreamResponse:
    """List every deep link with its QR code."""
    async with request.app[SERVICES].sessions() as session:
        groups = await link_targets(session=session)
    bot = request.app[SETTINGS].bot_username
    return await render(
        request,
        "links/links.html",
        {
            "groups": groups,
            "headings": HEADINGS,
            "kind_names": KIND_NAMES,
            "bot": bot,
            "link_for": lambda payload: link_for(bot, payload),
        },
    )


@routes.get("/links/poster")
@allow(ALL_ROLES)
async def poster(request: web.Request) -> web.StreamResponse:
    """A printable page with one large QR code, its link and what it opens, in its readers' language (`lang`)."""
    payload = _payload(request)
    lang = _poster_language(request.query.get("lang", ""), payload)
    async with request.app[SERVICES].sessions() as session:
        groups = await link_targets(session=session, chain=fallback_chain(lang))
    label = next((t.label for g in groups for t in g.targets if t.payload == payload), payload)
    bot = request.app[SETTINGS].bot_username
    context = {
        "payload": payload,
        "label": label,
        "bot": bot,
        "link": link_for(bot, payload),
        "text": poster_text(lang),
        "languages": LANGUAGES,
    }
    return await render(request, "links/poster.html", context)


def _poster_language(asked: str, payload: str) -> str:
    """The language asked for; else a language link's own language; else Swedish."""
    if asked in CODES:
        return asked
    opened = payload.removeprefix("l_")
    return opened if payload.startswith("l_") and opened in CODES else SOURCE_LANGUAGE


@routes.get("/links/qr.png")
@allow(ALL_ROLES)
async def qr_png(request: web.Request) -> web.StreamResponse:
    """The QR code of a deep link as PNG (for print shops and chat apps); `download=1` saves it."""
    return _qr_code(request, "png")


@routes.get("/links/qr.svg")
@allow(ALL_ROLES)
async def qr_svg(request: web.Request) -> web.StreamResponse:
    """The QR code of a deep link as SVG (sharp at any size, for documents); `download=1` saves it."""
    return _qr_code(request, "svg")


def _qr_code(request: web.Request, kind: str) -> web.Response:
    payload = _payload(request)
    bot = request.app[SETTINGS].bot_username
    if bot is None:
        raise web.HTTPConflict(text="Set VAGVISARE_BOT_USERNAME first: a QR code without the bot's name opens nothing.")
    import segno  # only for a poster or a code: 0.7 MB the service would carry from start otherwise

    code = segno.make(link_for(bot, payload), error="m")
    buffer = io.BytesIO()
    if kind == "png":
        code.save(buffer, kind="png", scale=10, border=4)
    else:
        code.save(buffer, kind="svg", scale=10, border=4, xmldecl=True, svgclass=None, lineclass=None)
    headers = {"Cache-Control": "private, max-age=300"}
    if request.query.get("download"):
        headers["Content-Disposition"] = f'attachment; filename="vagvisare-{payload}.{kind}"'
    return web.Response(body=buffer.getvalue(), content_type=QR_TYPES[kind], headers=headers)
