"""From an editor's change, through `vagvisare translate` with a real (tiny) Argos package, to the bot."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import ModuleType

from typer.testing import CliRunner

from content.repository.articles import get_article_file
from content.repository.translations import edit_text
from content.services import ContentServices
from tests.bot.conftest import Chat
from tests.bot.emulator import BotAPIEmulator
from tests.translations.tiny_argos import build_package
from translations.catalogs import Translator
from vagvisare.cli import app


async def test_an_edited_article_is_machine_translated_and_the_bot_shows_it_labelled(
    bot: BotAPIEmulator,
    services: ContentServices,
    database_url: str,
    tmp_path: Path,
    argos: ModuleType,
    network_attempts: list[object],
) -> None:
    async with services.sessions() as session, session.begin():
        sfi = await get_article_file(session=session, slug="sfi")
        assert sfi is not None
        text = sfi.translations["sv"].model_copy(update={"title": "Sfi – lär dig svenska"})
        await edit_text(session=session, slug="sfi", lang="sv", text=text, actor="editor:1")

    env = {"VAGVISARE_DATA_DIR": str(tmp_path / "data"), "VAGVISARE_DATABASE_URL": database_url}
    package = build_package(tmp_path, "sv", "ar", marker="[ar]")
    runner = CliRunner()
    installed = await asyncio.to_thread(runner.invoke, app, ["translations", "install", str(package)], env=env)
    translated = await asyncio.to_thread(runner.invoke, app, ["translate", "--lang", "ar"], env=env)
    assert installed.exit_code == 0, installed.output
    assert translated.exit_code == 0, translated.output
    assert "ar: " in translated.stdout

    t = Translator("ar")
    chat = Chat(bot, 8001)
    menu = await chat.begin("العربية")
    article = await chat.tap_data(menu.message_id, "a:sfi")
    assert "[\u2068ar\u2069] \u2068Sfi – lär dig svenska\u2069" in article.plain  # Latin runs isolated in Arabic
    assert t.gettext("Translated by machine, not yet checked by a person.") in article.plain
    assert network_attempts == []
