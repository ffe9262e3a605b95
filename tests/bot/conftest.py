"""A real python-telegram-bot Application, polling the Bot API emulator, over a database with the starter content."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp import web
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.channels import telegram
from bot.channels.telegram import build_application
from bot.conversation import Conversation
from content.loading import load_repository
from content.search.index import SearchIndex
from content.services import ContentServices
from tests.bot.emulator import TOKEN, BotAPIEmulator, Sent


@pytest.fixture
async def emulator() -> AsyncIterator[tuple[BotAPIEmulator, str]]:
    api = BotAPIEmulator()
    runner = web.AppRunner(api.app(), handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield api, f"http://127.0.0.1:{port}/bot"
    await api.release_polls()
    await runner.cleanup()


@pytest.fixture
async def services(sessions: async_sessionmaker[AsyncSession]) -> ContentServices:
    await load_repository(sessions)
    return ContentServices(sessions=sessions, search=SearchIndex())


@dataclass
class Chat:
    """One person talking to the bot through the emulator."""

    api: BotAPIEmulator
    chat_id: int

    async def say(self, text: str) -> Sent:
        mark = await self.api.send_text(self.chat_id, text)
        return await self.api.reply(self.chat_id, mark)

    async def tap(self, message: Sent, label: str) -> Sent:
        mark = await self.api.press(self.chat_id, message, label)
        return await self.api.reply(self.chat_id, mark)

    async def tap_data(self, message_id: int, data: str) -> Sent:
        mark = await self.api.press_data(self.chat_id, message_id, data)
        return await self.api.reply(self.chat_id, mark)

    async def begin(self, language: str) -> Sent:
        """/start, choose `language` (by its native name), accept the privacy notice, skip the situation."""
        picker = await self.say("/start")
        notice = await self.tap(picker, language)
        question = await self.tap(notice, notice.labels()[-1])
        return await self.tap(question, question.labels()[-1])


@pytest.fixture
async def bot(emulator: tuple[BotAPIEmulator, str], services: ContentServices) -> AsyncIterator[BotAPIEmulator]:
    api, base_url = emulator
    application = build_application(token=TOKEN, base_url=base_url, conversation=Conversation(services))
    await telegram.start(application, poll_timeout=5, poll_interval=0)
    api.application = application
    yield api
    await api.release_polls()
    for running in {id(application): application, id(api.application): api.application}.values():
        await telegram.stop(running)  # a test may have replaced the bot ("restarted" it)


@pytest.fixture
def chat(bot: BotAPIEmulator) -> Chat:
    return Chat(bot, 1001)
