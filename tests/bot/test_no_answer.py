"""What a person sees when the content has no answer, in their language: a kind sentence, the nearest topics as
"maybe you mean" (not as answers), writing to staff, the emergency numbers and the menu; and a weak answer is
said to be one."""

from __future__ import annotations

import pytest

from tests.bot.conftest import Chat
from tests.bot.emulator import BotAPIEmulator
from translations.catalogs import Translator


@pytest.mark.parametrize(
    ("language", "code", "question"),
    [
        ("Svenska", "sv", "vad blir vädret i Kiruna imorgon"),
        ("العربية", "ar", "كيف الطقس غدا في كيرونا"),
        ("Soomaali", "so", "cimilada berri Kiruna sidee tahay"),
        ("ትግርኛ", "ti", "ጽባሕ ኣብ ኪሩና ኩነታት ኣየር ከመይ እዩ"),
    ],
)
async def test_an_off_topic_question_gets_the_honest_no_answer_screen_in_the_persons_language(
    bot: BotAPIEmulator, language: str, code: str, question: str
) -> None:
    t = Translator(code)
    person = Chat(bot, 9100)
    await person.begin(language)
    reply = await person.say(question)
    assert t.gettext("Sorry, I found no answer to that in the information I have.") in reply.plain
    assert t.gettext("This is what I found. Choose an answer:") not in reply.plain  # no article as the answer
    assert t.gettext("Maybe you mean one of these topics:") in reply.plain
    maybe = [label for label in reply.labels() if label.startswith("💡")]
    assert 1 <= len(maybe) <= 3
    assert reply.button("👤 " + t.gettext("Send my question to staff"))
    assert reply.button("🆘 " + t.gettext("Help & emergency numbers"))
    assert "112" in reply.plain
    opened = await person.tap(reply, maybe[0])  # a suggestion opens like any article
    assert opened.plain


async def test_a_question_no_word_of_which_is_known_gets_no_suggestions(bot: BotAPIEmulator) -> None:
    person = Chat(bot, 9101)
    await person.begin("English")
    reply = await person.say("qzxv wplk mmrt")
    assert "Sorry, I found no answer" in reply.plain
    assert "Maybe you mean" not in reply.plain
    assert not [label for label in reply.labels() if label.startswith("💡")]


async def test_a_weak_answer_says_it_may_help(bot: BotAPIEmulator) -> None:
    person = Chat(bot, 9102)
    await person.begin("English")
    weak = await person.say("how do I enroll my son in school")
    assert "This may help, but I am not sure it answers your question." in weak.plain
    strong = await person.say("Where can I learn Swedish?")
    assert "This is what I found. Choose an answer:" in strong.plain
