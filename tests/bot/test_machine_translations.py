"""The bot labels machine translations, offers the Swedish original, and says when a translation is outdated."""

from __future__ import annotations

from content.repository.articles import get_article_file, save_article
from content.repository.translations import edit_text
from content.services import ContentServices
from tests.bot.conftest import Chat
from tests.bot.emulator import BotAPIEmulator
from tests.factories import make_article
from translations.catalogs import Translator
from translations.machine.fill import fill
from translations.machine.provider import FakeProvider


async def test_a_machine_translation_is_labelled_and_the_original_is_one_tap_away(
    bot: BotAPIEmulator, services: ContentServices
) -> None:
    # An editor's new article, in Swedish and English only (the starter content has every language already).
    async with services.sessions() as session, session.begin():
        await save_article(session=session, data=make_article(slug="nytt-om-sfi"), actor="editor:1")
    await fill(services.sessions, FakeProvider({("sv", "ar")}), ["ar"])
    t = Translator("ar")
    chat = Chat(bot, 7001)
    menu = await chat.begin("العربية")
    article = await chat.tap_data(menu.message_id, "a:nytt-om-sfi")
    assert "[\u2068ar\u2069]" in article.plain  # the Latin marker of the fake translation, isolated in Arabic text
    assert t.gettext("Translated by machine, not yet checked by a person.") in article.plain
    original = await chat.tap(article, t.gettext("Show the Swedish original"))
    assert "Svenska för invandrare" in original.plain

    async with services.sessions() as session, session.begin():
        record = await get_article_file(session=session, slug="nytt-om-sfi")
        assert record is not None
        assert record.translations["ar"].translated_by == "machine: Argos Translate"
        changed = record.translations["sv"].model_copy(update={"summary": "Ny sammanfattning."})
        await edit_text(session=session, slug="nytt-om-sfi", lang="sv", text=changed, actor="editor:1")
    again = await chat.tap_data(original.message_id, "a:nytt-om-sfi")
    assert t.gettext("The Swedish original has changed since this translation was made.") in again.plain


async def test_the_teams_draft_translation_says_who_made_it(bot: BotAPIEmulator) -> None:
    t = Translator("so")
    chat = Chat(bot, 7002)
    menu = await chat.begin("Soomaali")
    article = await chat.tap_data(menu.message_id, "a:sfi")
    assert t.gettext("Translated by the Vägvisare team, not yet checked by a native speaker.") in article.plain
    assert t.gettext("Translated by machine, not yet checked by a person.") not in article.plain
    assert "Svenska för invandrare" not in article.plain  # the Somali text, not the Swedish one
    original = await chat.tap(article, t.gettext("Show the Swedish original"))
    assert "Svenska för invandrare" in original.plain
