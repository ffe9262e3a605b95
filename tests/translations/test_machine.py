"""Machine translation of content with the fake provider: statuses that never lie, Markdown kept intact."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from content.files.schema import EventFile, TranslationFile
from content.repository.articles import get_article_file, save_article
from content.repository.events import EVENTS
from content.repository.records import save_record
from content.repository.translations import Status, edit_text, mark_reviewed, status_of
from tests.factories import make_article
from translations.machine.fill import fill, plan
from translations.machine.markdown import translate_markdown
from translations.machine.provider import FakeProvider

Sessions = async_sessionmaker[AsyncSession]
BODY = (
    "## Ring 112\n\nRing **112** om det är fara. Läs på [1177 Vårdguiden](https://www.1177.se/).\n\n"
    "- Polisen: 114 14\n- Migrationsverket: 0771-235 235\n1. Första steget"
)


async def _statuses(sessions: Sessions, slug: str = "sfi") -> dict[str, Status]:
    async with sessions() as session:
        article = await get_article_file(session=session, slug=slug)
    assert article is not None
    return {code: status_of(article, code) for code in ("sv", "en", "ar", "uk")}


async def _edit_source(sessions: Sessions, title: str, minor: bool = False) -> None:
    async with sessions() as session, session.begin():
        article = await get_article_file(session=session, slug="sfi")
        assert article is not None
        text = article.translations["sv"].model_copy(update={"title": title})
        await edit_text(session=session, slug="sfi", lang="sv", text=text, actor="editor:1", minor=minor)


async def test_statuses_move_from_missing_to_machine_to_outdated_and_back(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        await save_article(session=session, data=make_article(sv_body=BODY), actor="editor:1")
    assert await _statuses(sessions) == {"sv": "source", "en": "reviewed", "ar": "missing", "uk": "missing"}
    summary = await fill(sessions, FakeProvider(), ["ar", "uk"])
    assert dict(summary.translated) == {"ar": 1, "uk": 1}
    assert await _statuses(sessions) == {"sv": "source", "en": "reviewed", "ar": "machine", "uk": "machine"}

    await _edit_source(sessions, "Svenska för invandrare – sfi", minor=True)  # a typo fix outdates nothing
    assert await _statuses(sessions) == {"sv": "source", "en": "reviewed", "ar": "machine", "uk": "machine"}

    await _edit_source(sessions, "Sfi: svenska för vuxna")
    assert await _statuses(sessions) == {"sv": "source", "en": "outdated", "ar": "outdated", "uk": "outdated"}

    summary = await fill(sessions, FakeProvider(), ["en", "ar", "uk"])
    assert dict(summary.translated) == {"ar": 1, "uk": 1}
    assert dict(summary.needs_review) == {"en": 1}  # the reviewed English text is never overwritten
    async with sessions() as session:
        article = await get_article_file(session=session, slug="sfi")
    assert article is not None
    assert article.translations["en"].title == "Swedish for immigrants"
    assert article.translations["ar"].title == "[ar] Sfi: svenska för vuxna"


async def test_a_person_reviewing_a_machine_translation_makes_it_reviewed(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        await save_article(session=session, data=make_article(), actor="editor:1")
    await fill(sessions, FakeProvider(), ["ar"])
    async with sessions() as session, session.begin():
        await mark_reviewed(session=session, slug="sfi", lang="ar", actor="translator:2")
    assert (await _statuses(sessions))["ar"] == "reviewed"
    again = await fill(sessions, FakeProvider(), ["ar"])
    assert dict(again.translated) == {}


async def test_a_persons_edit_of_a_translation_is_reviewed_for_the_current_version(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        await save_article(session=session, data=make_article(version=3, translations={
            "sv": {"status": "source", "title": "Sfi"},
            "en": {"status": "reviewed", "source_version": 1, "title": "Old"},
        }), actor="editor:1")  # fmt: skip
        await edit_text(
            session=session, slug="sfi", lang="en", text=TranslationFile(status="machine", title="SFI"), actor="t"
        )
    assert (await _statuses(sessions))["en"] == "reviewed"


async def test_only_published_articles_and_reachable_languages_are_translated(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        await save_article(session=session, data=make_article(slug="draft-one", status="draft"), actor="e")
        await save_article(session=session, data=make_article(), actor="e")
    provider = FakeProvider({("sv", "ar")})
    work, summary = await plan(sessions, provider)
    assert [(entity, record.slug, code) for entity, record, code in work] == [("article", "sfi", "ar")]
    assert "ti" in summary.unreachable


@pytest.mark.parametrize(
    "source",
    [
        BODY,
        "Text med `kod` och e-post info@example.se och www.migrationsverket.se.",
        "> Citat\n\n***",
    ],
)
async def test_markdown_structure_links_and_numbers_survive(source: str) -> None:
    provider = FakeProvider()

    async def machine(texts: list[str]) -> list[str]:
        return await provider.translate(texts, "sv", "ar")

    (result,) = await translate_markdown([source], machine)
    for kept in ["## ", "**112**", "](https://www.1177.se/)", "114 14", "0771-235 235", "- ", "1. ", "`kod`",
                 "info@example.se", "www.migrationsverket.se", "> "]:  # fmt: skip
        if kept in source:
            assert kept in result
    assert result.count("\n") == source.count("\n")
    assert "[ar]" in result


async def test_published_upcoming_events_are_translated_too(sessions: Sessions) -> None:
    event = EventFile.model_validate(
        {
            "slug": "mote",
            "starts": "2099-01-10 18:00",
            "status": "published",
            "translations": {"sv": {"status": "source", "title": "Informationsmöte", "body": "Ring 0771-235 235."}},
        }
    )
    async with sessions() as session, session.begin():
        await save_record(EVENTS, session=session, data=event, actor="editor:1")
    summary = await fill(sessions, FakeProvider(), ["ar"])
    async with sessions() as session:
        stored = await EVENTS.read(session, "mote")
    assert dict(summary.translated) == {"ar": 1}
    assert stored is not None
    assert stored.translations["ar"].title == "[ar] Informationsmöte"
    assert stored.translations["ar"].body == "[ar] Ring 0771-235 235."
    assert (stored.translations["ar"].status, stored.translations["ar"].source_version) == ("machine", 1)
