"""Filling missing and outdated translations of published content by machine (`vagvisare translate`)."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from content.files.schema import ArticleFile, EventFile, EventTranslationFile, TranslationFile
from content.models import PublicationStatus, TranslationStatus
from content.repository.articles import ARTICLES, list_articles
from content.repository.events import EVENTS, upcoming_events
from content.repository.translations import Status, save_machine_translation, status_of
from translations.languages import CODES, SOURCE_LANGUAGE
from translations.machine.markdown import translate_markdown
from translations.machine.provider import TranslationProvider

log = logging.getLogger(__name__)
ACTOR = "machine-translation"


@dataclass(slots=True)
class FillSummary:
    translated: Counter[str] = field(default_factory=Counter)  # per language
    needs_review: Counter[str] = field(default_factory=Counter)  # reviewed but outdated: left for a person
    unreachable: list[str] = field(default_factory=list)  # languages no installed package reaches
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (slug, language, reason)

    def lines(self) -> list[str]:
        lines = [f"{lang}: {count} translated" for lang, count in sorted(self.translated.items())]
        lines += [
            f"{lang}: {n} reviewed translations are outdated and wait for a person"
            for lang, n in sorted(self.needs_review.items())
        ]
        if self.unreachable:
            lines.append("no installed package reaches: " + ", ".join(self.unreachable))
        lines += [f"failed: {slug} ({lang}): {reason}" for slug, lang, reason in self.failed]
        return lines or ["nothing to translate: every published text is translated and up to date"]


Item = tuple[str, ArticleFile | EventFile, str]  # (entity, record, target language)


async def plan(
    sessions: async_sessionmaker[AsyncSession], provider: TranslationProvider, languages: list[str] | None = None
) -> tuple[list[Item], FillSummary]:
    """Return what to translate (published articles and events), and a summary of what is left alone."""
    summary = FillSummary()
    wanted = [code for code in (languages or CODES) if code != SOURCE_LANGUAGE]
    reachable = [code for code in wanted if provider.can_translate(SOURCE_LANGUAGE, code)]
    summary.unreachable = [code for code in wanted if code not in reachable]
    for code in summary.unreachable:
        log.info("Skipping %s: no installed translation package leads from Swedish to it.", code)
    records: list[tuple[str, ArticleFile | EventFile]] = []
    async with sessions() as session:
        for row in await list_articles(session=session, status=PublicationStatus.PUBLISHED):
            if (article := await ARTICLES.read(session, row.slug)) is not None:
                records.append(("article", article))
        for event in await upcoming_events(session=session):
            if (found := await EVENTS.read(session, event.slug)) is not None:
                records.append(("event", found))
    work: list[Item] = []
    for entity, record in records:
        for code in reachable:
            status = status_of(record, code)
            existing = record.translations.get(code)
            if status == Status.OUTDATED and existing is not None and existing.status == TranslationStatus.REVIEWED:
                summary.needs_review[code] += 1  # a person's text is never replaced by a machine's
            elif status in (Status.MISSING, Status.OUTDATED):
                work.append((entity, record, code))
    return work, summary


async def fill(
    sessions: async_sessionmaker[AsyncSession],
    provider: TranslationProvider,
    languages: list[str] | None = None,
    progress: Callable[[], None] | None = None,
) -> FillSummary:
    """Machine-translate every missing or outdated (machine) translation of published articles and events."""
    work, summary = await plan(sessions, provider, languages)
    for entity, record, code in work:
        try:
            draft = await _draft(provider, record, code)
            async with sessions() as session, session.begin():
                saved = await save_machine_translation(
                    session=session,
                    slug=record.slug,
                    lang=code,
                    text=draft,
                    version=record.version,
                    actor=ACTOR,
                    entity=entity,
                )
            if saved is not None:
                summary.translated[code] += 1
        except Exception as error:  # one failed text must not stop the others; it is reported
            log.warning("Machine translation of an %s into %s failed: %s", entity, code, type(error).__name__)
            summary.failed.append((record.slug, code, type(error).__name__))
        if progress is not None:
            progress()
    return summary


async def _draft(
    provider: TranslationProvider, record: ArticleFile | EventFile, code: str
) -> TranslationFile | EventTranslationFile:
    async def machine(pieces: list[str]) -> list[str]:
        return await provider.translate(pieces, SOURCE_LANGUAGE, code)

    source = record.translations[SOURCE_LANGUAGE]
    if isinstance(source, EventTranslationFile):
        title, body = await translate_markdown([source.title, source.body], machine)
        return EventTranslationFile(status=TranslationStatus.MACHINE, title=title or source.title, body=body)
    title, summary, body, *keywords = await translate_markdown(
        [source.title, source.summary, source.body, *source.keywords], machine
    )
    return TranslationFile(
        status=TranslationStatus.MACHINE, title=title or source.title, summary=summary, body=body, keywords=keywords
    )
