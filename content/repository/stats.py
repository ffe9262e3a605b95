"""Counts for the overview: how the bot is used and what content needs work. Only counts, never a person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import (
    Article,
    ArticleTranslation,
    BotUser,
    Feedback,
    PublicationStatus,
    QuestionStat,
    TranslationStatus,
)
from translations.languages import CODES, SOURCE_LANGUAGE


async def users_per_language(*, session: AsyncSession) -> list[tuple[str | None, int]]:
    """Return how many active bot users chose each language (None: not chosen yet), most first."""
    count = func.count()
    query = select(BotUser.lang, count).where(col(BotUser.active).is_(True)).group_by(col(BotUser.lang))
    rows = (await session.exec(query.order_by(count.desc(), col(BotUser.lang)))).all()
    return [(lang, int(n)) for lang, n in rows]


async def questions_per_topic(*, session: AsyncSession, since: date) -> list[tuple[str, int]]:
    """Return how many questions since `since` were best answered by an article of each kind, most first."""
    count = func.count()
    query = (
        select(Article.kind, count)
        .select_from(QuestionStat)
        .join(Article, col(Article.slug) == col(QuestionStat.answer_slug))
        .where(col(QuestionStat.day) >= since)
        .group_by(col(Article.kind))
        .order_by(count.desc(), col(Article.kind))
    )
    return [(str(kind), int(n)) for kind, n in (await session.exec(query)).all()]


async def top_answers(*, session: AsyncSession, since: date, limit: int = 10) -> list[tuple[str, int]]:
    """Return the articles that answered the most questions since `since`."""
    count = func.count()
    query = (
        select(QuestionStat.answer_slug, count)
        .where(col(QuestionStat.day) >= since, col(QuestionStat.answer_slug).is_not(None))
        .group_by(col(QuestionStat.answer_slug))
        .order_by(count.desc(), col(QuestionStat.answer_slug))
        .limit(limit)
    )
    return [(str(slug), int(n)) for slug, n in (await session.exec(query)).all()]


async def unanswered_questions(*, session: AsyncSession, since: date) -> tuple[int, list[tuple[str, int]]]:
    """Return how many questions since `since` found no good answer, and how many per language."""
    count = func.count()
    query = (
        select(QuestionStat.lang, count)
        .where(col(QuestionStat.day) >= since, col(QuestionStat.answer_slug).is_(None))
        .group_by(col(QuestionStat.lang))
        .order_by(count.desc(), col(QuestionStat.lang))
    )
    rows = [(str(lang), int(n)) for lang, n in (await session.exec(query)).all()]
    return sum(n for _, n in rows), rows


async def questions_total(*, session: AsyncSession, since: date) -> int:
    """Return how many questions were asked since `since`."""
    query = select(func.count()).select_from(QuestionStat).where(col(QuestionStat.day) >= since)
    return int(await session.scalar(query) or 0)


@dataclass(frozen=True, slots=True)
class FeedbackCount:
    """👍 and 👎 on one article."""

    slug: str
    helpful: int
    not_helpful: int

    @property
    def total(self) -> int:
        return self.helpful + self.not_helpful


async def feedback_per_article(*, session: AsyncSession, since: date, limit: int = 15) -> list[FeedbackCount]:
    """Return helpful / not helpful counts since `since` for the articles with the most feedback."""
    helpful = func.sum(case((col(Feedback.helpful).is_(True), 1), else_=0))
    total = func.count()
    query = (
        select(Feedback.article_slug, helpful, total)
        .where(col(Feedback.day) >= since)
        .group_by(col(Feedback.article_slug))
        .order_by(total.desc(), col(Feedback.article_slug))
        .limit(limit)
    )
    rows = (await session.exec(query)).all()
    return [FeedbackCount(str(slug), int(yes or 0), int(n) - int(yes or 0)) for slug, yes, n in rows]


@dataclass(frozen=True, slots=True)
class Coverage:
    """What one language has of the published articles (the same statuses as `translations.status_of`)."""

    lang: str
    reviewed: int
    machine: int
    outdated: int
    missing: int

    @property
    def total(self) -> int:
        return self.reviewed + self.machine + self.outdated + self.missing


async def translation_coverage(*, session: AsyncSession) -> list[Coverage]:
    """Return, per language other than Swedish, how many published articles are reviewed, machine-translated,
    outdated or missing (one query; it counts exactly what `status_of` says article by article)."""
    published = int(
        await session.scalar(
            select(func.count()).select_from(Article).where(Article.status == PublicationStatus.PUBLISHED)
        )
        or 0
    )
    outdated = func.coalesce(col(ArticleTranslation.source_version), 0) < col(Article.version)
    machine = col(ArticleTranslation.status) == TranslationStatus.MACHINE
    query = (
        select(
            ArticleTranslation.lang,
            func.sum(case((outdated, 1), else_=0)),
            func.sum(case((outdated, 0), (machine, 1), else_=0)),
            func.count(),
        )
        .join(Article, col(Article.id) == col(ArticleTranslation.article_id))
        .where(Article.status == PublicationStatus.PUBLISHED)
        .group_by(col(ArticleTranslation.lang))
    )
    found = {lang: (int(old or 0), int(auto or 0), int(n)) for lang, old, auto, n in (await session.exec(query)).all()}
    result = []
    for code in CODES:
        if code == SOURCE_LANGUAGE:
            continue
        old, auto, n = found.get(code, (0, 0, 0))
        result.append(Coverage(code, reviewed=n - old - auto, machine=auto, outdated=old, missing=published - n))
    return result
