"""A real python-telegram-bot Application, polling the Bot API emulator, over a database with the starter content."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot

from bot.channels import telegram
from bot.channels.telegram import TelegramTransport, build_application, build_sender_bot
from bot.conversation import Conversation
from bot.outbox.lock import ProcessLock
from bot.outbox.messages import Messages
from bot.outbox.sender import Sender
from content.search.index import SearchIndex
from content.services import ContentServices
from tests.bot.emulator import TOKEN, BotAPIEmulator, Sent
from tests.conftest import DATABASE_KINDS, database_copy


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


@pytest.fixture(params=DATABASE_KINDS)
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, starter_template: Path, postgres_starter_template: str | None
) -> AsyncIterator[str]:
    """The bot's tests run over the starter content: a copy of a loaded template, not a load per test."""
    async with database_copy(request.param, tmp_path, starter_template, postgres_starter_template) as url:
        yield url


@pytest.fixture
async def services(sessions: async_sessionmaker[AsyncSession]) -> ContentServices:
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


@dataclass
class Outbox:
    """A running outbox sender, talking to the emulator through a real python-telegram-bot `Bot`."""

    sender: Sender
    stop: asyncio.Event
    task: asyncio.Task[None]


@pytest.fixture
async def outbox(
    emulator: tuple[BotAPIEmulator, str], services: ContentServices
) -> AsyncIterator[Callable[..., Awaitable[Outbox]]]:
    """Start senders (`await outbox(rate=..., quiet=...)`); all are stopped at the end of the test."""
    api, base_url = emulator
    running: list[tuple[Outbox, Bot]] = []

    async def start(rate: float = 30.0, quiet: Callable[[datetime], bool] = lambda _: False, **options: Any) -> Outbox:
        bot = build_sender_bot(token=TOKEN, base_url=base_url, timeout=1.0)
        await bot.initialize()
        sender = Sender(
            services.sessions, TelegramTransport(bot), Messages(), rate=rate, lock=ProcessLock(), poll=0.05,
            quiet=quiet, **options,
        )  # fmt: skip
        stop = asyncio.Event()
        handle = Outbox(sender, stop, asyncio.create_task(sender.run(stop)))
        running.append((handle, bot))
        return handle

    yield start
    await api.release_polls()
    for handle, bot in running:
        handle.stop.set()
        await handle.task
        await bot.shutdown()


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 20.0) -> None:
    """Wait until `check()` is true (polling), or fail."""
    deadline = asyncio.get_running_loop().time() + within
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not true within {within} s")
        await asyncio.sleep(0.05)
