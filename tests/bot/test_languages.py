"""The main flows in Swedish, English, Arabic and Ukrainian: every screen in the person's language."""

from __future__ import annotations

import pytest

from tests.bot.conftest import Chat
from tests.bot.emulator import BotAPIEmulator
from translations.catalogs import Translator

LANGUAGES = {
    "sv": "Svenska",
    "sv-x-easy": "Lätt svenska",
    "en": "English",
    "ar": "العربية",
    "fa": "فارسی / دری",
    "uk": "Українська",
    "ru": "Русский",
    "so": "Soomaali",
    "ti": "ትግርኛ",
}
QUESTIONS = {
    "sv": ("Var kan jag läsa svenska gratis?", "sfi"),
    "sv-x-easy": ("Jag vill lära mig svenska. Var?", "sfi"),
    "en": ("What number do I call in an emergency?", "nodnummer"),
    "ar": ("كيف أحصل على رخصة القيادة في السويد؟", "faq-korkort"),
    "fa": ("چطور شماره شخصی بگیرم؟", "faq-personnummer"),
    "uk": ("Як знайти житло?", "bostad"),
    "ru": ("Как получить персональный номер?", "faq-personnummer"),
    "so": ("Sideen u helaa lambarka shakhsiga ah?", "faq-personnummer"),
    "ti": ("ውልቃዊ ቁጽሪ መንነት ብኸመይ ይርከብ?", "faq-personnummer"),
}
# What each language's overview of Umeå starts with: the article is in the reader's own language.
OVERVIEW_TITLE = {
    "sv": "Umeå – översikt",
    "sv-x-easy": "Umeå – om kommunen",
    "en": "Umeå – overview",
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
    fallback = t.gettext("This text is not yet available in your language. It is shown in {language}.", language="")
    assert _strip_isolates(fallback).split("{")[0][:20] not in _strip_isolates(overview.plain)
    if lang in OVERVIEW_TITLE:
        assert overview.plain.startswith(OVERVIEW_TITLE[lang])
    else:  # the team's drafts say who made them until a native speaker has checked them
        label = t.gettext("Translated by the Vägvisare team, not yet checked by a native speaker.")
        assert label in overview.plain
        assert "Umeå" in _strip_isolates(overview.plain)

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
