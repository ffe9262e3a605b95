"""The emergency lines reach a person in danger in their own language, whatever the search finds."""

from __future__ import annotations

import pytest

from bot.urgent_eval import read_messages
from tests.bot.conftest import Chat
from tests.bot.emulator import BotAPIEmulator
from tests.bot.test_urgent import TUNING_SET
from translations.catalogs import Translator

NUMBERS = ("112", "020-50 50 50", "90101", "1177", "114 14")


@pytest.mark.parametrize(
    ("language", "code"), [("Svenska", "sv"), ("العربية", "ar"), ("Soomaali", "so"), ("ትግርኛ", "ti")]
)
async def test_words_of_danger_show_the_emergency_lines_in_the_persons_language(
    bot: BotAPIEmulator, language: str, code: str
) -> None:
    message = next(m for m in read_messages(TUNING_SET) if m.lang == code and m.urgent)
    t = Translator(code)
    person = Chat(bot, 9300)
    await person.begin(language)
    reply = await person.say(message.text)
    assert reply.plain.startswith("🆘")
    for number in NUMBERS:
        assert number in reply.plain
    for line in ("health care advice", "the police, when it is not an emergency"):
        translated = t.gettext(line)
        assert translated != line or code == "en"
        assert translated in reply.plain
    assert reply.button("🆘 " + t.gettext("Help & emergency numbers"))
