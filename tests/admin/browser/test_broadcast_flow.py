"""In a real browser, the broadcaster's story: write an event announcement, machine-translate it into Arabic with a
real (tiny) Argos package, preview it as an Arabic reader, send it, and watch the live progress reach everyone
through the outbox sender and the Bot API emulator."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from types import ModuleType

import pytest
from playwright.async_api import Page, expect
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import BotUser, Follow, Role
from content.services import ContentServices
from tests.admin.browser.conftest import screenshot
from tests.admin.browser.test_editor_flow import _log_in_in_english
from tests.admin.browser.test_login import add_account
from tests.admin.conftest import serve_admin
from tests.bot.conftest import Outbox, emulator, outbox  # noqa: F401 (fixtures)
from tests.bot.emulator import BotAPIEmulator
from tests.translations.tiny_argos import build_package
from translations.machine.argos import ArgosProvider
from translations.machine.packages import install_package
from vagvisare.settings import Settings

PEOPLE = {"ar": 20, "sv": 10, "uk": 10}


@pytest.fixture
async def admin_url(
    admin_settings: Settings, admin_services: ContentServices, tmp_path: Path, argos: ModuleType
) -> AsyncIterator[str]:
    packages = tmp_path / "packages"
    install_package(build_package(tmp_path, "sv", "ar", marker="[ar]"), packages)
    async with serve_admin(admin_settings, admin_services, ArgosProvider(packages)) as url:
        yield url


@pytest.fixture
def services(admin_services: ContentServices) -> ContentServices:
    return admin_services


async def test_a_broadcaster_sends_a_translated_event_announcement_and_watches_it_arrive(
    page: Page,
    admin_sessions: async_sessionmaker[AsyncSession],
    emulator: tuple[BotAPIEmulator, str],  # noqa: F811
    outbox: Callable[..., Awaitable[Outbox]],  # noqa: F811
) -> None:
    api, _ = emulator
    async with admin_sessions() as session, session.begin():
        chat = 50_000
        for lang, count in PEOPLE.items():
            for _ in range(count):
                user = BotUser(pseudonym=f"p{chat}", chat_id=chat, lang=lang)
                session.add(user)
                await session.flush()
                session.add(Follow(user_id=user.id or 0, kind="municipality", slug="boden"))
                chat += 1
    await add_account(admin_sessions, "broadcaster@example.org", Role.BROADCASTER)
    await _log_in_in_english(page, "broadcaster@example.org")

    await page.get_by_role("link", name="Broadcasts").click()
    await page.get_by_role("link", name="New broadcast").click()
    await page.get_by_label("Announcement in Swedish").fill("Välkommen till informationsmötet i Boden.")
    await page.get_by_label("Followers of a municipality", exact=True).check()
    await page.get_by_label("Municipality", exact=True).select_option("boden")
    await page.get_by_label("Link an event").select_option("informationsmote-migrationsverket-boden")
    await page.get_by_role("button", name="Save draft").click()
    await expect(page.get_by_text("40 people right now")).to_be_visible()

    await page.get_by_role("button", name="Machine-translate the missing languages").click()
    await expect(page.get_by_text("Machine-translated into Arabic")).to_be_visible()
    await page.get_by_label("Reader's language").select_option("ar")
    await page.get_by_role("button", name="Show", exact=True).click()
    bubble = page.locator(".preview .bubble")
    await expect(bubble).to_contain_text(re.compile(r"\[\W?ar\W?\] \W?Välkommen"))  # Latin isolated in Arabic
    await expect(bubble).to_have_attribute("dir", "rtl")
    await expect(page.locator(".preview .keyboard")).to_contain_text("📅")
    await screenshot(page, "broadcast-preview")

    await page.get_by_role("button", name="Send now to 40 people").click()
    await expect(page.get_by_text("Sending has started.")).to_be_visible()
    await expect(page.get_by_role("heading", name="Progress")).to_be_visible()
    await outbox(rate=8.0)  # slow enough to watch the bar move
    sent = page.locator('[data-count="sent"]')
    await expect(sent).not_to_have_text("0", timeout=15_000)  # updated live, without a reload
    await screenshot(page, "broadcast-progress")
    await expect(page.get_by_role("heading", name="Report")).to_be_visible(timeout=30_000)
    await expect(sent).to_have_text("40")
    await screenshot(page, "broadcast-report")
    assert len({message.chat_id for message in api.log}) == 40
    arabic = next(m for m in api.log if m.chat_id == 50_000)
    assert "[ar]" in arabic.plain.replace("\u2068", "").replace("\u2069", "")
    assert arabic.button("📅")["callback_data"] == "!e:informationsmote-migrationsverket-boden"
