"""Rendering pages: the Jinja environment, what every template gets, and the request's language."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp_session import get_session

from admin.i18n import DEFAULT, LANGUAGES, admin_translator
from admin.security import LoginThrottle, csrf_token
from content.models import EditorAccount, Role
from content.services import ContentServices
from translations.catalogs import Translator
from translations.languages import LANGUAGES as CONTENT_LANGUAGES
from translations.machine.provider import TranslationProvider
from vagvisare.settings import Settings

SERVICES = web.AppKey("services", ContentServices)
SETTINGS = web.AppKey("settings", Settings)
THROTTLE = web.AppKey("throttle", LoginThrottle)
# Set once the whole service is up (the bot started and, in webhook mode, its webhook registered); until then
# /healthz answers 503, so a load balancer or a test sends no update to a bot that cannot take it yet.
READY = web.AppKey("ready", asyncio.Event)


@dataclass
class Machine:
    """Machine translation for the admin's "translate" buttons: the provider `create_app` was given, or else Argos
    from the settings' packages folder, made on first use (the server loads Argos only when someone asks)."""

    make: Callable[[], TranslationProvider]
    provider: TranslationProvider | None = None

    def get(self) -> TranslationProvider:
        if self.provider is None:
            self.provider = self.make()
        return self.provider


MACHINE = web.AppKey("machine", Machine)
ACCOUNT: web.RequestKey[EditorAccount | None] = web.RequestKey("account")
LANG: web.RequestKey[str] = web.RequestKey("lang")
TEMPLATES = Path(__file__).resolve().parent / "templates"


def setup_templates(app: web.Application) -> None:
    """Jinja with autoescaping everywhere (HTML and anything else) and undefined names as errors."""
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def translator(request: web.Request) -> Translator:
    """The admin's translator for this request (its language is kept in the session)."""
    return admin_translator(request.get(LANG, DEFAULT))


def account_of(request: web.Request) -> EditorAccount:
    """The logged-in account (routes that call this are never public)."""
    account = request.get(ACCOUNT)
    assert isinstance(account, EditorAccount)
    return account


def actor_of(request: web.Request) -> str:
    """How changes by this request's account appear in revisions and the audit log."""
    return account_of(request).email


async def flash(request: web.Request, message: str, kind: str = "ok", **values: object) -> None:
    """Show `message` (an English message id with `{name}` placeholders) on the next page this browser sees."""
    session = await get_session(request)
    session["flashes"] = [*session.get("flashes", []), [kind, message, {k: str(v) for k, v in values.items()}]]


def redirect(location: str) -> web.HTTPSeeOther:
    """The answer to a successful form: go to `location` (303, so reloading does not post again)."""
    return web.HTTPSeeOther(location)


async def render(
    request: web.Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> web.Response:
    """Render `template` with the request's language, account, CSRF token and navigation."""
    session = await get_session(request)
    chosen = session.get("lang")
    lang = chosen if isinstance(chosen, str) and chosen in LANGUAGES else DEFAULT
    request[LANG] = lang
    t = admin_translator(lang)
    account: EditorAccount | None = request.get(ACCOUNT)
    flashes = [(kind, t.gettext(message, **values)) for kind, message, values in session.pop("flashes", [])]
    values: dict[str, Any] = {
        "flashes": flashes,
        "_": t.gettext,
        "ngettext": t.ngettext,
        "lang": lang,
        "ui_languages": LANGUAGES,
        "account": account,
        "role": account.role if account else None,
        "Role": Role,
        "csrf_token": csrf_token(session),
        "path": request.path,
        "path_qs": request.path_qs,
        "content_languages": CONTENT_LANGUAGES,
        **(context or {}),
    }
    response = aiohttp_jinja2.render_template(template, request, values, status=status)
    response.headers["Cache-Control"] = "no-store"
    return response
