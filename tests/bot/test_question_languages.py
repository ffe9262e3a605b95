"""A question written in another of the nine languages is answered from that language, and a switch is offered once."""

from __future__ import annotations

from tests.bot.conftest import Chat
from tests.bot.emulator import BotAPIEmulator
from translations.catalogs import Translator


def _plain(text: str) -> str:
    return text.replace("\u2068", "").replace("\u2069", "")


def _routes(message: object) -> list[str]:
    return [button["callback_data"] for row in message.buttons for button in row]  # type: ignore[attr-defined]


async def test_an_arabic_question_from_an_english_reader_is_answered_in_arabic_and_a_switch_offered_once(
    bot: BotAPIEmulator,
) -> None:
    chat = Chat(bot, 8101)
    await chat.begin("English")
    answers = await chat.say("كيف أحصل على رخصة القيادة في السويد؟")
    arabic = Translator("ar")
    assert "a:faq-korkort:q:ar" in _routes(answers)
    assert "L:ar" in _routes(answers)
    offer = arabic.gettext("You wrote in {language}, so the answers are in {language}.", language="العربية")
    assert offer.replace("\u2068", "").replace("\u2069", "") in answers.plain.replace("\u2068", "").replace(
        "\u2069", ""
    )

    article = await chat.tap_data(answers.message_id, "a:faq-korkort:q:ar")
    assert "رخصة" in article.plain  # the Arabic text
    assert "not yet available in your language" not in article.plain
    assert "This helped" in " ".join(article.labels())  # the rest of the screen stays in the reader's language

    again = await chat.say("أين أتعلم اللغة السويدية؟")
    assert "L:ar" not in _routes(again)  # offered once
    assert any(route.endswith(":q:ar") for route in _routes(again))

    menu = await chat.tap_data(answers.message_id, "L:ar")
    assert arabic.gettext("Choose a topic, or just write your question.") in menu.plain
    data = await chat.say("/mydata")
    assert "العربية" in data.plain  # the offered language is among what is stored, and shown


async def test_ukrainian_from_a_russian_reader_is_told_apart_by_its_letters(bot: BotAPIEmulator) -> None:
    chat = Chat(bot, 8102)
    await chat.begin("Русский")
    answers = await chat.say("Як знайти житло в Швеції?")
    assert "L:uk" in _routes(answers)
    assert any(route.endswith(":q:uk") for route in _routes(answers))


async def test_swedish_from_an_easy_swedish_reader_stays_easy_swedish(bot: BotAPIEmulator) -> None:
    chat = Chat(bot, 8103)
    await chat.begin("Lätt svenska")
    answers = await chat.say("Var kan jag läsa svenska gratis?")
    assert not any(route.startswith("L:") for route in _routes(answers))
    assert "a:sfi:q" in _routes(answers)


async def test_a_short_or_unclear_question_keeps_the_readers_language(bot: BotAPIEmulator) -> None:
    chat = Chat(bot, 8104)
    await chat.begin("English")
    answers = await chat.say("Kiruna")
    assert not any(route.startswith("L:") for route in _routes(answers))
    assert all(not route.endswith((":sv", ":so")) for route in _routes(answers))
