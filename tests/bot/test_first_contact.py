"""First contact: language, privacy notice, situation, main menu."""

from __future__ import annotations

from tests.bot.conftest import Chat


async def test_start_offers_every_language_with_the_guess_first(chat: Chat) -> None:
    chat.api.languages[chat.chat_id] = "uk"
    picker = await chat.say("/start")
    assert picker.labels()[0] == "Українська"
    assert set(picker.labels()) == {
        "Svenska", "Lätt svenska", "English", "العربية", "فارسی / دری", "Українська", "Русский", "Soomaali", "ትግርኛ"
    }  # fmt: skip


async def test_choosing_english_shows_the_privacy_notice_then_the_menu(chat: Chat) -> None:
    picker = await chat.say("/start")
    notice = await chat.tap(picker, "English")
    assert "/forget" in notice.plain
    assert notice.edited  # navigation edits the message in place
    question = await chat.tap(notice, "Continue")
    assert "Which describes you?" in question.plain
    menu = await chat.tap(question, "Skip")
    assert "Municipalities" in " ".join(menu.labels())
