"""Article pages: list and filters, the Swedish source, translations by hand and by machine, preview, revisions."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from admin import app as admin_app
from admin.app import create_app
from admin.views import article_forms
from content.files.repository import DEFAULT_ROOT
from content.files.schema import ArticleFile
from content.models import Role, TranslationStatus
from content.repository.articles import get_article, get_article_file, save_article
from content.repository.translations import Status, status_of
from content.services import ContentServices
from tests.admin.conftest import Client, Login, serve_admin
from tests.factories import make_article
from translations.machine.provider import FakeProvider
from vagvisare.settings import Settings

XSS = "<script>alert(1)</script>"


@pytest.fixture
def provider() -> FakeProvider:
    return FakeProvider()


@pytest.fixture
async def admin_url(
    admin_settings: Settings, admin_services: ContentServices, provider: FakeProvider
) -> AsyncIterator[str]:
    """The admin as in conftest, with a fake machine translation provider."""
    async with serve_admin(admin_settings, admin_services, provider) as url:
        yield url


async def english(person: Client) -> Client:
    """Switch the person's admin to English, so the tests read the message ids."""
    await person.post("/language", {"lang": "en", "next": "/"})
    return person


async def editor_of(login_as: Login, role: Role = Role.EDITOR, languages: list[str] | None = None) -> Client:
    return await english(await login_as(role, languages))


def article_form(**overrides: Any) -> dict[str, Any]:
    form = {
        "slug": "test-article",
        "title": "Testartikel",
        "summary": "En sammanfattning.",
        "body": "Första stycket.\n\n- en punkt",
        "keywords": "test, prov",
        "kind": "faq",
        "municipality": "",
        "section": "",
        "source": "https://www.migrationsverket.se/",
        "verified_at": "2026-11-01",
        "review_due": "2027-05-01",
        "search_terms": "ar: اختبار",
    }
    return {**form, **overrides}


async def create(person: Client, **overrides: Any) -> tuple[int, str]:
    await person.get("/articles/new")
    return await person.post("/articles/new", article_form(**overrides))


async def stored(sessions: async_sessionmaker[AsyncSession], slug: str) -> ArticleFile:
    async with sessions() as session:
        article = await get_article_file(session=session, slug=slug)
    assert article is not None
    return article


async def revision_of(sessions: async_sessionmaker[AsyncSession], slug: str) -> int:
    async with sessions() as session:
        row = await get_article(session=session, slug=slug)
    assert row is not None
    return row.revision


async def edit(person: Client, slug: str, revision: int, **overrides: Any) -> tuple[int, str]:
    form = article_form(**overrides)
    form.pop("slug")
    return await person.post(f"/articles/{slug}", {**form, "revision": revision})


# --- the list ---


async def test_the_list_filters_by_kind_municipality_status_and_text(login_as: Login) -> None:
    editor = await editor_of(login_as)
    status, page = await editor.get("/articles")
    assert status == 200
    assert "bostad" in page
    assert "arvidsjaur-overview" in page
    assert "New article" in page
    _, page = await editor.get("/articles?kind=faq")
    assert "faq-korkort" in page
    assert "arvidsjaur-overview" not in page
    _, page = await editor.get("/articles?municipality=arvidsjaur")
    assert "arvidsjaur-overview" in page
    assert "arvidsjaur-housing" in page  # its sections
    assert "/articles/bostad" not in page
    _, page = await editor.get("/articles?status=draft")
    assert "No article matches these filters." in page
    _, page = await editor.get("/articles?q=hitta+en+BOSTAD")
    assert "/articles/bostad" in page
    assert "faq-korkort" not in page


async def test_the_list_filters_by_translation_status_and_review_due(login_as: Login) -> None:
    editor = await editor_of(login_as)
    _, page = await editor.get("/articles?lang=en&tstatus=reviewed")
    assert "/articles/bostad" in page
    _, page = await editor.get("/articles?lang=en&tstatus=missing")
    assert '/articles/bostad"' not in page
    _, page = await editor.get("/articles?due=1")
    assert "arvidsjaur-overview" in page  # never verified against its source
    assert '/articles/bostad"' not in page  # verified, review due next year
    status, _ = await editor.get("/articles?kind=nonsense&municipality=atlantis&lang=xx")
    assert status == 200


async def test_a_long_list_comes_in_pages_of_a_hundred_and_searches_every_title(
    login_as: Login, admin_sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with admin_sessions() as session, session.begin():
        for number in range(80):
            article = make_article(slug=f"zz-{number:03d}")
            article.translations["en"].title = f"Örebro guide {number:03d}"
            await save_article(session=session, data=article, actor="test")
    editor = await editor_of(login_as)
    total = len(list((DEFAULT_ROOT / "articles").glob("*.yaml"))) + 80
    pages = -(-total // 100)
    _, first = await editor.get("/articles")
    assert f"{total} articles" in first
    assert f"Page 1 of {pages}" in first
    assert first.count("<tr>") - 1 == 100  # a hundred rows under the header
    assert 'href="/articles?page=2"' in first
    _, last = await editor.get(f"/articles?page={pages}")
    assert f"Page {pages} of {pages}" in last
    assert "zz-079" in last  # by slug: the zz- articles come last
    _, beyond = await editor.get("/articles?page=99")  # past the end: nothing, politely
    assert "No article matches these filters." in beyond
    _, found = await editor.get("/articles?q=%C3%B6rebro+guide+07")  # "örebro" finds "Örebro", in English titles
    assert "10 articles" in found
    assert "zz-070" in found


# --- the Swedish source ---


async def test_an_editor_creates_edits_and_publishes_an_article(
    login_as: Login, admin_sessions: async_sessionmaker[AsyncSession]
) -> None:
    editor = await editor_of(login_as)
    status, page = await create(editor)
    assert status == 200
    assert "Created Testartikel as a draft." in page
    article = await stored(admin_sessions, "test-article")
    assert (article.status, article.kind, article.version) == ("draft", "faq", 1)
    assert article.translations["sv"].keywords == ["test", "prov"]
    assert article.search_terms == {"ar": ["اختبار"]}
    status, page = await edit(editor, "test-article", 1, title="Ny titel", verified_at="2026-11-20")
    assert status == 200
    assert "Saved Ny titel." in page
    article = await stored(admin_sessions, "test-article")
    assert article.translations["sv"].title == "Ny titel"
    assert str(article.verified_at) == "2026-11-20"
    status, page = await editor.post("/articles/test-article/status", {"status": "published"})
    assert status == 200
    assert "Published Ny titel" in page
    assert (await stored(admin_sessions, "test-article")).status == "published"
    await editor.post("/articles/test-article/status", {"status": "draft"})
    assert (await stored(admin_sessions, "test-article")).status == "draft"


async def test_a_stale_save_is_refused_and_shows_the_other_version_keeping_mine(
    login_as: Login, admin_sessions: async_sessionmaker[AsyncSession]
) -> None:
    first = await editor_of(login_as)
    second = await editor_of(login_as)
    await create(first)
    revision = await revision_of(admin_sessions, "test-article")
    await first.get("/articles/test-article")
    await second.get("/articles/test-article")
    status, _ = await edit(first, "test-article", revision, body="Den förstas text.")
    assert status == 200
    status, page = await edit(second, "test-article", revision, body="Den andras text.")
    assert status == 409
    assert "Someone else saved this article" in page
    assert "Den förstas text." in page  # their version is shown
    assert "Den andras text." in page  # mine is kept in the form
    assert (await stored(admin_sessions, "test-article")).translations["sv"].body == "Den förstas text."
    newest = await revision_of(admin_sessions, "test-article")
    assert f'name="revision" value="{newest}"' in page  # saving again now replaces theirs on purpose


async def test_a_minor_edit_keeps_translations_current_and_a_normal_edit_makes_them_outdated(
    login_as: Login, admin_sessions: async_sessionmaker[AsyncSession]
) -> None:
    editor = await editor_of(login_as)
    await create(editor)
    await editor.post("/articles/test-article/translations/en", {"title": "Test article", "revision": 1})
    assert status_of(await stored(admin_sessions, "test-article"), "en") == Status.REVIEWED
    revision = await revision_of(admin_sessions, "test-article")
    await edit(editor, "test-article", revision, body="Första stycket, rättat.", minor="1")
    article = await stored(admin_sessions, "test-article")
    assert (article.version, status_of(article, "en")) == (1, Status.REVIEWED)
    revision = await revision_of(admin_sessions, "test-article")
    await edit(editor, "test-article", revision, body="Helt ny text.")
    article = await stored(admin_sessions, "test-article")
    assert (article.version, status_of(article, "en")) == (2, Status.OUTDATED)
    _, page = await editor.get("/articles/test-article")
    assert '<span class="badge outdated">Outdated</span>' in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Write a title."),
        ({"verified_at": "23/11/2026"}, "Last verified: write the date as YYYY-MM-DD"),
        ({"kind": "municipality"}, "An article about a municipality needs both the municipality and the section."),
        ({"section": "housing"}, "Only articles about a municipality have a section"),
        ({"source": ""}, "Write the source"),
        ({"kind": "poem"}, "Choose what kind of article this is."),
        ({"search_terms": "klingon: qapla"}, "Search terms: write one language per line"),
        ({"slug": "Not A Slug"}, "Write a slug"),
        ({"slug": "bostad"}, "There is already an article with the slug bostad."),
    ],
)
async def test_a_malformed_new_article_comes_back_with_a_message_and_the_input_kept(
    login_as: Login, admin_sessions: async_sessionmaker[AsyncSession], overrides: dict[str, str], message: str
) -> None:
    editor = await editor_of(login_as)
    status, page = await create(editor, body="Min text som inte får försvinna.", **overrides)
    assert status == 400
    assert html.escape(message, quote=False) in page
    assert "Min text som inte får försvinna." in page


async def test_a_malformed_edit_or_a_form_missing_fields_is_refused_without_losing_anything(
    login_as: Login, admin_sessions: async_sessionmaker[AsyncSession]
) -> None:
    editor = await editor_of(login_as)
    await create(editor)
    status, page = await edit(editor, "test-article", 1, review_due="snart", body="Behåll mig.")
    assert status == 400
    assert "Review due: write the date as YYYY-MM-DD" in page
    assert "Behåll mig." in page
    status, page = await editor.post("/articles/test-article", {"title": "Bara titel"})
    assert status == 400
    assert "Bara titel" in page
    assert (await stored(admin_sessions, "test-article")).translations["sv"].title == "Testartikel"


async def test_an_unknown_article_is_a_polite_404(login_as: Login) -> None:
    editor = await editor_of(login_as)
    for path in ("/articles/no-such-thing", "/articles/no-such-thing/preview", "/articles/no-such-thing/revisions"):
        status, page = await editor.get(path)
        assert status == 404
        assert "There is no such page." in page
    status, _ = await editor.post("/articles/no-such-thing", article_form())
    assert status == 404
    status, _ = await editor.get("/articles/bostad/translations/xx")
    assert status == 404


# --- translations ---


async def test_a_translator_edits_only_their_languages_and_never_the_source(
    login_as: Login, admin_sessions: async_sessionmaker[AsyncSession]
) -> None:
    editor = await editor_of(login_as)
    await create(editor)
    translator = await editor_of(login_as, Role.TRANSLATOR, ["ar"])
    status, page = await translator.get("/articles/test-article")
    assert status == 200
    assert 'name="title"' not in page  # the source is shown, not editable
    status, page = await translator.post("/articles/test-article", article_form(title="Kapad", revision=1))
    assert status == 403
    status, page = await translator.post("/articles/test-article/status", {"status": "published"})
    assert status == 403
    status, page = await translator.post("/articles/test-article/translations/en", {"title": "X", "revision": 1})
    assert status == 403
    assert "your own languages" in page
    status, _ = await translator.post("/articles/test-article/translations/fa/machine")
    assert status == 403
    status, page = await translator.get("/articles/test-article/translations/ar")
    assert 'dir="rtl" lang="ar"' in page
    status, page = await translator.post("/articles/test-article/translations/ar", {"title": "مقال", "revision": 1})
    assert status == 200
    assert "Saved the Arabic translation" in page
    article = await stored(admin_sessions, "test-article")
    assert set(article.translations) == {"sv", "ar"}
    assert article.translations["ar"].status == TranslationStatus.REVIEWED
    assert article.translations["sv"].title == "Testartikel"
    assert article.status == "draft"
    await translator.post("/articles/test-article/machine")
    assert set((await stored(admin_sessions, "test-article")).translations) == {"sv", "ar"}


async def test_machine_translation_of_one_language_and_of_all_never_replaces_a_reviewed_text(
    login_as: Login, admin_sessions: async_sessionmaker[AsyncSession], provider: FakeProvider
) -> None:
    editor = await editor_of(login_as)
    await create(editor)
    await editor.post("/articles/test-article/translations/en", {"title": "Reviewed by a person", "revision": 1})
    status, page = await editor.post("/articles/test-article/translations/ar/machine")
    assert status == 200
    assert "Machine-translated into Arabic" in page
    article = await stored(admin_sessions, "test-article")
    assert article.translations["ar"].title == "[ar] Testartikel"
    assert status_of(article, "ar") == Status.MACHINE
    status, page = await editor.post("/articles/test-article/translations/en/machine")
    assert "Left alone because a person has reviewed them: English." in page
    status, page = await editor.post("/articles/test-article/machine")
    assert status == 200
    article = await stored(admin_sessions, "test-article")
    assert article.translations["en"].title == "Reviewed by a person"
    assert {code for code, text in article.translations.items() if text.status == "machine"} == {
        "ar",
        "fa",
        "uk",
        "ru",
    }
    assert article.translations["ar"].title == "[ar] Testartikel"  # up to date: not translated again
    assert article.translations["fa"].body.startswith("[fa] Första stycket.")
    assert [target for _, _, target in provider.calls] == ["ar", "fa", "uk", "ru"]  # never en, never ar twice
    status, page = await editor.post("/articles/test-article/machine")
    assert "Nothing to translate" in page


async def test_machine_translation_that_cannot_be_done_says_so(
    login_as: Login, admin_sessions: async_sessionmaker[AsyncSession], provider: FakeProvider
) -> None:
    provider.pairs = {("sv", "en")}
    editor = await editor_of(login_as)
    await create(editor)
    status, page = await editor.post("/articles/test-article/translations/ar/machine")
    assert status == 200
    assert "Machine translation from Swedish is not available for Arabic." in page
    assert "ar" not in (await stored(admin_sessions, "test-article")).translations


async def test_mark_reviewed_approves_a_machine_translation(
    login_as: Login, admin_sessions: async_sessionmaker[AsyncSession]
) -> None:
    editor = await editor_of(login_as)
    await create(editor)
    status, page = await editor.post("/articles/test-article/translations/uk/reviewed")
    assert "There is no Ukrainian translation to mark as reviewed yet." in page
    await editor.post("/articles/test-article/translations/uk/machine")
    status, page = await editor.post("/articles/test-article/translations/uk/reviewed")
    assert status == 200
    assert "Marked the Ukrainian translation as reviewed." in page
    assert status_of(await stored(admin_sessions, "test-article"), "uk") == Status.REVIEWED


async def test_a_stale_translation_save_shows_their_version_and_keeps_mine(
    login_as: Login, admin_sessions: async_sessionmaker[AsyncSession]
) -> None:
    editor = await editor_of(login_as)
    await create(editor)
    await editor.post("/articles/test-article/translations/en", {"title": "First", "revision": 1})
    status, page = await editor.post("/articles/test-article/translations/en", {"title": "Mine", "revision": 1})
    assert status == 409
    assert "First" in page
    assert 'value="Mine"' in page


# --- preview, revisions, escaping ---


async def test_the_preview_shows_the_bot_message_right_to_left_for_arabic(login_as: Login) -> None:
    editor = await editor_of(login_as)
    await create(editor, body="Ett **viktigt** stycke.")
    await editor.post("/articles/test-article/translations/ar/machine")
    status, page = await editor.get("/articles/test-article/preview?lang=ar")
    assert status == 200
    assert '<div class="bubble" dir="rtl" lang="ar">' in page
    assert "Testartikel" in page
    assert "<b>" in page  # Telegram HTML from the bot's renderer, shown as HTML
    status, page = await editor.get("/articles/test-article/preview?lang=sv")
    assert '<div class="bubble" dir="ltr" lang="sv">' in page
    assert "<b>viktigt</b>" in page
    status, _ = await editor.get("/articles/test-article/preview?lang=klingon")
    assert status == 400


async def test_revisions_diff_and_restore(login_as: Login, admin_sessions: async_sessionmaker[AsyncSession]) -> None:
    editor = await editor_of(login_as)
    await create(editor)
    await edit(editor, "test-article", 1, body="Andra versionen.")
    status, page = await editor.get("/articles/test-article/revisions")
    assert status == 200
    assert "sv edited" in page
    assert "/static/articles.js" in page  # asks before restoring; the form works without it
    assert "editor-0@example.org" in page
    ids = [int(found) for found in re.findall(r'name="revision" value="(\d+)"', page)]
    assert len(ids) == 1  # the newest cannot be restored, the first can
    status, page = await editor.get("/articles/test-article/diff?a=1&b=2")
    assert status == 200
    assert re.search(r"<del>- +Första stycket\.</del>", page)
    assert re.search(r"<ins>\+ +body: Andra versionen\.</ins>", page)
    status, page = await editor.get("/articles/test-article/diff")
    assert "Andra versionen." in page
    status, _ = await editor.get("/articles/test-article/diff?a=1&b=99")
    assert status == 400
    status, page = await editor.post("/articles/test-article/restore", {"revision": ids[0]})
    assert status == 200
    assert "Restored revision 1" in page
    assert (await stored(admin_sessions, "test-article")).translations["sv"].body.startswith("Första stycket.")
    assert await revision_of(admin_sessions, "test-article") == 3
    status, _ = await editor.post("/articles/test-article/restore", {"revision": "not-a-number"})
    assert status == 400
    translator = await editor_of(login_as, Role.TRANSLATOR, ["ar"])
    status, _ = await translator.post("/articles/test-article/restore", {"revision": ids[0]})
    assert status == 403


async def test_a_script_in_content_is_shown_escaped_everywhere(login_as: Login) -> None:
    editor = await editor_of(login_as)
    await create(editor, slug="xss", title=f"Titel {XSS}", body=f"Text {XSS}", summary=XSS)
    await editor.post("/articles/xss/status", {"status": "published"})
    pages = [
        (await editor.get("/articles?q=titel"))[1],
        (await editor.get("/articles/xss"))[1],
        (await editor.get("/articles/xss/preview?lang=sv"))[1],
        (await editor.get("/articles/xss/translations/ar"))[1],
        (await editor.get("/articles/xss/diff?a=0&b=1"))[1],
    ]
    for page in pages:
        assert XSS not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


async def test_the_argos_provider_is_made_on_first_use_and_kept(
    admin_settings: Settings, admin_services: ContentServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[object] = []

    def fake_argos(packages_dir: object) -> FakeProvider:
        made.append(packages_dir)
        return FakeProvider()

    monkeypatch.setattr(admin_app, "ArgosProvider", fake_argos)
    app = create_app(admin_settings, admin_services)
    app.freeze()  # as when serving: making the provider must not change the started app's state
    first = article_forms.provider_of(app)
    assert article_forms.provider_of(app) is first
    assert made == [admin_settings.effective_argos_dir]


async def test_a_quote_in_a_source_address_cannot_add_attributes_to_the_link(
    login_as: Login, admin_sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with admin_sessions() as session, session.begin():
        await save_article(
            session=session, data=make_article(slug="quoted", source='https://a.se/" onmouseover="alert(1)'), actor="t"
        )
    editor = await editor_of(login_as)
    status, page = await editor.get("/articles/quoted/preview?lang=sv")
    assert status == 200
    assert not re.search(r'<a [^>]*" onmouseover="', page)  # no attribute of its own (in the text it is text)
    assert 'href="https://a.se/&quot; onmouseover=&quot;alert(1)"' in page


async def test_a_translation_page_says_who_made_it_and_what_it_does_not_keep(
    login_as: Login, admin_sessions: async_sessionmaker[AsyncSession]
) -> None:
    editor = await editor_of(login_as)
    status, page = await editor.get("/articles/sfi/translations/so")
    assert status == 200
    assert "Made by: Vägvisare team draft" in page
    assert "This translation does not keep everything" not in page  # the starter content keeps its source
    async with admin_sessions() as session, session.begin():
        record = await get_article_file(session=session, slug="sfi")
        assert record is not None
        somali = record.translations["so"].model_copy(update={"body": "Wax walba waa bilaash."})
        record.translations["so"] = somali
        await save_article(session=session, data=record, actor="test")
    _, page = await editor.get("/articles/sfi/translations/so")
    assert "This translation does not keep everything" in page
    assert "headings" in page
    await editor.post("/articles/sfi/translations/so/reviewed")
    _, page = await editor.get("/articles/sfi/translations/so")
    assert "Reviewed by: " in page


async def test_a_published_article_waiting_for_its_languages_is_flagged_to_the_editor(login_as: Login) -> None:
    editor = await editor_of(login_as)
    await create(editor)
    await editor.post("/articles/test-article/status", {"status": "published"})
    _, page = await editor.get("/articles/test-article")
    assert "This article is published but not yet translated into 8 languages" in page
    _, page = await editor.get("/articles/sfi")
    assert "not yet translated into" not in page
