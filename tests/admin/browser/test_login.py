"""In a real browser: logging in, finding one's way, the interface language."""

from __future__ import annotations

from playwright.async_api import Page, expect
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from admin.passwords import hash_password
from content.models import Role
from content.repository.accounts import create_account
from tests.admin.browser.conftest import screenshot
from tests.admin.conftest import PASSWORD


async def add_account(sessions: async_sessionmaker[AsyncSession], email: str, role: Role) -> None:
    async with sessions() as session, session.begin():
        await create_account(session=session, email=email, password_hash=hash_password(PASSWORD), role=role, actor="t")


async def log_in(page: Page, email: str) -> None:
    await page.goto("/")
    await page.get_by_label("E-postadress").fill(email)
    await page.get_by_label("Lösenord").fill(PASSWORD)
    await page.get_by_role("button", name="Logga in").click()


async def test_an_editor_logs_in_sees_the_overview_and_logs_out(
    page: Page, admin_sessions: async_sessionmaker[AsyncSession]
) -> None:
    await add_account(admin_sessions, "editor@example.org", Role.EDITOR)
    await page.goto("/")
    await expect(page).to_have_url("/login?next=/")
    await screenshot(page, "login")
    await page.get_by_label("E-postadress").fill("editor@example.org")
    await page.get_by_label("Lösenord").fill("wrong password")
    await page.get_by_role("button", name="Logga in").click()
    await expect(page.get_by_role("alert")).to_contain_text("Fel e-postadress eller lösenord")
    await log_in(page, "editor@example.org")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Översikt")
    await screenshot(page, "overview")
    await page.get_by_role("button", name="English").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Overview")
    await page.get_by_role("button", name="Log out").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
