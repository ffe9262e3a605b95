"""Privacy: no message text stored, logs without chat ids or text, /forget deletes everything."""

from __future__ import annotations

import logging

import pytest
from sqlmodel import SQLModel, select

from content.models import BotUser, Follow, QuestionStat, Registration
from content.services import ContentServices
from tests.bot.conftest import Chat
from tests.bot.emulator import BotAPIEmulator
from vagvisare.cli import quiet_libraries

SECRET = "Zebrafinkenstraße 42"


async def test_questions_are_never_stored_only_counted(bot: BotAPIEmulator, services: ContentServices) -> None:
    chat = Chat(bot, 4001)
    await chat.begin("English")
    await chat.say(f"I live at {SECRET}, where can I learn Swedish?")
    async with services.sessions() as session:
        stats = (await session.exec(select(QuestionStat))).all()
        for table in SQLModel.metadata.sorted_tables:  # every table of the schema
            rows = (await session.exec(select(table))).all()  # type: ignore[call-overload]
            assert SECRET not in repr(rows), table.name
    assert [(s.lang, s.answer_slug) for s in stats] == [("en", "sfi")]


async def test_logs_carry_no_chat_ids_or_message_text(bot: BotAPIEmulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    quiet_libraries("DEBUG")  # what `vagvisare run` does, even when an operator asks for DEBUG
    chat = Chat(bot, 4002424242)
    await chat.begin("English")
    await chat.say(SECRET)
    await chat.tap_data((await chat.say("/menu")).message_id, "nonsense-that-is-stale")
    # aiohttp.access is the emulator's own log: Telegram's side, not the bot's.
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "aiohttp.access")
    assert caplog.records  # the capture works: there is something to look at
    assert "4002424242" not in logged
    assert SECRET not in logged
    assert "TEST-token" not in logged


async def test_forget_deletes_the_person_their_follows_and_registrations(
    bot: BotAPIEmulator, services: ContentServices
) -> None:
    chat = Chat(bot, 4003)
    menu = await chat.begin("English")
    await chat.tap_data(menu.message_id, "fol:umea:1")
    card = await chat.tap_data(menu.message_id, "e:sfi-oppet-hus-falun")
    await chat.tap(card, "Register")
    confirm = await chat.say("/forget")
    await chat.tap(confirm, "Yes, delete everything")
    async with services.sessions() as session:
        assert (await session.exec(select(BotUser).where(BotUser.chat_id == 4003))).all() == []
        assert (await session.exec(select(Follow))).all() == []
        assert (await session.exec(select(Registration))).all() == []
