"""Articles: the list, the Swedish source, translations (by hand and by machine), the bot preview and revisions."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from aiohttp import web
from pydantic import ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession

from admin.access import EDITING, TRANSLATING, allow
from admin.render import SERVICES, account_of, actor_of, flash, redirect, render
from admin.views.article_forms import (
    LABELS,
    RESERVED_SLUGS,
    SLUG,
    SourceForm,
    diff_lines,
    may_edit_source,
    may_translate,
    preview_html,
    provider_of,
    split_terms,
)
from bot.render import markdown_to_html, telegram_html_problem
from content.events_time import SWEDEN
from content.files.schema import ArticleFile, TranslationFile
from content.files.translation_check import check_article
from content.models import Article, ArticleKind, PublicationStatus, Section, TranslationStatus
from content.repository.article_list import list_article_page
from content.repository.articles import (
    ARTICLES,
    get_article,
    get_article_file,
    save_article,
    set_article_status,
)
from content.repository.places import list_municipalities
from content.repository.records import ContentError, StaleEditError, list_revisions, restore_revision
from content.repository.translations import Status, edit_text, mark_reviewed, save_machine_translation, status_of
from translations.catalogs import N_
from translations.languages import BY_CODE, LANGUAGES, SOURCE_LANGUAGE
from translations.machine.fill import _draft as machine_draft

log = logging.getLogger(__name__)
routes = web.RouteTableDef()
TARGETS = tuple(language for language in LANGUAGES if language.code != SOURCE_LANGUAGE)
STALE = N_(
    "Someone else saved this article while you were working on it. Their version is shown below and your text "
    "is kept in the form: compare them, then save again to replace their version with yours."
)


UNFINISHED = frozenset({Status.MISSING, Status.OUTDATED})


def telegram_refusal(body: str, rtl: bool) -> str | None:
    """Why Telegram would refuse a body once rendered, or None (the translation check's Markdown test)."""
    return telegram_html_problem(markdown_to_html(body, rtl=rtl))


def _today() -> date:
    return datetime.now(SWEDEN).date()


async def _load(session: AsyncSession, slug: str) -> tuple[Article, ArticleFile]:
    """The article's row (for its revision number) and its file form; an unknown slug is a 404."""
    row = await get_article(session=session, slug=slug)
    article = await get_article_file(session=session, slug=slug) if row is not None else None
    if row is None or article is None:
        raise web.HTTPNotFound()
    return row, article


async def _page(request: web.Request, template: str, context: dict[str, Any], status: int = 200) -> web.StreamResponse:
    return await render(request, template, {"labels": LABELS, **context}, status=status)


def _changed(request: web.Request) -> None:
    request.app[SERVICES].cache.changed()  # the bot in this process sees the change at once


def _revision(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- the list ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Filters:
    kind: str = ""
    municipality: str = ""
    status: str = ""
    lang: str = ""
    tstatus: str = ""
    due: bool = False
    q: str = ""

    @classmethod
    def of(cls, query: Any, municipalities: set[str]) -> Filters:
        """The filters asked for; values that are not among the choices are ignored."""

        def pick(name: str, allowed: set[str]) -> str:
            value = query.get(name, "")
            return value if value in allowed else ""

        return cls(
            kind=pick("kind", {kind.value for kind in ArticleKind}),
            municipality=pick("municipality", municipalities),
            status=pick("status", {status.value for status in PublicationStatus}),
            lang=pick("lang", {language.code for language in TARGETS}),
            tstatus=pick("tstatus", {status.value for status in Status if status != Status.SOURCE}),
            due=query.get("due") == "1",
            q=query.get("q", "").strip()[:100],
        )


PAGE_SIZE = 100


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


@routes.get("/articles")
@allow(TRANSLATING)
async def article_list(request: web.Request) -> web.StreamResponse:
    """List articles with their publication and translation status, filtered."""
    page = max(_int(request.query.get("page"), 1), 1)
    async with request.app[SERVICES].sessions() as session:
        municipalities = await list_municipalities(session=session)
        filters = Filters.of(request.query, {m.slug for m in municipalities})
        found = await list_article_page(
            session=session,
            today=_today(),
            kind=ArticleKind(filters.kind) if filters.kind else None,
            municipality=filters.municipality or None,
            status=PublicationStatus(filters.status) if filters.status else None,
            due_only=filters.due,
            translation=(filters.lang, Status(filters.tstatus)) if filters.lang and filters.tstatus else None,
            text=filters.q,
            offset=(page - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
    pages = max(1, -(-found.total // PAGE_SIZE))
    articles = [
        {
            "file": article,
            "title": article.translations[SOURCE_LANGUAGE].title if SOURCE_LANGUAGE in article.translations else "",
            "due": article.due,
            "languages": [(language, status_of(article, language.code)) for language in TARGETS],
        }
        for article in found.articles
    ]
    query = {key: value for key, value in request.query.items() if key != "page"}
    context = {
        "articles": articles,
        "total": found.total,
        "page": page,
        "pages": pages,
        "page_url": lambda number: str(request.rel_url.with_query({**query, "page": str(number)})),
        "filters": filters,
        "kinds": list(ArticleKind),
        "statuses": list(PublicationStatus),
        "translation_statuses": [status for status in Status if status != Status.SOURCE],
        "municipalities": municipalities,
        "targets": TARGETS,
        "can_create": may_edit_source(account_of(request)),
    }
    return await _page(request, "articles/list.html", context)


# --- the Swedish source ------------------------------------------------------------------------------------------


async def _edit_page(
    request: web.Request,
    form: SourceForm,
    *,
    article: ArticleFile | None,
    revision: int,
    status: int = 200,
    theirs: ArticleFile | None = None,
) -> web.StreamResponse:
    account = account_of(request)
    async with request.app[SERVICES].sessions() as session:
        municipalities = await list_municipalities(session=session)
    languages = []
    untranslated: list[str] = []
    if article is not None:
        languages = [
            (language, status_of(article, language.code), may_translate(account, language.code)) for language in TARGETS
        ]
        if article.status == PublicationStatus.PUBLISHED:
            untranslated = [language.native_name for language, state, _ in languages if state in UNFINISHED]
    context = {
        "form": form,
        "article": article,
        "revision": revision,
        "theirs": theirs.translations[SOURCE_LANGUAGE] if theirs else None,
        "languages": languages,
        "kinds": list(ArticleKind),
        "sections": list(Section),
        "statuses": list(PublicationStatus),
        "municipalities": municipalities,
        "can_edit_source": may_edit_source(account),
        "can_machine_translate": any(allowed for _, _, allowed in languages),
        "untranslated": untranslated,
    }
    return await _page(request, "articles/edit.html", context, status=status)


@routes.get("/articles/new")
@allow(EDITING)
async def new_form(request: web.Request) -> web.StreamResponse:
    """The form for a new article (its Swedish source)."""
    return await _edit_page(request, SourceForm(), article=None, revision=0)


@routes.post("/articles/new")
@allow(EDITING)
async def create(request: web.Request) -> web.StreamResponse:
    """Create an article as a draft from its Swedish source."""
    form = SourceForm.posted(await request.post())
    if not SLUG.match(form.slug) or form.slug in RESERVED_SLUGS:
        form.error(N_("Write a slug: lower-case letters a–z, digits and hyphens, at most 48 characters."))
    async with request.app[SERVICES].sessions() as session:
        municipalities = {m.slug for m in await list_municipalities(session=session)}
        details, text = form.details(municipalities), form.text()
        if not form.errors and await get_article(session=session, slug=form.slug) is not None:
            form.error(N_("There is already an article with the slug {slug}."), slug=form.slug)
    if form.errors or text is None:
        return await _edit_page(request, form, article=None, revision=0, status=400)
    try:
        data = ArticleFile(slug=form.slug, translations={SOURCE_LANGUAGE: text}, **details)
        async with request.app[SERVICES].sessions() as session, session.begin():
            await save_article(session=session, data=data, actor=actor_of(request), note="created")
    except (ValidationError, ContentError) as error:
        form.error(N_("The article could not be saved: {reason}"), reason=_reason(error))
        return await _edit_page(request, form, article=None, revision=0, status=400)
    _changed(request)
    await flash(request, "Created {title} as a draft.", title=text.title)
    raise redirect(f"/articles/{form.slug}")


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(str(item["msg"]) for item in error.errors())
    return str(error)


@routes.get("/articles/{slug}")
@allow(TRANSLATING)
async def edit_form(request: web.Request) -> web.StreamResponse:
    """The article: its Swedish source (editable for editors) and the status of every translation."""
    async with request.app[SERVICES].sessions() as session:
        row, article = await _load(session, request.match_info["slug"])
    return await _edit_page(request, SourceForm.of(article), article=article, revision=row.revision)


@routes.post("/articles/{slug}")
@allow(EDITING)
async def save_source(request: web.Request) -> web.StreamResponse:
    """Save the Swedish source and the article's details; a normal edit makes every translation outdated."""
    posted = await request.post()
    form = SourceForm.posted(posted)
    expected = _revision(posted.get("revision"))
    async with request.app[SERVICES].sessions() as session:
        row, article = await _load(session, request.match_info["slug"])
        municipalities = {m.slug for m in await list_municipalities(session=session)}
    form.slug = article.slug
    details, text = form.details(municipalities), form.text()
    if expected is None:
        form.error(N_("The form is incomplete. Reload the page and try again."))
    if form.errors or text is None or expected is None:
        return await _edit_page(request, form, article=article, revision=expected or row.revision, status=400)
    try:
        async with request.app[SERVICES].sessions() as session, session.begin():
            updated = ArticleFile.model_validate({**article.model_dump(), **details})
            actor = actor_of(request)
            # The details first: that save checks the revision the editor started from, for both changes. The text
            # goes through edit_text, which owns the rule of when the source gets a new version (not for a minor
            # edit); a save that changes both details and text therefore keeps two revisions.
            await save_article(session=session, data=updated, actor=actor, note="details", expected_revision=expected)
            await edit_text(
                session=session, slug=article.slug, lang=SOURCE_LANGUAGE, text=text, actor=actor, minor=form.minor
            )
    except StaleEditError:
        async with request.app[SERVICES].sessions() as session:
            row, theirs = await _load(session, article.slug)
        form.error(STALE)
        return await _edit_page(request, form, article=theirs, revision=row.revision, status=409, theirs=theirs)
    except (ValidationError, ContentError) as error:
        form.error(N_("The article could not be saved: {reason}"), reason=_reason(error))
        return await _edit_page(request, form, article=article, revision=expected, status=400)
    _changed(request)
    await flash(request, "Saved {title}.", title=text.title)
    raise redirect(f"/articles/{article.slug}")


@routes.post("/articles/{slug}/status")
@allow(EDITING)
async def change_status(request: web.Request) -> web.StreamResponse:
    """Publish an article, send it to review, or take it back to draft."""
    slug = request.match_info["slug"]
    wanted = (await request.post()).get("status")
    async with request.app[SERVICES].sessions() as session, session.begin():
        _, article = await _load(session, slug)
        if wanted not in {status.value for status in PublicationStatus}:
            return await render(request, "error.html", {"message": N_("Choose a publication status.")}, status=400)
        await set_article_status(session=session, slug=slug, status=PublicationStatus(wanted), actor=actor_of(request))
    _changed(request)
    title = article.translations[SOURCE_LANGUAGE].title
    messages = {
        PublicationStatus.PUBLISHED: N_("Published {title}: the bot shows it now."),
        PublicationStatus.REVIEW: N_("{title} is waiting for review; the bot does not show it."),
        PublicationStatus.DRAFT: N_("{title} is a draft again; the bot does not show it."),
    }
    await flash(request, messages[PublicationStatus(wanted)], title=title)
    raise redirect(f"/articles/{slug}")


# --- translations ------------------------------------------------------------------------------------------------


def _language(request: web.Request) -> str:
    lang = request.match_info["lang"]
    if lang not in BY_CODE or lang == SOURCE_LANGUAGE:
        raise web.HTTPNotFound()
    return lang


async def _not_yours(request: web.Request) -> web.StreamResponse:
    message = N_("You may only change the translations of your own languages. Ask an administrator.")
    return await render(request, "error.html", {"message": message}, status=403)


async def _translation_page(
    request: web.Request,
    article: ArticleFile,
    lang: str,
    *,
    revision: int,
    text: dict[str, str] | None = None,
    error: str | None = None,
    theirs: TranslationFile | None = None,
    status: int = 200,
) -> web.StreamResponse:
    current = article.translations.get(lang)
    if text is None:
        text = {"title": "", "summary": "", "body": "", "keywords": ""}
        if current is not None:
            text = {**current.model_dump(include={"title", "summary", "body"}), "keywords": ", ".join(current.keywords)}
    context = {
        "article": article,
        "source": article.translations[SOURCE_LANGUAGE],
        "language": BY_CODE[lang],
        "status": status_of(article, lang),
        "text": text,
        "revision": revision,
        "error": error,
        "theirs": theirs,
        "can_edit": may_translate(account_of(request), lang),
        "reviewable": current is not None and status_of(article, lang) != Status.REVIEWED,
        "provenance": current,
        "problems": [problem.message for problem in check_article(article, telegram_refusal) if problem.lang == lang]
        if current is not None
        else [],
    }
    return await _page(request, "articles/translation.html", context, status=status)


@routes.get("/articles/{slug}/translations/{lang}")
@allow(TRANSLATING)
async def translation_form(request: web.Request) -> web.StreamResponse:
    """One translation beside the Swedish source."""
    lang = _language(request)
    async with request.app[SERVICES].sessions() as session:
        row, article = await _load(session, request.match_info["slug"])
    return await _translation_page(request, article, lang, revision=row.revision)


@routes.post("/articles/{slug}/translations/{lang}")
@allow(TRANSLATING)
async def save_translation(request: web.Request) -> web.StreamResponse:
    """Save a translation written or checked by a person: it becomes reviewed for the current source."""
    lang = _language(request)
    posted = await request.post()
    async with request.app[SERVICES].sessions() as session:
        row, article = await _load(session, request.match_info["slug"])
    if not may_translate(account_of(request), lang):
        return await _not_yours(request)
    text = {name: str(posted.get(name, "")).replace("\r\n", "\n").strip() for name in ("title", "summary", "body")}
    text["keywords"] = str(posted.get("keywords", ""))
    expected = _revision(posted.get("revision"))
    if not text["title"] or expected is None:
        error = (
            N_("Write a title.")
            if expected is not None
            else N_("The form is incomplete. Reload the page and try again.")
        )
        return await _translation_page(
            request, article, lang, revision=expected or row.revision, text=text, error=error, status=400
        )
    translation = TranslationFile(
        status=TranslationStatus.REVIEWED,
        source_version=article.version,
        title=text["title"],
        summary=text["summary"],
        body=text["body"],
        keywords=split_terms(text["keywords"]),
    )
    try:
        async with request.app[SERVICES].sessions() as session, session.begin():
            await edit_text(
                session=session,
                slug=article.slug,
                lang=lang,
                text=translation,
                actor=actor_of(request),
                expected_revision=expected,
            )
    except StaleEditError:
        async with request.app[SERVICES].sessions() as session:
            row, current = await _load(session, article.slug)
        return await _translation_page(
            request,
            current,
            lang,
            revision=row.revision,
            text=text,
            error=STALE,
            theirs=current.translations.get(lang),
            status=409,
        )
    _changed(request)
    await flash(
        request,
        "Saved the {language} translation of {title}.",
        language=BY_CODE[lang].english_name,
        title=article.translations[SOURCE_LANGUAGE].title,
    )
    raise redirect(f"/articles/{article.slug}/translations/{lang}")


@routes.post("/articles/{slug}/translations/{lang}/reviewed")
@allow(TRANSLATING)
async def review(request: web.Request) -> web.StreamResponse:
    """A person checked the translation against the current source and approves it as it is."""
    lang = _language(request)
    slug = request.match_info["slug"]
    if not may_translate(account_of(request), lang):
        return await _not_yours(request)
    try:
        async with request.app[SERVICES].sessions() as session, session.begin():
            await _load(session, slug)
            await mark_reviewed(session=session, slug=slug, lang=lang, actor=actor_of(request))
    except ContentError:
        await flash(
            request,
            "There is no {language} translation to mark as reviewed yet.",
            "error",
            language=BY_CODE[lang].english_name,
        )
        raise redirect(f"/articles/{slug}/translations/{lang}") from None
    _changed(request)
    await flash(request, "Marked the {language} translation as reviewed.", language=BY_CODE[lang].english_name)
    raise redirect(f"/articles/{slug}/translations/{lang}")


# --- machine translation -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class MachineResult:
    translated: list[str]
    reviewed: list[str]  # left alone: a person's text is never replaced by a machine's
    unreachable: list[str]
    failed: list[str]


async def _machine_translate(request: web.Request, article: ArticleFile, codes: list[str]) -> MachineResult:
    """Draft machine translations of `article` into `codes`; reviewed translations are never touched."""
    provider = provider_of(request.app)
    result = MachineResult([], [], [], [])
    for code in codes:
        name = BY_CODE[code].english_name
        existing = article.translations.get(code)
        if existing is not None and existing.status == TranslationStatus.REVIEWED:
            result.reviewed.append(name)
            continue
        if not provider.can_translate(SOURCE_LANGUAGE, code):
            result.unreachable.append(name)
            continue
        try:
            draft = await machine_draft(provider, article, code)
            async with request.app[SERVICES].sessions() as session, session.begin():
                saved = await save_machine_translation(
                    session=session,
                    slug=article.slug,
                    lang=code,
                    text=draft,
                    version=article.version,
                    actor=actor_of(request),
                )
        except Exception as error:  # one failed language must not stop the others; the person is told
            log.warning("Machine translation of an article into %s failed: %s", code, type(error).__name__)
            result.failed.append(name)
            continue
        (result.translated if saved is not None else result.failed).append(name)
    return result


async def _report(request: web.Request, result: MachineResult) -> None:
    if result.translated:
        await flash(
            request,
            "Machine-translated into {languages}. A person should check it.",
            languages=", ".join(result.translated),
        )
    if result.reviewed:
        await flash(
            request,
            "Left alone because a person has reviewed them: {languages}.",
            "info",
            languages=", ".join(result.reviewed),
        )
    if result.unreachable:
        await flash(
            request,
            "Machine translation from Swedish is not available for {languages}.",
            "error",
            languages=", ".join(result.unreachable),
        )
    if result.failed:
        await flash(
            request,
            "Machine translation failed for {languages}. Try again later.",
            "error",
            languages=", ".join(result.failed),
        )
    if not (result.translated or result.reviewed or result.unreachable or result.failed):
        await flash(request, "Nothing to translate: every translation exists and is up to date.", "info")


@routes.post("/articles/{slug}/translations/{lang}/machine")
@allow(TRANSLATING)
async def machine_one(request: web.Request) -> web.StreamResponse:
    """Draft one language by machine (not over a reviewed translation)."""
    lang = _language(request)
    async with request.app[SERVICES].sessions() as session:
        _, article = await _load(session, request.match_info["slug"])
    if not may_translate(account_of(request), lang):
        return await _not_yours(request)
    result = await _machine_translate(request, article, [lang])
    if result.translated:
        _changed(request)
    await _report(request, result)
    raise redirect(f"/articles/{article.slug}/translations/{lang}")


@routes.post("/articles/{slug}/machine")
@allow(TRANSLATING)
async def machine_all(request: web.Request) -> web.StreamResponse:
    """Draft every missing or outdated machine translation (of the languages this person may change)."""
    async with request.app[SERVICES].sessions() as session:
        _, article = await _load(session, request.match_info["slug"])
    account = account_of(request)
    codes = [
        language.code
        for language in TARGETS
        if may_translate(account, language.code)
        and language.machine_translation
        and status_of(article, language.code) in (Status.MISSING, Status.OUTDATED)
    ]
    result = await _machine_translate(request, article, codes)
    if result.translated:
        _changed(request)
    await _report(request, result)
    raise redirect(f"/articles/{article.slug}")


# --- preview -----------------------------------------------------------------------------------------------------


@routes.get("/articles/{slug}/preview")
@allow(TRANSLATING)
async def preview(request: web.Request) -> web.StreamResponse:
    """The article as the bot shows it to a reader of one language."""
    lang = request.query.get("lang", SOURCE_LANGUAGE)
    status = 200
    if lang not in BY_CODE:
        lang, status = SOURCE_LANGUAGE, 400
    async with request.app[SERVICES].sessions() as session:
        _, article = await _load(session, request.match_info["slug"])
        message = preview_html(session, request.app[SERVICES], article, lang)
    error = N_("There is no such language; the Swedish text is shown.") if status == 400 else None
    context = {
        "article": article,
        "message": message,
        "language": BY_CODE[lang],
        "languages": LANGUAGES,
        "error": error,
    }
    return await _page(request, "articles/preview.html", context, status=status)


# --- revisions ---------------------------------------------------------------------------------------------------


async def _revisions_page(request: web.Request, error: str | None = None, status: int = 200) -> web.StreamResponse:
    slug = request.match_info["slug"]
    async with request.app[SERVICES].sessions() as session:
        _, article = await _load(session, slug)
        revisions = await list_revisions(session=session, entity="article", slug=slug)
    context = {
        "article": article,
        "revisions": revisions,
        "error": error,
        "can_restore": may_edit_source(account_of(request)),
    }
    return await _page(request, "articles/revisions.html", context, status=status)


@routes.get("/articles/{slug}/revisions")
@allow(TRANSLATING)
async def revisions(request: web.Request) -> web.StreamResponse:
    """Every saved version of the article: who, when, why."""
    return await _revisions_page(request)


@routes.get("/articles/{slug}/diff")
@allow(TRANSLATING)
async def diff(request: web.Request) -> web.StreamResponse:
    """What changed between two revisions (by number; by default the newest and the one before it)."""
    slug = request.match_info["slug"]
    async with request.app[SERVICES].sessions() as session:
        _, article = await _load(session, slug)
        by_number = {r.number: r for r in await list_revisions(session=session, entity="article", slug=slug)}
    newest = max(by_number, default=0)
    b = _revision(request.query.get("b", newest))
    a = _revision(request.query.get("a", (b or 1) - 1))
    if a is None or b is None or b not in by_number or (a not in by_number and a != 0):
        return await _revisions_page(request, N_("There is no such revision of this article."), status=400)
    old = by_number[a].data if a in by_number else None
    context = {"article": article, "a": a, "b": b, "lines": diff_lines(old, by_number[b].data), "newest": newest}
    return await _page(request, "articles/diff.html", context)


@routes.post("/articles/{slug}/restore")
@allow(EDITING)
async def restore(request: web.Request) -> web.StreamResponse:
    """Make an old revision current again (the restore is itself a new revision)."""
    slug = request.match_info["slug"]
    wanted = _revision((await request.post()).get("revision"))
    try:
        async with request.app[SERVICES].sessions() as session, session.begin():
            await _load(session, slug)
            ids = {r.id: r.number for r in await list_revisions(session=session, entity="article", slug=slug)}
            if wanted is None or wanted not in ids:
                raise ContentError("no such revision of this article")
            await restore_revision({"article": ARTICLES}, session=session, revision_id=wanted, actor=actor_of(request))
    except ContentError:
        return await _revisions_page(request, N_("That revision cannot be restored."), status=400)
    _changed(request)
    await flash(request, "Restored revision {number}; it is now the newest revision.", number=ids[wanted])
    raise redirect(f"/articles/{slug}/revisions")
