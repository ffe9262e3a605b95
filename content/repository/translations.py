"""Translation statuses and the two ways a translation changes: a person edits it, or a machine drafts it."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, Protocol

from sqlmodel.ext.asyncio.session import AsyncSession

from content.files.schema import ArticleFile, EventFile, EventTranslationFile, TranslationFile
from content.models import TranslationStatus
from content.repository.articles import ARTICLES, save_article
from content.repository.events import EVENTS
from content.repository.records import Adapter, ContentError, SaveResult, save_record
from translations.languages import SOURCE_LANGUAGE

MACHINE = "machine: Argos Translate"  # the provenance of a machine draft (see bot.screens.common.provenance_label)


class Status(enum.StrEnum):
    """What a reader's language has of an article."""

    SOURCE = "source"
    MISSING = "missing"
    MACHINE = "machine"
    REVIEWED = "reviewed"
    OUTDATED = "outdated"  # made from an older version of the Swedish source


class _Text(Protocol):
    @property
    def status(self) -> TranslationStatus: ...

    @property
    def source_version(self) -> int | None: ...


class _Record(Protocol):
    @property
    def version(self) -> int: ...

    @property
    def translations(self) -> Mapping[str, _Text]: ...


def status_of(record: ArticleFile | EventFile | _Record, lang: str) -> Status:
    """Return the status of `lang` for an article or event (never lies: an old translation is outdated, whoever
    made it)."""
    if lang == SOURCE_LANGUAGE:
        return Status.SOURCE
    text = record.translations.get(lang)
    if text is None:
        return Status.MISSING
    if (text.source_version or 0) < record.version:
        return Status.OUTDATED
    return Status.MACHINE if text.status == TranslationStatus.MACHINE else Status.REVIEWED


async def _current(session: AsyncSession, slug: str) -> ArticleFile:
    article = await ARTICLES.read(session, slug)
    if article is None:
        raise ContentError(f"there is no article {slug!r}")
    return article


async def edit_text(
    *,
    session: AsyncSession,
    slug: str,
    lang: str,
    text: TranslationFile,
    actor: str,
    minor: bool = False,
    expected_revision: int | None = None,
) -> SaveResult:
    """A person writes a text. The Swedish source gets a new version (every translation becomes outdated) unless
    the edit is minor (a typo fix); any other language becomes reviewed, for the current source version."""
    article = await _current(session, slug)
    updated = article.model_copy(deep=True)
    if lang == SOURCE_LANGUAGE:
        old = article.translations[SOURCE_LANGUAGE]
        changed = (old.title, old.summary, old.body, old.keywords) != (
            text.title,
            text.summary,
            text.body,
            text.keywords,
        )
        if changed and not minor:
            updated.version = article.version + 1
        updated.translations[SOURCE_LANGUAGE] = text.model_copy(update={"status": "source", "source_version": None})
    else:
        # Who made the text stays on record; the person saving it as reviewed is who checked it.
        before = article.translations.get(lang)
        made_by = text.translated_by or (before.translated_by if before is not None else None) or actor
        updated.translations[lang] = text.model_copy(
            update={
                "status": "reviewed",
                "source_version": updated.version,
                "translated_by": made_by,
                "reviewed_by": actor,
            }
        )
    note = f"{lang} edited" + (" (minor)" if minor and lang == SOURCE_LANGUAGE else "")
    return await save_article(
        session=session,
        data=ArticleFile.model_validate(updated.model_dump()),
        actor=actor,
        note=note,
        expected_revision=expected_revision,
    )


async def mark_reviewed(*, session: AsyncSession, slug: str, lang: str, actor: str) -> SaveResult:
    """A person checked a machine (or outdated) translation against the current source and approves it."""
    article = await _current(session, slug)
    text = article.translations.get(lang)
    if text is None or lang == SOURCE_LANGUAGE:
        raise ContentError(f"{slug!r} has no {lang} translation to review")
    return await edit_text(session=session, slug=slug, lang=lang, text=text, actor=actor)


async def save_machine_translation(
    *,
    session: AsyncSession,
    slug: str,
    lang: str,
    text: TranslationFile | EventTranslationFile,
    version: int,
    actor: str,
    entity: str = "article",
) -> SaveResult | None:
    """Store a machine draft of an article (or event) made from source `version`. A reviewed translation is never
    overwritten by one (None is returned), and nothing is stored if the source changed while the machine worked."""
    adapter: Adapter = ARTICLES if entity == "article" else EVENTS
    record = await adapter.read(session, slug)
    if record is None:
        raise ContentError(f"there is no {entity} {slug!r}")
    translations: dict[str, Any] = record.translations  # type: ignore[attr-defined]
    current = translations.get(lang)
    if current is not None and current.status == TranslationStatus.REVIEWED:
        return None
    if record.version != version or lang == SOURCE_LANGUAGE:  # type: ignore[attr-defined]
        return None
    data = record.model_dump()
    data["translations"][lang] = text.model_copy(
        update={"status": "machine", "source_version": version, "translated_by": text.translated_by or MACHINE}
    ).model_dump()
    return await save_record(
        adapter, session=session, data=adapter.model.model_validate(data), actor=actor, note=f"{lang} machine"
    )
