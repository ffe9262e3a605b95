"""In a real browser, the editor's whole story: write and publish an article, machine-translate it with a real
(tiny) Argos package, review the translation, see the article in "Try the bot", restore an old revision, create an
event and see a registration made through the bot arrive."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType

import pytest
from aiohttp import web
from playwright.async_api import Page, expect
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from admin.access import ALL_ROLES, Access, declare
from admin.app import create_app
from bot.channels.web import API_PATH, add_web_channel
from bot.conversation import Conversation
from content.models import Role
from content.services import ContentServices
from tests.admin.browser.conftest import screenshot
from tests.admin.browser.test_login import add_account
from tests.admin.conftest import PASSWORD
from tests.translations.tiny_argos import build_package
from translations.machine.argos import ArgosProvider
from translations.machine.packages import install_package
from vagvisare.settings import Settings


@pytest.fixture
async def admin_url(
    admin_settings: Settings, admin_services: ContentServices, tmp_path: Path, argos: ModuleType
) -> AsyncIterator[str]:
    """The admin as `vagvisare run` serves it, with a real Argos provider holding a tiny Swedish→Arabic package."""
    packages = tmp_path / "packages"
    install_package(build_package(tmp_path, "sv", "ar", marker="[ar]"), packages)
    settings = admin_settings.model_copy(update={"bot_username": "vagvisare_bot"})  # QR codes on the links page
    app = create_app(settings, admin_services, provider=ArgosProvider(packages))
    add_web_channel(app, Conversation(admin_services))
    declare(app, API_PATH, Access(roles=ALL_ROLES))
    runner = web.AppRunner(app, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


async def _log_in_in_english(page: Page, email: str) -> None:
    await page.goto("/login")
    await page.get_by_role("button", name="English").click()
    await page.get_by_label("E-mail address").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Overview")


def _row(page: Page, language: str):  # type: ignore[no-untyped-def]
    return page.locator("table.translations tr").filter(has_text=language)


async def _bot_says(page: Page, text: str) -> None:
    await expect(page.locator("#try-chat .bubble").last).to_contain_text(text)


async def test_an_editor_publishes_translates_reviews_tries_restores_and_runs_an_event(
    page: Page, admin_sessions: async_sessionmaker[AsyncSession]
) -> None:
    page.on("dialog", lambda dialog: dialog.accept())  # "Restore revision N?"
    await add_account(admin_sessions, "editor@example.org", Role.EDITOR)
    await _log_in_in_english(page, "editor@example.org")
    await screenshot(page, "overview-with-data")

    # Write and publish an article.
    await page.get_by_role("link", name="Articles", exact=True).click()
    await screenshot(page, "articles")
    await page.get_by_role("link", name="New article").click()
    await page.locator("#slug").fill("bussresa-umea")
    await page.locator("#title").fill("Bussresa till Umeå")
    await page.locator("#summary").fill("Följ med och se hur det är att bo i Umeå.")
    await page.locator("#body").fill("Bussen går **klockan 9**.\n\nRing 090-16 10 00 för att anmäla dig.")
    await page.locator("#source").fill("https://www.umea.se")
    await page.get_by_role("button", name="Create draft").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Bussresa till Umeå")
    await page.get_by_role("button", name="Publish").click()
    await expect(page.locator("main")).to_contain_text("Published")

    # Machine-translate it into Arabic with the tiny Argos model, then review it.
    await _row(page, "العربية").get_by_role("button", name="Machine-translate").click()
    await expect(page.locator("main")).to_contain_text("Machine-translated into Arabic")
    await expect(page.locator("textarea[dir=rtl][lang=ar]").first).to_have_value(re.compile(r"\[ar\]"))
    await screenshot(page, "translation-arabic")
    await page.goto("/articles/bussresa-umea/preview?lang=ar")
    await expect(page.locator("[dir=rtl]").first).to_contain_text("[\u2068ar\u2069] \u2068Bussresa till Umeå\u2069")
    await screenshot(page, "preview-arabic")
    await page.goto("/articles/bussresa-umea/translations/ar")
    await page.get_by_role("button", name="Mark reviewed as it is").click()
    await page.goto("/articles/bussresa-umea")
    await expect(_row(page, "العربية")).to_contain_text(re.compile("reviewed", re.IGNORECASE))
    await screenshot(page, "article")

    # See it in "Try the bot", as a Swedish reader.
    await page.get_by_role("link", name="Try the bot").click()
    await page.get_by_role("button", name="Start again").click()
    await page.locator("#try-chat").get_by_role("button", name="Svenska", exact=True).click()
    await page.locator("#try-chat").get_by_role("button", name="Fortsätt").last.click()  # the privacy notice
    await page.locator("#try-chat").get_by_role("button", name="Hoppa över").last.click()  # "which describes you"
    await page.locator("#try-text").fill("bussresa Umeå")
    await page.get_by_role("button", name="Send").click()
    await page.locator("#try-chat").get_by_role("button", name=re.compile("Bussresa till Umeå")).last.click()
    await _bot_says(page, "klockan 9")
    await screenshot(page, "try-the-bot")

    # Change the title, then restore the first revision.
    await page.goto("/articles/bussresa-umea")
    await page.locator("#title").fill("Bussresa till Umeå (inställd)")
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Bussresa till Umeå (inställd)")
    await page.goto("/articles/bussresa-umea/revisions")
    await screenshot(page, "revisions")
    await page.get_by_role("button", name="Restore this version").last.click()
    await page.goto("/articles/bussresa-umea")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Bussresa till Umeå")

    # Create an event, register for it through the bot, and see the registration arrive.
    await page.get_by_role("link", name="Events", exact=True).click()
    await page.get_by_role("link", name="New event").click()
    await page.locator("#slug").fill("infomote-umea")
    await page.locator("#starts").fill("2030-01-15T18:00")
    await page.locator("#municipality").select_option("umea")
    await page.locator("#place").fill("Stadsbiblioteket")
    await page.locator("#capacity").fill("10")
    await page.locator("#status").select_option("published")
    await page.locator("#title-sv").fill("Informationsmöte i Umeå")
    await page.get_by_role("button", name="Save").click()
    await expect(page.locator("main")).to_contain_text("Created the event infomote-umea")
    await page.get_by_role("link", name="Try the bot").click()
    await page.locator("#try-text").fill("/start e_infomote-umea")
    await page.get_by_role("button", name="Send").click()
    await _bot_says(page, "Informationsmöte i Umeå")
    await page.locator("#try-chat").get_by_role("button", name="Anmäl mig").last.click()
    await _bot_says(page, "Informationsmöte i Umeå")
    await page.goto("/events/infomote-umea/registrations")
    await expect(page.locator("main")).to_contain_text(re.compile("1 (registered|of 10)"))
    await screenshot(page, "registrations")
    await page.goto("/links")
    await screenshot(page, "links")
