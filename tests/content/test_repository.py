"""Repository functions: saving keeps revisions, restoring brings old text back, stale saves are refused."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from content.files.repository import ADAPTERS, MUNICIPALITIES, REGIONS
from content.models import ArticleKind, PublicationStatus
from content.repository.articles import (
    articles_due_for_review,
    delete_article,
    get_article_file,
    list_articles,
    published_texts,
    save_article,
    set_article_status,
)
from content.repository.records import (
    ContentError,
    StaleEditError,
    content_generation,
    list_audit,
    list_revisions,
    restore_revision,
    save_record,
)
from tests.factories import make_article, make_municipality, make_region

Sessions = async_sessionmaker[AsyncSession]


async def _save(sessions: Sessions, **overrides: object) -> None:
    async with sessions() as session, session.begin():
        await save_article(session=session, data=make_article(**overrides), actor="editor:1")


async def test_saving_an_article_stores_it_with_every_translation(sessions: Sessions) -> None:
    await _save(sessions)
    async with sessions() as session:
        stored = await get_article_file(session=session, slug="sfi")
    assert stored == make_article()


async def test_saving_unchanged_data_writes_no_revision(sessions: Sessions) -> None:
    await _save(sessions)
    async with sessions() as session, session.begin():
        result = await save_article(session=session, data=make_article(), actor="editor:1")
        revisions = await list_revisions(session=session, entity="article", slug="sfi")
    assert (result.changed, len(revisions)) == (False, 1)


async def test_every_change_keeps_a_revision_and_an_old_one_can_be_restored(sessions: Sessions) -> None:
    original = make_article()
    await _save(sessions)
    changed = original.model_copy(deep=True)
    changed.translations["sv"].title = "Sfi – ny rubrik"
    async with sessions() as session, session.begin():
        await save_article(session=session, data=changed, actor="editor:2")
    async with sessions() as session, session.begin():
        first = (await list_revisions(session=session, entity="article", slug="sfi"))[-1]
        result = await restore_revision(ADAPTERS, session=session, revision_id=first.id or 0, actor="editor:1")
    async with sessions() as session:
        restored = await get_article_file(session=session, slug="sfi")
        numbers = [r.number for r in await list_revisions(session=session, entity="article", slug="sfi")]
        notes = [r.note for r in await list_revisions(session=session, entity="article", slug="sfi")]
    assert restored == original
    assert (result.revision, numbers, notes[0]) == (3, [3, 2, 1], "restored revision 1")


async def test_a_save_from_an_outdated_revision_is_refused_and_changes_nothing(sessions: Sessions) -> None:
    await _save(sessions)
    first_edit = make_article(source="https://example.org/first")
    second_edit = make_article(source="https://example.org/second")
    async with sessions() as session, session.begin():
        await save_article(session=session, data=first_edit, actor="editor:1", expected_revision=1)
    async with sessions() as session:
        with pytest.raises(StaleEditError, match="changed by someone else"):
            await save_article(session=session, data=second_edit, actor="editor:2", expected_revision=1)
        await session.rollback()
    async with sessions() as session:
        assert await get_article_file(session=session, slug="sfi") == first_edit


async def test_only_published_articles_are_given_to_readers(sessions: Sessions) -> None:
    await _save(sessions, status="draft")
    async with sessions() as session:
        assert await published_texts(session=session) == []
    async with sessions() as session, session.begin():
        await set_article_status(session=session, slug="sfi", status=PublicationStatus.PUBLISHED, actor="e")
    async with sessions() as session:
        texts = await published_texts(session=session)
    assert sorted((t.slug, t.lang) for t in texts) == [("sfi", "en"), ("sfi", "sv")]


async def test_a_deleted_article_keeps_its_history_and_can_be_restored(sessions: Sessions) -> None:
    await _save(sessions)
    async with sessions() as session, session.begin():
        assert await delete_article(session=session, slug="sfi", actor="editor:1")
    async with sessions() as session, session.begin():
        revisions = await list_revisions(session=session, entity="article", slug="sfi")
        assert await get_article_file(session=session, slug="sfi") is None
        with pytest.raises(ContentError, match="records a deletion"):
            await restore_revision(ADAPTERS, session=session, revision_id=revisions[0].id or 0, actor="e")
        await restore_revision(ADAPTERS, session=session, revision_id=revisions[1].id or 0, actor="e")
    async with sessions() as session:
        assert await get_article_file(session=session, slug="sfi") == make_article()


async def test_municipality_articles_are_listed_by_municipality(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        await save_record(REGIONS, session=session, data=make_region(), actor="e")
        await save_record(MUNICIPALITIES, session=session, data=make_municipality(), actor="e")
        await save_article(
            session=session,
            data=make_article(slug="testby-overview", kind="municipality", municipality="testby", section="overview"),
            actor="e",
        )
        await save_article(session=session, data=make_article(), actor="e")
    async with sessions() as session:
        in_town = await list_articles(session=session, municipality="testby")
        faq = await list_articles(session=session, kind=ArticleKind.INTRODUCTION)
    assert ([a.slug for a in in_town], [a.slug for a in faq]) == (["testby-overview"], ["sfi"])


async def test_an_article_naming_an_unknown_municipality_is_refused(sessions: Sessions) -> None:
    data = make_article(slug="nowhere-overview", kind="municipality", municipality="nowhere", section="overview")
    async with sessions() as session:
        with pytest.raises(ContentError, match="no municipality 'nowhere'"):
            await save_article(session=session, data=data, actor="e")


async def test_changes_are_audited_and_advance_the_content_generation(sessions: Sessions) -> None:
    async with sessions() as session:
        before = await content_generation(session=session)
    await _save(sessions)
    async with sessions() as session:
        after = await content_generation(session=session)
        audit = await list_audit(session=session)
    assert after > before
    assert [(a.actor, a.action, a.entity, a.slug) for a in audit] == [("editor:1", "create", "article", "sfi")]


async def test_articles_due_for_review_are_those_past_their_date_or_never_verified(sessions: Sessions) -> None:
    await _save(sessions, slug="fresh", verified_at=date(2026, 11, 1), review_due=date(2027, 5, 1))
    await _save(sessions, slug="stale", verified_at=date(2025, 1, 1), review_due=date(2026, 1, 1))
    await _save(sessions, slug="unchecked", verified_at=None, review_due=date(2027, 5, 1))
    async with sessions() as session:
        due = await articles_due_for_review(session=session, today=date(2026, 11, 23))
    assert [a.slug for a in due] == ["stale", "unchecked"]
