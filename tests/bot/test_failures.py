"""Telegram answering 429, 403, 5xx or not at all: the bot waits, marks, survives."""

from __future__ import annotations

import asyncio
import time

from sqlmodel import select

from bot.channels import telegram
from bot.channels.telegram import build_application
from bot.conversation import Conversation
from content.models import BotUser
from content.services import ContentServices
from tests.bot.conftest import Chat
from tests.bot.emulator import TOKEN, BotAPIEmulator, Failure


async def test_a_429_is_waited_out_and_the_reply_still_arrives(bot: BotAPIEmulator) -> None:
    chat = Chat(bot, 5001)
    await chat.begin("English")
    bot.failures.append(("sendMessage", Failure(429, "Too Many Requests: retry after 1", retry_after=1)))
    started = time.monotonic()
    menu = await chat.say("/menu")
    assert "Municipalities" in " ".join(menu.labels())
    assert time.monotonic() - started >= 1  # it waited as Telegram asked


async def test_a_person_who_blocked_the_bot_is_marked_inactive(bot: BotAPIEmulator, services: ContentServices) -> None:
    chat = Chat(bot, 5002)
    await chat.begin("English")
    bot.blocked.add(5002)
    await bot.send_text(5002, "/menu")
    probe = Chat(bot, 5003)
    await probe.say("/start")
    for _ in range(50):
        async with services.sessions() as session:
            person = (await session.exec(select(BotUser).where(BotUser.chat_id == 5002))).one()
        if not person.active:
            break
        await asyncio.sleep(0.05)
    assert person.active is False


async def test_after_a_server_error_the_bot_keeps_answering(bot: BotAPIEmulator) -> None:
    chat = Chat(bot, 5004)
    await chat.begin("English")
    bot.failures.append(("sendMessage", Failure(502, "Bad Gateway")))
    mark = await bot.send_text(5004, "/menu")  # this answer is lost to the failure
    apology = await bot.next_sent(5004, mark)  # the error handler's answer, before the person tries again
    assert apology.plain == "Sorry, something went wrong. Please try again, or send /menu."
    menu = await chat.say("/menu")
    assert "Municipalities" in " ".join(menu.labels())


async def test_a_request_telegram_never_answers_times_out_and_the_bot_recovers(
    emulator: tuple[BotAPIEmulator, str], services: ContentServices
) -> None:
    api, base_url = emulator
    application = build_application(token=TOKEN, base_url=base_url, conversation=Conversation(services), timeout=1)
    await telegram.start(application, poll_timeout=1, poll_interval=0)
    try:
        chat = Chat(api, 5005)
        await chat.begin("English")
        api.failures.append(("sendMessage", Failure(0, "no answer")))  # 0: never answer
        await api.send_text(5005, "/menu")
        menu = await chat.say("/menu")
        assert "Municipalities" in " ".join(menu.labels())
    finally:
        await api.release_polls()
        await telegram.stop(application)
