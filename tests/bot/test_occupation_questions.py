"""A question that names one's occupation, in any of the languages, leads to where that occupation is in demand."""

from __future__ import annotations

import pytest

from bot.screens.topics import NO_OFFICIAL_FIGURES
from tests.bot.conftest import Chat
from tests.bot.emulator import BotAPIEmulator
from translations.catalogs import Translator


@pytest.mark.parametrize(
    ("language", "code", "question", "name"),
    [
        ("English", "en", "engineer", "Engineer"),
        ("العربية", "ar", "أنا مهندس، أين أجد عملاً؟", "مهندس"),
        ("Українська", "uk", "я інженер", "Інженер"),
        ("Svenska", "sv", "Jag är undersköterska, var behövs jag?", "Undersköterska"),
    ],
)
async def test_a_question_naming_an_occupation_offers_where_it_is_in_demand(
    bot: BotAPIEmulator, language: str, code: str, question: str, name: str
) -> None:
    t = Translator(code)
    person = Chat(bot, 9300)
    await person.begin(language)
    reply = await person.say(question)
    assert t.gettext("Sorry, I found no answer to that in the information I have.") not in reply.plain
    jobs = [label for label in reply.labels() if label.startswith("💼")]
    assert jobs, reply.labels()
    assert name in jobs[0]
    screen = await person.tap(reply, jobs[0])
    assert t.gettext("Where this occupation is needed:") in screen.plain
    assert name in screen.plain
    # no official figure yet (the starter demand rows are examples, not loaded here): where the real job ads are
    assert t.gettext(NO_OFFICIAL_FIGURES) in screen.plain
    assert "🔎 " + t.gettext("Job ads on Platsbanken") in screen.labels()


async def test_an_occupation_alone_comes_first_and_an_article_answer_stays_before_it(bot: BotAPIEmulator) -> None:
    person = Chat(bot, 9302)
    await person.begin("English")
    alone = await person.say("engineer")
    labels = alone.labels()
    assert labels[0] == "💼 Engineer"
    assert "This is what I found. Choose an answer:" in alone.plain
    assert "🆘 Help & emergency numbers" in labels  # no article answers it: help stays one tap away
    care = await person.say("I need a doctor, I am sick")
    labels = care.labels()
    assert "💼 Doctor" in labels
    assert labels.index("💼 Doctor") > 0  # the health article first: the question asks for care, not for work
    assert not labels[0].startswith("💼")


async def test_the_longer_name_wins_and_a_question_without_an_occupation_offers_none(bot: BotAPIEmulator) -> None:
    person = Chat(bot, 9301)
    await person.begin("English")
    reply = await person.say("I am an assistant nurse, where can I work?")
    assert [label for label in reply.labels() if label.startswith("💼")] == ["💼 Assistant nurse"]
    other = await person.say("Where can I learn Swedish?")
    assert not [label for label in other.labels() if label.startswith("💼")]
