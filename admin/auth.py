"""Logging in and out, and the middleware that checks every request's account, role and CSRF token."""

from __future__ import annotations

import hashlib
import logging
from typing import Any
from urllib.parse import quote, urlsplit

from aiohttp import web
from aiohttp_session import get_session, new_session

from admin.access import ALL_ROLES, Handler, access_of, allow
from admin.passwords import hash_password, needs_rehash, random_password, verify_password
from admin.render import ACCOUNT, LANG, SERVICES, SETTINGS, THROTTLE, render, translator
from admin.security import SAFE_METHODS, csrf_ok
from content.models import EditorAccount, Role
from content.repository.accounts import count_accounts, create_account, find_account, get_account, update_account
from translations.catalogs import N_

log = logging.getLogger(__name__)
routes = web.RouteTableDef()
FIRST_ADMIN = "admin@localhost"


def stamp(account: EditorAccount) -> str:
    """A fingerprint of the password: changing the password ends every other session of the account."""
    return hashlib.sha256(account.password_hash.encode()).hexdigest()[:16]


@web.middleware
async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Load the logged-in account, then refuse what its role (or the lack of one) may not do."""
    if request.match_info.http_exception is not None:
        return await handler(request)  # no such route: the 404 page (nothing to protect, nothing to refuse)
    access = access_of(request)
    session = await get_session(request)
    request[LANG] = session.get("lang", "sv")
    account = None
    account_id = session.get("account")
    if isinstance(account_id, int):
        async with request.app[SERVICES].sessions() as db:
            account = await get_account(session=db, account_id=account_id)
        if account is None or not account.active or session.get("stamp") != stamp(account):
            session.invalidate()
            account = None
    request[ACCOUNT] = account
    if access.csrf and request.method not in SAFE_METHODS and not await csrf_ok(request, session):
        return await refuse(request, 403, "The form had expired. Go back, reload the page and try again.")
    if access.public:
        return await handler(request)
    if account is None:
        if request.method in SAFE_METHODS and request.headers.get("Accept", "").find("json") < 0:
            raise web.HTTPFound(f"/login?next={quote(request.path_qs)}")
        return await refuse(request, 401, "Log in first.")
    if account.role not in access.roles:
        return await refuse(request, 403, "Your role does not allow this page. Ask an administrator.")
    return await handler(request)


async def refuse(request: web.Request, status: int, message: str) -> web.StreamResponse:
    if "json" in request.headers.get("Accept", "") or request.content_type == "application/json":
        return web.json_response({"error": translator(request).gettext(message)}, status=status)
    response = await render(request, "error.html", {"message": message}, status=status)
    return response


def _safe_next(target: str | None) -> str:
    """Only a path on this site is followed after login: no scheme, no host, no `//`, and no backslash (browsers
    read `/\\evil.example` as `//evil.example`) or control characters."""
    if not target:
        return "/"
    parts = urlsplit(target)
    unsafe = "\\" in target or any(ord(c) < 32 for c in target)
    if unsafe or parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@routes.get("/login")
@allow(public=True)
async def login_form(request: web.Request) -> web.StreamResponse:
    if request.get(ACCOUNT) is not None:
        raise web.HTTPFound(_safe_next(request.query.get("next")))
    return await render(request, "login.html", {"next": _safe_next(request.query.get("next")), "email": ""})


@routes.post("/login")
@allow(public=True)
async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    email = str(form.get("email", "")).strip().lower()[:254]
    password = str(form.get("password", ""))[:1024]
    target = _safe_next(str(form.get("next", "")))
    throttle = request.app[THROTTLE]
    # Behind a reverse proxy (VAGVISARE_ADMIN_URL set) every request comes from the proxy: throttling by client
    # would let one person lock all staff out, so there only the address is throttled.
    client = f"client:{request.remote}" if request.app[SETTINGS].admin_url is None else email
    context: dict[str, Any] = {"next": target, "email": email}
    if await throttle.blocked(email, client):
        context["error"] = N_("Too many failed attempts. Wait 15 minutes and try again.")
        return await render(request, "login.html", context, status=429)
    async with request.app[SERVICES].sessions() as db, db.begin():
        account = await find_account(session=db, email=email) if email else None
        valid = verify_password(account.password_hash if account else None, password)
        if not valid or account is None or not account.active:
            await throttle.failed(email, client)
            log.info("A login failed.")
            context["error"] = N_("Wrong e-mail address or password.")
            return await render(request, "login.html", context, status=401)
        if needs_rehash(account.password_hash):
            await update_account(session=db, account=account, actor="system", password_hash=hash_password(password))
    await throttle.succeeded(email)
    lang = (await get_session(request)).get("lang") or "sv"
    session = await new_session(request)  # a fresh session (and CSRF token) on every login
    session["account"] = account.id
    session["stamp"] = stamp(account)
    session["lang"] = lang
    log.info("An editor logged in.")
    raise web.HTTPFound(target)


@routes.post("/logout")
@allow(ALL_ROLES)
async def logout(request: web.Request) -> web.StreamResponse:
    session = await get_session(request)
    lang = session.get("lang")
    session.invalidate()
    if lang:  # the interface language is not a secret: the login page stays in it
        (await new_session(request))["lang"] = lang
    raise web.HTTPFound("/login")


@routes.post("/language")
@allow(public=True)
async def choose_language(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    session = await get_session(request)
    session["lang"] = "en" if form.get("lang") == "en" else "sv"
    raise web.HTTPFound(_safe_next(str(form.get("next", "/"))))


async def ensure_administrator(request_sessions: Any) -> str | None:
    """On first start (no accounts at all), create the administrator; return its password to show once."""
    async with request_sessions() as db, db.begin():
        if await count_accounts(session=db) > 0:
            return None
        password = random_password()
        await create_account(
            session=db,
            email=FIRST_ADMIN,
            password_hash=hash_password(password),
            role=Role.ADMINISTRATOR,
            actor="system",
        )
    return password
