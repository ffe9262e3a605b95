"""Logging in and out: argon2 hashes, fresh sessions, CSRF on every change, throttling, headers."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import aiohttp
import nacl.secret
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from yarl import URL

from admin.app import COOKIE, SESSION_HOURS, session_key
from admin.auth import ensure_administrator
from admin.passwords import verify_password
from admin.security import LoginThrottle
from content.models import LoginFailure, Role
from content.repository.accounts import find_account, list_accounts
from content.services import ContentServices
from tests.admin.conftest import PASSWORD, Client, Login, serve_admin
from vagvisare.settings import Settings


async def test_an_anonymous_visitor_is_sent_to_the_login_page(client: Callable[[], Client]) -> None:
    visitor = client()
    response = await visitor.response("GET", "/articles?kind=faq", allow_redirects=False)
    assert response.status == 302
    location = URL(response.headers["Location"])
    assert (location.path, location.query["next"]) == ("/login", "/articles?kind=faq")


async def test_login_with_the_right_password_shows_the_overview_and_logout_ends_the_session(
    login_as: Login,
) -> None:
    editor = await login_as(Role.EDITOR)
    status, page = await editor.get("/")
    assert status == 200
    assert "editor-0@example.org" in page
    status, page = await editor.post("/logout")
    assert "/login" in page or status == 200
    response = await editor.response("GET", "/", allow_redirects=False)
    assert response.status == 302


async def test_a_wrong_password_or_unknown_address_gets_the_same_polite_answer(
    client: Callable[[], Client], login_as: Login
) -> None:
    await login_as(Role.EDITOR)
    visitor = client()
    wrong_password = await visitor.login("editor-0@example.org", "not the password")
    unknown = await visitor.login("nobody@example.org", PASSWORD)
    assert wrong_password[0] == unknown[0] == 401
    assert "Fel e-postadress eller lösenord." in wrong_password[1]
    assert "Fel e-postadress eller lösenord." in unknown[1]


async def test_logging_in_starts_a_new_session(client: Callable[[], Client], login_as: Login) -> None:
    await login_as(Role.EDITOR)
    visitor = client()
    await visitor.get("/login")
    before = visitor.http.cookie_jar.filter_cookies(URL(visitor.base))[COOKIE].value
    token_before = visitor.token
    await visitor.login("editor-0@example.org")
    after = visitor.http.cookie_jar.filter_cookies(URL(visitor.base))[COOKIE].value
    assert after != before
    assert visitor.token != token_before


async def test_a_tampered_or_too_old_session_cookie_logs_nobody_in(login_as: Login, admin_settings: Settings) -> None:
    editor = await login_as(Role.EDITOR)
    url = URL(editor.base)
    cookie = editor.http.cookie_jar.filter_cookies(url)[COOKIE].value
    box = nacl.secret.SecretBox(session_key(admin_settings))
    data = json.loads(box.decrypt(base64.b64decode(cookie)))

    def seal(session: dict[str, object]) -> str:  # as the admin seals a cookie: encrypted, authenticated, base64
        return base64.b64encode(box.encrypt(json.dumps(session).encode())).decode()

    assert (await editor.get("/"))[0] == 200

    raw = bytearray(base64.b64decode(cookie))
    raw[-1] ^= 1  # one flipped bit: the cookie no longer authenticates
    editor.http.cookie_jar.update_cookies({COOKIE: base64.b64encode(bytes(raw)).decode()}, url)
    assert (await editor.response("GET", "/", allow_redirects=False)).status == 302

    data["created"] = int(time.time()) - SESSION_HOURS * 3600 - 60  # sealed with the right key, but too old
    editor.http.cookie_jar.update_cookies({COOKIE: seal(data)}, url)
    assert (await editor.response("GET", "/", allow_redirects=False)).status == 302

    data["created"] = int(time.time())  # the same session, fresh: let in again, so the refusals above were the age
    editor.http.cookie_jar.update_cookies({COOKIE: seal(data)}, url)
    assert (await editor.response("GET", "/", allow_redirects=False)).status == 200


async def test_a_change_without_the_csrf_token_is_refused(login_as: Login) -> None:
    editor = await login_as(Role.EDITOR)
    status, page = await editor.post("/logout", csrf=False)
    assert status == 403
    assert "gått ut" in page
    status, _ = await editor.post("/logout", {"csrf_token": "forged"}, csrf=False)
    assert status == 403
    assert (await editor.get("/"))[0] == 200  # still logged in


async def test_repeated_failures_are_throttled_even_with_the_right_password_then(
    client: Callable[[], Client], login_as: Login
) -> None:
    await login_as(Role.EDITOR)
    visitor = client()
    for _ in range(5):
        assert (await visitor.login("editor-0@example.org", "guess"))[0] == 401
    status, page = await visitor.login("editor-0@example.org")
    assert status == 429
    assert "För många misslyckade försök" in page


async def test_pages_carry_security_headers_and_cookies_are_http_only(client: Callable[[], Client]) -> None:
    visitor = client()
    response = await visitor.response("GET", "/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


async def test_a_login_only_follows_a_next_page_on_this_site(client: Callable[[], Client], login_as: Login) -> None:
    await login_as(Role.EDITOR)
    visitor = client()
    await visitor.get("/login")
    response = await visitor.response(
        "POST",
        "/login",
        data={
            "email": "editor-0@example.org",
            "password": PASSWORD,
            "next": "//evil.example/",
            "csrf_token": visitor.token,
        },
        allow_redirects=False,
    )
    assert response.headers["Location"] == "/"


async def test_the_interface_speaks_swedish_by_default_and_english_on_request(client: Callable[[], Client]) -> None:
    visitor = client()
    _, page = await visitor.get("/login")
    assert 'lang="sv"' in page
    assert "Logga in" in page
    _, page = await visitor.post("/language", {"lang": "en", "next": "/login"})
    assert 'lang="en"' in page
    assert "Log in" in page


async def test_the_first_start_creates_one_administrator_with_a_random_password(
    admin_sessions: async_sessionmaker[AsyncSession],
) -> None:
    # The starter database has no accounts yet.
    password = await ensure_administrator(admin_sessions)
    assert password is not None
    assert len(password) >= 16
    assert await ensure_administrator(admin_sessions) is None  # only once
    async with admin_sessions() as session:
        accounts = await list_accounts(session=session)
        admin = await find_account(session=session, email="ADMIN@localhost")
    assert [a.role for a in accounts] == [Role.ADMINISTRATOR]
    assert admin is not None
    assert verify_password(admin.password_hash, password)
    assert password not in admin.password_hash


async def test_the_throttle_forgets_old_failures_and_keeps_no_address_in_clear(
    admin_sessions: async_sessionmaker[AsyncSession],
) -> None:
    now = [datetime(2026, 12, 4, 12, 0, tzinfo=UTC)]
    throttle = LoginThrottle(admin_sessions, b"k" * 32, limit=2, window=timedelta(seconds=60), clock=lambda: now[0])
    await throttle.failed("a@example.org", "client:10.0.0.1")
    await throttle.failed("a@example.org", "client:10.0.0.2")
    assert await throttle.blocked("a@example.org", "client:10.0.0.9")  # the address failed twice
    assert not await throttle.blocked("b@example.org", "client:10.0.0.1")  # this client only once
    now[0] += timedelta(seconds=100)
    assert not await throttle.blocked("a@example.org")  # the window has passed
    for number in range(10):
        await throttle.failed(f"made-up-{number}@example.org")
    async with admin_sessions() as session:
        kept = (await session.exec(select(LoginFailure))).all()
    assert len(kept) == 10  # the failures past the window were deleted
    assert all(len(row.key) == 64 and "@" not in row.key for row in kept)  # keyed hashes, no address
    assert not await throttle.blocked("never-seen@example.org")


async def test_the_limit_holds_across_processes_and_a_restart(
    client: Callable[[], Client],
    login_as: Login,
    admin_settings: Settings,
    admin_services: ContentServices,
) -> None:
    await login_as(Role.EDITOR)
    visitor = client()
    for _ in range(5):
        assert (await visitor.login("editor-0@example.org", "guess"))[0] == 401
    jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1
    async with serve_admin(admin_settings, admin_services) as other, aiohttp.ClientSession(cookie_jar=jar) as http:
        second = Client(other, http)  # another process of the service (or the same one, restarted)
        status, page = await second.login("editor-0@example.org")
    assert status == 429
    assert "För många misslyckade försök" in page
