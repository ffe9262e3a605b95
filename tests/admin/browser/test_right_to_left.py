"""In a real browser: Arabic and Persian read right to left in "Try the bot" and in the admin's Telegram preview.

The admin is served as `vagvisare run` serves it, with the bot's web channel (tests.admin.conftest.admin_url).
"""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import Role
from tests.admin.browser.conftest import screenshot
from tests.admin.browser.test_login import add_account, log_in

# Is the first Arabic-script letter of this element laid out near its right edge (as right-to-left text starts)?
RIGHT_ALIGNED = """(node) => {
  const range = document.createRange();
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
  let text = walker.nextNode();
  while (text && !/[\u0600-\u06ff]/.test(text.textContent)) text = walker.nextNode();  // the first Arabic-script text
  const at = text.textContent.search(/[\u0600-\u06ff]/);
  range.setStart(text, at);
  range.setEnd(text, at + 1);
  const first = range.getBoundingClientRect();
  const box = node.getBoundingClientRect();
  return box.right - first.right < box.width / 4;
}"""


async def test_try_the_bot_shows_an_arabic_conversation_right_to_left(
    page: Page, admin_sessions: async_sessionmaker[AsyncSession]
) -> None:
    await add_account(admin_sessions, "editor@example.org", Role.EDITOR)
    await log_in(page, "editor@example.org")
    await page.goto("/try")
    chat = page.locator("#try-chat")
    await chat.get_by_role("button", name="العربية", exact=True).click()
    await chat.locator(".keyboard button").last.click()  # continue after the privacy notice
    await chat.locator(".keyboard button").last.click()  # skip "which describes you"
    await page.locator("#try-text").fill("أين أتعلم اللغة السويدية؟")
    await page.locator("#try-text").press("Enter")
    answer = chat.locator(".keyboard button").filter(has_text="sfi").last
    await expect(answer).to_have_attribute("dir", "auto")
    await answer.click()
    bubble = chat.locator(".bubble:not(.mine)").last
    await expect(bubble).to_contain_text("sfi")
    assert await bubble.evaluate("(node) => getComputedStyle(node).unicodeBidi") == "plaintext"
    assert await bubble.evaluate(RIGHT_ALIGNED), "the Arabic answer should start at the right edge"
    await screenshot(page, "try-the-bot-arabic")


@pytest.mark.parametrize("lang", ["ar", "fa"])
async def test_the_telegram_preview_of_an_arabic_or_persian_article_is_right_to_left(
    page: Page, admin_sessions: async_sessionmaker[AsyncSession], lang: str
) -> None:
    await add_account(admin_sessions, "editor@example.org", Role.EDITOR)
    await log_in(page, "editor@example.org")
    await page.goto(f"/articles/sfi/preview?lang={lang}")
    bubble = page.locator(f".bubble[lang={lang}]")
    await expect(bubble).to_have_attribute("dir", "rtl")
    assert await bubble.evaluate(RIGHT_ALIGNED)
    await screenshot(page, f"preview-{lang}")
