"""The overview: reviews due, translation coverage and anonymous counts of how the bot is used, as bar charts."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import BotUser, Feedback, PublicationStatus, QuestionStat, Role, utcnow
from content.repository.articles import get_article_file, list_articles
from content.repository.stats import (
    feedback_per_article,
    questions_per_topic,
    translation_coverage,
    unanswered_questions,
    users_per_language,
)
from content.repository.translations import Status, status_of
from tests.admin.conftest import Login

CHAT_ID = 987654321


async def _usage(sessions: async_sessionmaker[AsyncSession]) -> None:
    today = utcnow().date()
    long_ago = today - timedelta(days=90)
    async with sessions() as session, session.begin():
        session.add_all(
            [
                BotUser(pseudonym="pseudonym-1", chat_id=CHAT_ID, lang="ar"),
                BotUser(pseudonym="pseudonym-2", chat_id=CHAT_ID + 1, lang="ar"),
                BotUser(pseudonym="pseudonym-3", chat_id=CHAT_ID + 2, lang="uk"),
                BotUser(pseudonym="pseudonym-4", chat_id=CHAT_ID + 3, lang=None),
                BotUser(pseudonym="pseudonym-5", chat_id=CHAT_ID + 4, lang="fa", active=False),
                QuestionStat(day=today, lang="ar", answer_slug="sfi"),
                QuestionStat(day=today, lang="fa", answer_slug="sfi"),
                QuestionStat(day=today, lang="en", answer_slug="jobbsok"),
                QuestionStat(day=today, lang="ar", answer_slug=None),
                QuestionStat(day=today, lang="ar", answer_slug=None),
                QuestionStat(day=today, lang="ti", answer_slug=None),
                QuestionStat(day=long_ago, lang="ru", answer_slug=None),  # outside the period
                Feedback(article_slug="sfi", lang="ar", helpful=True, day=today),
                Feedback(article_slug="sfi", lang="ar", helpful=True, day=today),
                Feedback(article_slug="sfi", lang="fa", helpful=False, day=today),
                Feedback(article_slug="halsa", lang="uk", helpful=False, day=today),
            ]
        )


async def test_the_counts_are_grouped_per_language_topic_and_article(
    admin_sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _usage(admin_sessions)
    since = utcnow().date() - timedelta(days=30)
    async with admin_sessions() as session:
        assert await users_per_language(session=session) == [("ar", 2), (None, 1), ("uk", 1)]
        topics = dict(await questions_per_topic(session=session, since=since))
        assert (topics["introduction"], sum(topics.values())) == (2, 3)
        assert await unanswered_questions(session=session, since=since) == (3, [("ar", 2), ("ti", 1)])
        feedback = await feedback_per_article(session=session, since=since)
    assert [(f.slug, f.helpful, f.not_helpful) for f in feedback] == [("sfi", 2, 1), ("halsa", 0, 1)]


async def test_translation_coverage_counts_what_status_of_says_for_each_article(
    admin_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with admin_sessions() as session:
        coverage = {row.lang: row for row in await translation_coverage(session=session)}
        published = await list_articles(session=session, status=PublicationStatus.PUBLISHED)
        records = [await get_article_file(session=session, slug=a.slug) for a in published]
    for lang, row in coverage.items():
        expected = Counter(status_of(record, lang) for record in records if record is not None)
        counted = {
            Status.REVIEWED: row.reviewed,
            Status.MACHINE: row.machine,
            Status.OUTDATED: row.outdated,
            Status.MISSING: row.missing,
        }
        assert counted == {status: expected.get(status, 0) for status in counted}, lang
    assert "sv" not in coverage
    assert coverage["en"].total == len(published)


async def test_the_overview_shows_reviews_due_usage_and_coverage_as_bar_charts(
    login_as: Login, admin_sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _usage(admin_sessions)
    translator = await login_as(Role.TRANSLATOR, ["ar"])
    await translator.post("/language", {"lang": "en", "next": "/"})
    status, page = await translator.get("/")
    assert status == 200
    assert "Due for review" in page
    assert "Translations of published articles" in page
    assert "Bot users per language" in page
    assert re.search(r"<span>Arabic</span><svg[^>]*>.*?</svg><span class=\"num\">2</span>", page, re.S)
    assert "3 questions found no good answer." in page
    assert "👍 2 · 👎 1" in page
    assert 'width="100.0"' in page  # the largest bar fills its row
    assert "style=" not in page  # the CSP allows no inline styles
    assert str(CHAT_ID) not in page
    assert "pseudonym-1" not in page


async def test_the_overview_works_on_an_unused_bot(login_as: Login) -> None:
    broadcaster = await login_as(Role.BROADCASTER)
    await broadcaster.post("/language", {"lang": "en", "next": "/"})
    status, page = await broadcaster.get("/")
    assert status == 200
    assert "Nobody uses the bot yet." in page
    assert "No feedback yet." in page
    assert "/transfer" not in page  # only editors and administrators import and export
