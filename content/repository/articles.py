"""Articles and their translations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from content.files.schema import ArticleFile, TranslationFile
from content.models import (
    Article,
    ArticleKind,
    ArticleTranslation,
    Municipality,
    PublicationStatus,
    utcnow,
)
from content.repository.lookup import by_slug, id_of, slug_of
from content.repository.records import ContentError, SaveResult, delete_record, save_record


class ArticleAdapter:
    entity = "article"
    model = ArticleFile

    async def read(self, session: AsyncSession, slug: str) -> ArticleFile | None:
        article = await by_slug(session, Article, slug)
        if article is None:
            return None
        municipality = await slug_of(session, Municipality, article.municipality_id)
        return _file(article, municipality, await _translations(session, article))

    async def write(self, session: AsyncSession, data: ArticleFile, revision: int) -> None:
        article = await by_slug(session, Article, data.slug) or Article(
            slug=data.slug, kind=data.kind, source=data.source
        )
        article.kind = data.kind
        article.municipality_id = await id_of(session, Municipality, data.municipality)
        article.section = data.section
        article.status = data.status
        article.source = data.source
        article.verified_at, article.review_due = data.verified_at, data.review_due
        article.example, article.version, article.revision = data.example, data.version, revision
        article.search_terms = {code: list(terms) for code, terms in data.search_terms.items()}
        article.related = list(data.related)
        article.updated_at = utcnow()
        session.add(article)
        await session.flush()
        existing = {t.lang: t for t in await _translations(session, article)}
        for lang, text in data.translations.items():
            row = existing.pop(lang, None) or ArticleTranslation(
                article_id=article.id or 0, lang=lang, status=text.status, title=text.title
            )
            if _differs(row, text):
                row.status, row.source_version = text.status, text.source_version
                row.translated_by, row.reviewed_by = text.translated_by, text.reviewed_by
                row.title, row.summary, row.body = text.title, text.summary, text.body
                row.keywords = list(text.keywords)
                row.updated_at = utcnow()
                session.add(row)
        for stale in existing.values():
            await session.delete(stale)

    async def remove(self, session: AsyncSession, slug: str) -> None:
        article = await by_slug(session, Article, slug)
        assert article is not None
        for translation in await _translations(session, article):
            await session.delete(translation)
        await session.flush()  # children first: the tables have no ORM relationship to order the deletes
        await session.delete(article)


def _file(article: Article, municipality: str | None, translations: list[ArticleTranslation]) -> ArticleFile:
    return ArticleFile(
        slug=article.slug,
        kind=article.kind,
        municipality=municipality,
        section=article.section,
        status=article.status,
        source=article.source,
        verified_at=article.verified_at,
        review_due=article.review_due,
        example=article.example,
        version=article.version,
        search_terms=article.search_terms,
        related=article.related,
        translations={
            t.lang: TranslationFile(
                status=t.status,
                source_version=t.source_version,
                translated_by=t.translated_by,
                reviewed_by=t.reviewed_by,
                title=t.title,
                summary=t.summary,
                body=t.body,
                keywords=t.keywords,
            )
            for t in translations
        },
    )


def _differs(row: ArticleTranslation, text: TranslationFile) -> bool:
    return (row.id is None) or (
        (row.status, row.source_version, row.translated_by, row.reviewed_by)
        != (text.status, text.source_version, text.translated_by, text.reviewed_by)
        or (row.title, row.summary, row.body, row.keywords) != (text.title, text.summary, text.body, text.keywords)
    )


async def _translations(session: AsyncSession, article: Article) -> list[ArticleTranslation]:
    result = await session.exec(
        select(ArticleTranslation)
        .where(ArticleTranslation.article_id == article.id)
        .order_by(col(ArticleTranslation.id))
    )
    return list(result.all())


ARTICLES = ArticleAdapter()


async def get_article(*, session: AsyncSession, slug: str) -> Article | None:
    """Return the article with `slug`, or None."""
    return await by_slug(session, Article, slug)


async def get_article_file(*, session: AsyncSession, slug: str) -> ArticleFile | None:
    """Return the article with `slug` in its file form (all fields and translations), or None."""
    return await ARTICLES.read(session, slug)


async def list_articles(
    *,
    session: AsyncSession,
    kind: ArticleKind | None = None,
    municipality: str | None = None,
    status: PublicationStatus | None = None,
) -> list[Article]:
    """Return articles by slug, optionally filtered by kind, municipality slug and publication status."""
    query = select(Article).order_by(col(Article.slug))
    if kind is not None:
        query = query.where(col(Article.kind) == kind)
    if status is not None:
        query = query.where(col(Article.status) == status)
    if municipality is not None:
        query = query.where(col(Article.municipality_id) == await id_of(session, Municipality, municipality))
    return list((await session.exec(query)).all())


async def articles_due_for_review(*, session: AsyncSession, today: date) -> list[Article]:
    """Return articles whose review date has come, or that were never checked against their source."""
    query = (
        select(Article)
        .where(or_(col(Article.review_due) <= today, col(Article.verified_at).is_(None)))
        .order_by(col(Article.review_due), col(Article.slug))
    )
    return list((await session.exec(query)).all())


@dataclass(frozen=True, slots=True)
class PublishedText:
    """A published article's text in one language, as readers and the search index see it."""

    slug: str
    kind: str
    municipality: str | None
    lang: str
    status: str
    title: str
    summary: str
    body: str
    keywords: list[str]
    search_terms: dict[str, list[str]]  # the article's curated search words per language


async def published_slugs(*, session: AsyncSession) -> list[str]:
    """Return the slugs of every published article, in order."""
    query = select(Article.slug).where(Article.status == PublicationStatus.PUBLISHED).order_by(col(Article.slug))
    return list((await session.exec(query)).all())


async def published_texts(*, session: AsyncSession, slugs: list[str] | None = None) -> list[PublishedText]:
    """Return every translation of published articles (optionally only of `slugs`).

    Plain columns, not ORM objects: the search index reads every text at start, and ORM objects for all of them
    (about 1,800) left several megabytes of the server's heap behind after they were freed. An article's search
    terms are read once and shared by its translations (read with each of them, they were parsed nine times: about
    5 MB more at start).
    """
    texts = (
        sa_select(
            *(
                col(column)
                for column in (
                    Article.slug,
                    Article.kind,
                    ArticleTranslation.lang,
                    ArticleTranslation.status,
                    ArticleTranslation.title,
                    ArticleTranslation.summary,
                    ArticleTranslation.body,
                    ArticleTranslation.keywords,
                    Municipality.slug,
                )
            )
        )
        .join(ArticleTranslation, col(ArticleTranslation.article_id) == col(Article.id))
        .outerjoin(Municipality, col(Municipality.id) == col(Article.municipality_id))
        .where(col(Article.status) == PublicationStatus.PUBLISHED)
        .order_by(col(Article.slug), col(ArticleTranslation.lang))
    )
    terms = sa_select(col(Article.slug), col(Article.search_terms)).where(
        col(Article.status) == PublicationStatus.PUBLISHED
    )
    if slugs is not None:
        texts = texts.where(col(Article.slug).in_(slugs))
        terms = terms.where(col(Article.slug).in_(slugs))
    connection = await session.connection()  # columns, not entities: the session's Core connection
    terms_rows = (await connection.execute(terms)).all()
    search_terms: dict[str, dict[str, list[str]]] = {slug: found for slug, found in terms_rows}
    rows: list[Any] = list((await connection.execute(texts)).all())
    return [
        PublishedText(
            slug=slug,
            kind=kind,
            municipality=municipality,
            lang=lang,
            status=status,
            title=title,
            summary=summary,
            body=body,
            keywords=keywords,
            search_terms=search_terms.get(slug) or {},
        )
        for slug, kind, lang, status, title, summary, body, keywords, municipality in rows
    ]


async def save_article(
    *,
    session: AsyncSession,
    data: ArticleFile,
    actor: str,
    note: str = "",
    expected_revision: int | None = None,
) -> SaveResult:
    """Create or update an article and its translations, keeping a revision of the change."""
    return await save_record(
        ARTICLES, session=session, data=data, actor=actor, note=note, expected_revision=expected_revision
    )


async def set_article_status(*, session: AsyncSession, slug: str, status: PublicationStatus, actor: str) -> SaveResult:
    """Move an article to draft, review or published."""
    current = await ARTICLES.read(session, slug)
    if current is None:
        raise ContentError(f"there is no article {slug!r}")
    return await save_article(
        session=session, data=current.model_copy(update={"status": status}), actor=actor, note=f"status {status}"
    )


async def delete_article(*, session: AsyncSession, slug: str, actor: str) -> bool:
    """Delete an article; its revisions stay, so it can be restored."""
    return await delete_record(ARTICLES, session=session, slug=slug, actor=actor)


@dataclass(frozen=True, slots=True)
class ArticleView:
    """A published article as one reader sees it: the best text for their language, and where it came from."""

    slug: str
    kind: str
    municipality: str | None
    section: str | None
    source: str
    verified_at: date | None
    example: bool
    lang: str  # the language of the text shown
    status: str  # source | machine | reviewed
    outdated: bool  # the Swedish source changed after this translation was made
    title: str
    summary: str
    body: str
    translated_by: str | None = None
    related: tuple[str, ...] = ()


async def read_article(*, session: AsyncSession, slug: str, chain: tuple[str, ...]) -> ArticleView | None:
    """Return a published article in the first language of `chain` that it has, or None."""
    article = await by_slug(session, Article, slug)
    if article is None or article.status != PublicationStatus.PUBLISHED:
        return None
    texts = {t.lang: t for t in await _translations(session, article)}
    text = next((texts[code] for code in chain if code in texts), None) or next(iter(texts.values()), None)
    if text is None:
        return None
    return ArticleView(
        slug=article.slug,
        kind=article.kind,
        municipality=await slug_of(session, Municipality, article.municipality_id),
        section=article.section,
        source=article.source,
        verified_at=article.verified_at,
        example=article.example,
        lang=text.lang,
        status=text.status,
        outdated=text.source_version is not None and text.source_version < article.version,
        title=text.title,
        summary=text.summary,
        body=text.body,
        translated_by=text.translated_by,
        related=tuple(article.related),
    )


async def published_titles(
    *, session: AsyncSession, chain: tuple[str, ...], kind: ArticleKind | None = None, municipality: str | None = None
) -> list[tuple[str, str, str | None]]:
    """Return (slug, title in the best language, section) of published articles, by slug."""
    articles = await list_articles(
        session=session, kind=kind, municipality=municipality, status=PublicationStatus.PUBLISHED
    )
    return await _titles(session, articles, chain)


async def titles_of(*, session: AsyncSession, slugs: list[str], chain: tuple[str, ...]) -> list[tuple[str, str]]:
    """Return (slug, title in the best language) of those of `slugs` that are published, in the order given."""
    if not slugs:
        return []
    query = select(Article).where(col(Article.slug).in_(slugs), Article.status == PublicationStatus.PUBLISHED)
    found = {slug: title for slug, title, _ in await _titles(session, list((await session.exec(query)).all()), chain)}
    return [(slug, found[slug]) for slug in slugs if slug in found]


async def _titles(
    session: AsyncSession, articles: list[Article], chain: tuple[str, ...]
) -> list[tuple[str, str, str | None]]:
    titles: dict[int, dict[str, str]] = {}
    if articles:  # every title of these articles in one query, not one query per article
        query = (
            select(ArticleTranslation.article_id, ArticleTranslation.lang, ArticleTranslation.title)
            .where(col(ArticleTranslation.article_id).in_([article.id for article in articles]))
            .order_by(col(ArticleTranslation.id))
        )
        for article_id, lang, title in (await session.exec(query)).all():
            titles.setdefault(article_id, {})[lang] = title
    result: list[tuple[str, str, str | None]] = []
    for article in articles:
        texts = titles.get(article.id or 0, {})
        title = next((texts[code] for code in chain if code in texts), None) or next(iter(texts.values()), "")
        result.append((article.slug, title, article.section))
    return result
