"""The admin served on a real port over a database with the starter content; clients logged in per role."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from admin.access import ALL_ROLES, Access, declare
from admin.app import create_app
from admin.passwords import hash_password
from bot.channels.web import API_PATH, add_web_channel
from bot.conversation import Conversation
from content.db import open_database
from content.models import Role
from content.repository.accounts import create_account
from content.search.index import SearchIndex
from content.services import ContentServices
from translations.machine.provider import TranslationProvider
from vagvisare.settings import Settings

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
async def admin_sessions(tmp_path: Path, starter_template: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    path = tmp_path / "admin.sqlite3"
    shutil.copy(starter_template, path)
    async with open_database(f"sqlite+aiosqlite:///{path}") as sessions:
        yield sessions


@pytest.fixture
def admin_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", secret_key="test-secret-key")  # type: ignore[arg-type]


@pytest.fixture
async def admin_services(admin_sessions: async_sessionmaker[AsyncSession]) -> ContentServices:
    return ContentServices(sessions=admin_sessions, search=SearchIndex())


@asynccontextmanager
async def serve_admin(
    settings: Settings, services: ContentServices, provider: TranslationProvider | None = None
) -> AsyncIterator[str]:
    """Serve the admin, with the bot's web channel as `vagvisare run` serves it, on a free local port."""
    app = create_app(settings, services, provider=provider)
    add_web_channel(app, Conversation(services))
    declare(app, API_PATH, Access(roles=ALL_ROLES))
    runner = web.AppRunner(app, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


@pytest.fixture
async def admin_url(admin_settings: Settings, admin_services: ContentServices) -> AsyncIterator[str]:
    """The admin (machine translation from the settings' Argos folder, which is empty) on a free local port."""
    async with serve_admin(admin_settings, admin_services) as url:
        yield url


@dataclass
class Client:
    """A browser-like HTTP client: keeps cookies, and the CSRF token of the last page it read."""

    base: str
    http: aiohttp.ClientSession
    token: str = ""
    pages: list[str] = field(default_factory=list)

    async def get(self, path: str, **kwargs: Any) -> tuple[int, str]:
        async with self.http.get(self.base + path, allow_redirects=kwargs.pop("follow", True), **kwargs) as response:
            text = await response.text()
            self._remember(text)
            return response.status, text

    async def post(
        self, path: str, data: dict[str, Any] | None = None, *, follow: bool = True, csrf: bool = True, **kwargs: Any
    ) -> tuple[int, str]:
        form = dict(data or {})
        if csrf:
            if not self.token:
                await self.get("/login")
            form.setdefault("csrf_token", self.token)
        async with self.http.post(self.base + path, data=form, allow_redirects=follow, **kwargs) as response:
            text = await response.text()
            self._remember(text)
            return response.status, text

    async def response(self, method: str, path: str, **kwargs: Any) -> aiohttp.ClientResponse:
        """The raw response (headers, redirects) of one request; the caller reads it."""
        return await self.http.request(method, self.base + path, **kwargs)

    def _remember(self, text: str) -> None:
        found = CSRF.search(text)
        if found:
            self.token = html.unescape(found.group(1))
        self.pages.append(text)

    async def login(self, email: str, password: str = PASSWORD) -> tuple[int, str]:
        await self.get("/login")
        return await self.post("/login", {"email": email, "password": password})


Login = Callable[..., Awaitable[Client]]


@pytest.fixture
async def client(admin_url: str) -> AsyncIterator[Callable[[], Client]]:
    """Make anonymous clients (each with its own cookies)."""
    made: list[aiohttp.ClientSession] = []

    def make() -> Client:
        http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        made.append(http)
        return Client(admin_url, http)

    yield make
    for http in made:
        await http.close()


@pytest.fixture
async def login_as(client: Callable[[], Client], admin_sessions: async_sessionmaker[AsyncSession]) -> Login:
    """Create an account with `role` (and `languages`) and return a client logged in to it."""
    created: dict[str, str] = {}

    async def login(role: Role, languages: list[str] | None = None, email: str | None = None) -> Client:
        address = email or f"{role.value}-{len(created)}@example.org"
        async with admin_sessions() as session, session.begin():
            await create_account(
                session=session,
                email=address,
                password_hash=hash_password(PASSWORD),
                role=role,
                languages=languages or [],
                actor="test",
            )
        created[address] = role
        person = client()
        status, _ = await person.login(address)
        assert status == 200
        return person

    return login
