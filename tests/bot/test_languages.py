"""The main flows in Swedish, English, Arabic and Ukrainian: every screen in the person's language."""

from __future__ import annotations

import pytest

from tests.bot.conftest import Chat
from tests.bot.emulator import BotAPIEmulator
from translations.catalogs import Translator

LANGUAGES = {"sv": "Svenska", "en": "English", "ar": "العربية", "uk": "Українська"}
QUESTIONS = {
    "sv": ("Var kan jag läsa svenska gratis?", "sfi"),
    "en": ("What number do I call in an emergency?", "nodnummer"),
    "ar": ("كيف أحصل على رخصة القيادة في السويد؟", "faq-korkort"),
    "uk": ("Як знайти житло?", "bostad"),
}


def _strip_isolates(text: str) -> str:
    return text.replace("\u2068", "").replace("\u2069", "")


@pytest.mark.parametrize("lang", list(LANGUAGES))
async def test_the_main_flows_speak_the_persons_language(bot: BotAPIEmulator, lang: str) -> None:
    t = Translator(lang)
    chat = Chat(bot, 6000 + list(LANGUAGES).index(lang))
    menu = await chat.begin(LANGUAGES[lang])
    assert t.gettext("Choose a topic, or just write your question.") in menu.plain
    assert any(t.gettext("Municipalities") in label for label in menu.labels())

    regions = await chat.tap(menu, t.gettext("Municipalities"))
    assert t.gettext("Choose a region") in regions.plain
    card = await chat.tap_data(regions.message_id, "m:umea")
    overview = await chat.tap(card, t.gettext("Overview"))
    assert t.gettext("Source:") in overview.plain
    if lang in ("ar", "uk"):  # the starter content is written in Swedish and English only
        note = t.gettext(
            "This text is not yet available in your language. It is shown in {language}.", language="English"
        )
        assert _strip_isolates(note) in _strip_isolates(overview.plain)

    events = await chat.tap_data(overview.message_id, "ev")
    card = await chat.tap_data(events.message_id, "e:sfi-oppet-hus-falun")
    registered = await chat.tap(card, t.gettext("Register"))
    assert t.gettext("You are registered. You will get a reminder the day before.") in registered.plain

    question, expected = QUESTIONS[lang]
    answers = await chat.say(question)
    assert f"a:{expected}:q" in [button["callback_data"] for row in answers.buttons for button in row]
    nothing = await chat.say("xqzzv wqkkj")
    assert t.gettext("Sorry, I found no answer to that in the information I have.") in nothing.plain

    data = await chat.say("/mydata")
    assert t.gettext("Everything stored about you") in data.plain
