"""The staff inbox: questions people chose to send, read in Swedish, answered in the asker's language."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from admin.access import STAFF, allow
from admin.render import SERVICES, SETTINGS, actor_of, flash, redirect, render
from admin.views.article_forms import provider_of
from admin.views.events import local
from admin.views.record_forms import Invalid, posted, text
from content.files.schema import ArticleFile
from content.models import ArticleKind, InboxMessage, InboxThread, PublicationStatus, ThreadStatus, utcnow
from content.repository import inbox
from content.repository.articles import get_article, save_article
from translations.catalogs import N_
from translations.languages import BY_CODE, SOURCE_LANGUAGE
from translations.machine.provider import TranslationProvider

log = logging.getLogger(__name__)
routes = web.RouteTableDef()
ANSWER_LIMIT = 3500
SWEDISH = (SOURCE_LANGUAGE, "sv-x-easy")
STATUS_LABELS = {"open": N_("Waiting for an answer"), "answered": N_("Answered"), "closed": N_("Closed")}
FAQ_SOURCE = "Vägvisare: svar från personalen"
FAQ_TITLE = "Fråga från inkorgen {number}: skriv frågan i allmänna ordalag"


@routes.get("/inbox")
@allow(STAFF)
async def inbox_list(request: web.Request) -> web.StreamResponse:
    """Threads waiting for an answer (urgent first), or answered or closed ones."""
    chosen = request.query.get("status", ThreadStatus.OPEN.value)
    status = ThreadStatus(chosen) if chosen in {s.value for s in ThreadStatus} else None
    async with request.app[SERVICES].sessions() as session:
        rows = await inbox.list_threads(session=session, status=status)
    return await render(
        request,
        "inbox/list.html",
        {
            "rows": rows,
            "chosen": chosen if status else "all",
            "status_labels": STATUS_LABELS,
            "by_code": BY_CODE,
            "local": local,
            "retention_days": request.app[SETTINGS].inbox_retention_days,
        },
    )


async def _load(request: web.Request) -> tuple[InboxThread, Any, list[InboxMessage]]:
    async with request.app[SERVICES].sessions() as session:
        found = await inbox.get_thread(session=session, thread_id=int(request.match_info["thread_id"]))
    if found is None:
        raise web.HTTPNotFound()
    return found


async def _to_swedish(
    request: web.Request, thread: InboxThread, messages: list[InboxMessage]
) -> tuple[str, dict[str, str]] | None:
    """Machine-translate the person's messages into Swedish once, and keep the translation; None when impossible."""
    if thread.lang in SWEDISH:
        return None
    provider: TranslationProvider = provider_of(request.app)
    missing = [m for m in messages if not m.from_staff and m.translation is None]
    if not missing:
        return None
    name = {"language": BY_CODE[thread.lang].english_name if thread.lang in BY_CODE else thread.lang}
    if not provider.can_translate(thread.lang, SOURCE_LANGUAGE):
        return N_("No machine translation from {language} into Swedish is installed."), name
    try:
        translated = await provider.translate([m.text for m in missing], thread.lang, SOURCE_LANGUAGE)
        if len(translated) != len(missing):
            raise ValueError("the provider returned a different number of texts")
    except Exception as error:  # the page still shows the original
        log.warning("Machine translation of an inbox message failed: %s", type(error).__name__)
        return N_("Machine translation from {language} into Swedish failed."), name
    async with request.app[SERVICES].sessions() as session, session.begin():
        for message, swedish in zip(missing, translated, strict=True):
            stored = await session.get(InboxMessage, message.id)
            if stored is not None:
                await inbox.store_translation(session=session, message=stored, translation=swedish)
                message.translation, message.translated_by_machine = swedish, True
    return None


@routes.get(r"/inbox/{thread_id:\d+}")
@allow(STAFF)
async def thread_page(request: web.Request) -> web.StreamResponse:
    """A thread: the person's messages with their Swedish translation, the answers, and the answer form."""
    thread, user, messages = await _load(request)
    problem = await _to_swedish(request, thread, messages)
    return await _page(request, thread, user, messages, notice=problem)


async def _page(
    request: web.Request,
    thread: InboxThread,
    user: Any,
    messages: list[InboxMessage],
    *,
    values: dict[str, str] | None = None,
    notice: tuple[str, dict[str, str]] | None = None,
    error: tuple[str, dict[str, str]] | None = None,
    status: int = 200,
) -> web.Response:
    language = BY_CODE.get(thread.lang)
    return await render(
        request,
        "inbox/thread.html",
        {
            "thread": thread,
            "pseudonym": user.pseudonym,
            "messages": messages,
            "language": language,
            "needs_translation": thread.lang not in SWEDISH,
            "values": values or {"swedish": "", "translated": "", "machine": ""},
            "notice": notice,
            "error": error,
            "status_labels": STATUS_LABELS,
            "local": local,
            "retention_days": request.app[SETTINGS].inbox_retention_days,
        },
        status=status,
    )


def _answer_fields(form: Any) -> dict[str, str]:
    return {
        "swedish": text(form, "swedish", limit=ANSWER_LIMIT).replace("\r\n", "\n"),
        "translated": text(form, "translated", limit=ANSWER_LIMIT).replace("\r\n", "\n"),
        "machine": posted(form, "machine"),
    }


@routes.post(r"/inbox/{thread_id:\d+}/draft")
@allow(STAFF)
async def answer_draft(request: web.Request) -> web.StreamResponse:
    """Machine-translate the Swedish answer into the asker's language, to check and edit before sending."""
    thread, user, messages = await _load(request)
    form = await request.post()
    try:
        values = _answer_fields(form)
        if not values["swedish"]:
            raise Invalid(N_("Write the answer in Swedish first."))
    except Invalid as problem:
        values = {"swedish": posted(form, "swedish"), "translated": posted(form, "translated"), "machine": ""}
        return await _page(request, thread, user, messages, values=values,
                           error=(problem.message, problem.values), status=400)  # fmt: skip
    provider = provider_of(request.app)
    if thread.lang in SWEDISH or not provider.can_translate(SOURCE_LANGUAGE, thread.lang):
        name = BY_CODE[thread.lang].english_name if thread.lang in BY_CODE else thread.lang
        error = (N_("No machine translation into {language} is installed: write the translation yourself."),
                 {"language": name})  # fmt: skip
        return await _page(request, thread, user, messages, values=values, error=error, status=400)
    try:
        [draft] = await provider.translate([values["swedish"]], SOURCE_LANGUAGE, thread.lang)
    except Exception as failure:
        log.warning("Machine translation of an inbox answer failed: %s", type(failure).__name__)
        error = (N_("Machine translation failed. Try again, or write the translation yourself."), {})
        return await _page(request, thread, user, messages, values=values, error=error, status=502)
    values["translated"] = values["machine"] = draft
    return await _page(request, thread, user, messages, values=values)


@routes.post(r"/inbox/{thread_id:\d+}/reply")
@allow(STAFF)
async def answer_send(request: web.Request) -> web.StreamResponse:
    """Send the answer: the translation (checked by staff, or the machine's) with the Swedish one tap away."""
    thread, user, messages = await _load(request)
    form = await request.post()
    try:
        values = _answer_fields(form)
        if not values["swedish"]:
            raise Invalid(N_("Write the answer in Swedish."))
        needs = thread.lang not in SWEDISH
        if needs and not values["translated"]:
            raise Invalid(
                N_("Add the answer in the asker's language ({language}): press Translate, check it, then send."),
                language=BY_CODE[thread.lang].english_name if thread.lang in BY_CODE else thread.lang,
            )
    except Invalid as problem:
        values = {key: posted(form, key) for key in ("swedish", "translated", "machine")}
        return await _page(request, thread, user, messages, values=values,
                           error=(problem.message, problem.values), status=400)  # fmt: skip
    by_machine = needs and values["translated"] == values["machine"]
    async with request.app[SERVICES].sessions() as session, session.begin():
        stored = await session.get(InboxThread, thread.id)
        assert stored is not None
        await inbox.answer(
            session=session,
            thread=stored,
            staff=actor_of(request),
            swedish=values["swedish"],
            translated=values["translated"] if needs else None,
            by_machine=by_machine,
            now=utcnow(),
        )
    await flash(request, "The answer is on its way to {pseudonym}.", pseudonym=user.pseudonym)
    raise redirect(f"/inbox/{thread.id}")


async def _set_status(request: web.Request, status: ThreadStatus) -> web.StreamResponse:
    thread, _user, _messages = await _load(request)
    async with request.app[SERVICES].sessions() as session, session.begin():
        stored = await session.get(InboxThread, thread.id)
        assert stored is not None
        await inbox.set_thread_status(
            session=session, thread=stored, status=status, actor=actor_of(request), now=utcnow()
        )
    if status == ThreadStatus.CLOSED:
        days = request.app[SETTINGS].inbox_retention_days
        await flash(request, "Closed. The conversation will be deleted in {days} days.", days=days)
    else:
        await flash(request, "Opened again.")
    raise redirect(f"/inbox/{thread.id}")


@routes.post(r"/inbox/{thread_id:\d+}/close")
@allow(STAFF)
async def thread_close(request: web.Request) -> web.StreamResponse:
    """Close a thread; it is deleted when the retention period has passed."""
    return await _set_status(request, ThreadStatus.CLOSED)


@routes.post(r"/inbox/{thread_id:\d+}/reopen")
@allow(STAFF)
async def thread_reopen(request: web.Request) -> web.StreamResponse:
    """Open a closed thread again (its deletion is off until it is closed again)."""
    return await _set_status(request, ThreadStatus.OPEN)


@routes.post(r"/inbox/{thread_id:\d+}/faq")
@allow(STAFF)
async def make_faq(request: web.Request) -> web.StreamResponse:
    """Turn the question and the latest answer into a draft FAQ article (in Swedish) for editors to finish."""
    thread, _user, messages = await _load(request)
    questions = [m for m in messages if not m.from_staff]
    answers = [m for m in messages if m.from_staff]
    if not questions or not answers:
        await flash(request, "Answer the question first; then it can become a FAQ article.", "error")
        raise redirect(f"/inbox/{thread.id}")
    # The person's own words stay in the inbox (deleted with the thread, or on /forget): the article gets a
    # placeholder title for the editor to write the question in general terms.
    title = FAQ_TITLE.format(number=thread.id)
    async with request.app[SERVICES].sessions() as session, session.begin():
        slug = f"faq-inkorg-{thread.id}"
        number = 2
        while await get_article(session=session, slug=slug) is not None:
            slug, number = f"faq-inkorg-{thread.id}-{number}", number + 1
        article = ArticleFile.model_validate(
            {
                "slug": slug,
                "kind": ArticleKind.FAQ,
                "status": PublicationStatus.DRAFT,
                "source": FAQ_SOURCE,
                "translations": {SOURCE_LANGUAGE: {"status": "source", "title": title, "body": answers[-1].text}},
            }
        )
        note = f"from inbox thread {thread.id}"
        await save_article(session=session, data=article, actor=actor_of(request), note=note)
    await flash(
        request,
        "A draft FAQ article was made from the answer. Write the question as a title in general terms, remove "
        "anything personal, add a source, then publish.",
    )
    raise redirect(f"/articles/{slug}")
