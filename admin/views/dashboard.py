"""The start page: what needs doing (reviews due, missing translations) and how the bot is used."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web
from sqlmodel import func, select

from admin.access import ALL_ROLES, allow
from admin.labels import KIND_NAMES
from admin.render import SERVICES, render, translator
from content.models import Article, ArticleKind, Municipality, PublicationStatus, utcnow
from content.repository.articles import articles_due_for_review
from content.repository.inbox import open_count
from content.repository.outbox import pending_count
from content.repository.stats import (
    feedback_per_article,
    questions_per_topic,
    questions_total,
    top_answers,
    translation_coverage,
    unanswered_questions,
    users_per_language,
)
from translations.languages import BY_CODE

routes = web.RouteTableDef()
PERIOD_DAYS = 30


@routes.get("/")
@allow(ALL_ROLES)
async def dashboard(request: web.Request) -> web.StreamResponse:
    """Show the overview: content to review, translation coverage and how the bot was used lately."""
    t = translator(request)
    today = utcnow().date()
    since = today - timedelta(days=PERIOD_DAYS)
    async with request.app[SERVICES].sessions() as session:
        articles = await session.scalar(select(func.count()).select_from(Article)) or 0
        published = await session.scalar(
            select(func.count()).select_from(Article).where(Article.status == PublicationStatus.PUBLISHED)
        )
        municipalities = await session.scalar(select(func.count()).select_from(Municipality)) or 0
        unanswered, unanswered_by_lang = await unanswered_questions(session=session, since=since)
        users = await users_per_language(session=session)
        topics = await questions_per_topic(session=session, since=since)
        context = {
            "articles": articles,
            "published": published or 0,
            "municipalities": municipalities,
            "due": await articles_due_for_review(session=session, today=today),
            # Bar labels are made here, in the admin's language: a language's English name, a topic's name.
            "users": [
                (t.gettext(_language_name(lang)) if lang else t.gettext("not chosen yet"), n) for lang, n in users
            ],
            "topics": [(t.gettext(KIND_NAMES[ArticleKind(kind)]), n) for kind, n in topics if kind in KIND_NAMES],
            "answers": await top_answers(session=session, since=since),
            "questions": await questions_total(session=session, since=since),
            "unanswered": unanswered,
            "unanswered_by_lang": [(t.gettext(_language_name(lang)), n) for lang, n in unanswered_by_lang],
            "feedback": await feedback_per_article(session=session, since=since),
            "coverage": await translation_coverage(session=session),
            "inbox": await open_count(session=session),
            "outbox": await pending_count(session=session),
        }
    context |= {"days": PERIOD_DAYS, "language_name": _language_name}
    return await render(request, "dashboard.html", context)


def _language_name(code: str | None) -> str:
    """The English name of a language (a message id: the templates and callers translate it)."""
    language = BY_CODE.get(code or "")
    return language.english_name if language else (code or "")
