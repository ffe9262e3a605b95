"""The off-topic model: trained on the content's own phrases and the team's off-topic messages, it makes search
ask more of a weak answer to a question that looks off-topic, in every language it has examples for."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from content.loading import load_repository
from content.search.index import OFF_TOPIC_LOG_ODDS, SearchIndex
from content.search.scope import ScopeModel, off_topic_messages
from translations.languages import CODES

Sessions = async_sessionmaker[AsyncSession]


def _words(lang: str, text: str) -> list[str]:
    return text.lower().split()


def test_words_of_the_off_topic_messages_lean_off_topic_and_the_contents_words_lean_on() -> None:
    about = [("en", "swedish for immigrants"), ("en", "finding a home"), ("en", "housing queue")]
    model = ScopeModel.train(about, {"en": ["weather tomorrow", "football results", "weather in town"]}, _words)
    assert model.log_odds("en", ["weather", "tomorrow"]) > 0
    assert model.log_odds("en", ["housing", "queue"]) < 0
    assert model.log_odds("en", ["unseen", "words"]) == 0  # a word neither side has seen says nothing
    assert model.log_odds("so", ["weather"]) == 0  # no examples in a language: no opinion


def test_the_team_wrote_off_topic_messages_in_every_language() -> None:
    messages = off_topic_messages()
    assert set(messages) == set(CODES)
    assert all(len(set(texts)) >= 40 for texts in messages.values())


async def test_over_the_starter_content_off_topic_questions_look_off_topic_and_get_no_answer(
    sessions: Sessions,
) -> None:
    await load_repository(sessions)
    index = SearchIndex()
    async with sessions() as session:
        await index.refresh(session)
    off_topic = {
        "en": "can you write me a poem",
        "so": "cimilada berri Kiruna sidee tahay",
        "ti": "ጽባሕ ኣብ ኪሩና ኩነታት ኣየር ከመይ እዩ",
    }
    for lang, question in off_topic.items():
        assert index.off_topic_odds(lang, question) > OFF_TOPIC_LOG_ODDS, (lang, question)
        assert index.search(lang, question) == [], (lang, question)
    on_topic = {
        "sv": "var kan jag läsa sfi",
        "ar": "أين أتعلم اللغة السويدية",
        "so": "xagee laga barto af iswiidhish",
        "ti": "ቋንቋ ሽወደን ኣበይ ይመሃር",
        "en": "where do I learn Swedish",
    }
    for lang, question in on_topic.items():
        assert index.off_topic_odds(lang, question) < 0, (lang, question)
        assert index.search(lang, question)[0].slug == "sfi", (lang, question)
    # A town's name and an off-topic word: not a question about the town.
    assert index.search("sv", "vad blir vädret i Kiruna imorgon") == []
    assert index.search("ar", "كيف الطقس غدا في كيرونا") == []
    assert index.search("sv", "föreningar i Kiruna")[0].slug == "kiruna-associations"
