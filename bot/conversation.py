"""The conversation, channel-free: what the bot answers to /start, a command, a button or a message.

Each call is one database transaction; everything that matters (language, situation, follows, registrations)
lives in the database, so any process can answer any update and a restart forgets nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.context import Context, InboxPolicy
from bot.reply import Button, Reply
from bot.router import open_deep_link, open_route
from bot.routes import deep_link_route, parse, route
from bot.screens import ask, home, settings, staff
from bot.screens.common import stale
from bot.urgent import is_urgent
from content.events_time import SWEDEN
from content.models import BotUser, utcnow
from content.repository.people import get_or_create_user, get_user
from content.services import ContentServices
from content.sqlite_connection import reads_on_loop
from translations.catalogs import Translator

MAX_QUESTION = 1000
COMMANDS = ("start", "menu", "help", "language", "mydata", "forget")


class Conversation:
    """Answers people through any channel (Telegram, the admin's "Try the bot" page)."""

    def __init__(
        self,
        services: ContentServices,
        clock: Callable[[], datetime] = utcnow,
        inbox: InboxPolicy | None = None,
    ) -> None:
        self.services = services
        self.clock = clock
        self.inbox = inbox or InboxPolicy()

    async def start(self, chat_id: int, payload: str | None, telegram_lang: str | None) -> Reply:
        """/start, optionally with a deep-link payload (m_umea, e_<event>, t_sfi, l_ar)."""
        async with self._transaction() as session:
            user = await get_or_create_user(session=session, chat_id=chat_id)
            if user.writing_to_staff_until is not None:
                user.writing_to_staff_until = None
            ctx = await self._context(session, user, telegram_lang)
            target = deep_link_route(payload)
            if user.lang is None:
                if target is not None and target[0] == "L":
                    return await open_route(ctx, *target)
                then = payload if payload and target is not None else ""
                return home.choose_language(ctx, home.guess_language(telegram_lang), then=then)
            if payload and target is not None:
                return await open_deep_link(ctx, payload) or home.menu(ctx)
            return home.menu(ctx)

    async def command(self, chat_id: int, name: str, telegram_lang: str | None) -> Reply:
        """/menu, /help, /language, /mydata, /forget; any other command gets a short explanation."""
        async with self._transaction() as session:
            user = await get_user(session=session, chat_id=chat_id)
            if user is None and name in ("mydata", "forget"):
                t = Translator(home.guess_language(telegram_lang))
                return Reply(t.gettext("Nothing is stored about you."), [])
            user = user or await get_or_create_user(session=session, chat_id=chat_id)
            if user.writing_to_staff_until is not None:  # a command instead of the message: nothing goes unasked
                user.writing_to_staff_until = None
            ctx = await self._context(session, user, telegram_lang)
            if user.lang is None:
                return home.choose_language(ctx, ctx.lang)
            handlers = {
                "menu": lambda: home.menu(ctx),
                "language": lambda: home.choose_language(ctx, ctx.lang),
                "forget": lambda: settings.forget_confirm(ctx),
            }
            if name in handlers:
                return handlers[name]()
            if name == "help":
                return await home.help_screen(ctx)
            if name == "mydata":
                return await settings.mydata(ctx)
            menu = home.menu(ctx)
            note = ctx._("I do not know that command. Here is the menu:")
            return Reply(f"{note}\n\n{menu.text}", menu.buttons)

    async def callback(self, chat_id: int, data: str | None, telegram_lang: str | None) -> Reply:
        """A button press."""
        async with self._transaction() as session:
            user = await get_or_create_user(session=session, chat_id=chat_id)
            ctx = await self._context(session, user, telegram_lang)
            if user.writing_to_staff_until is not None:  # a button instead of the message: nothing goes unasked
                user.writing_to_staff_until = None
            parsed = parse(data)
            if parsed is None:
                return stale(ctx)
            return await open_route(ctx, *parsed)

    async def text(self, chat_id: int, text: str, telegram_lang: str | None) -> Reply:
        """A message: a question for the search (its text is not stored), or for staff if the person agreed."""
        async with self._transaction() as session:
            user = await get_or_create_user(session=session, chat_id=chat_id)
            ctx = await self._context(session, user, telegram_lang)
            if user.lang is None:
                return home.choose_language(ctx, ctx.lang)
            question = text.strip()[:MAX_QUESTION]
            if not question:
                return ask.ask_prompt(ctx)
            urgent = is_urgent(text)
            if staff.is_writing(ctx):
                return await staff.received(ctx, text.strip(), urgent)
            reply = await ask.answer(ctx, question)
            if urgent:  # words of danger: the emergency number first, whatever the search found
                help_row = [Button("🆘 " + ctx._("Help & emergency numbers"), route("help"))]
                rest = [row for row in reply.buttons if all(button.data != "help" for button in row)]
                return Reply(staff.emergency_line(ctx) + "\n\n" + reply.text, [help_row, *rest])
            return reply

    async def unsupported(self, chat_id: int, telegram_lang: str | None) -> Reply:
        """Stickers, photos, voice, locations, files: the bot reads text only."""
        async with self._transaction() as session:
            user = await get_user(session=session, chat_id=chat_id)
        t = Translator((user.lang if user else None) or home.guess_language(telegram_lang))
        return Reply(t.gettext("I can only read text. Write your question, or send /menu to see the topics."), [])

    async def blocked(self, chat_id: int) -> None:
        """Telegram says the person blocked the bot: send them nothing more."""
        from content.repository.people import update_user

        async with self._transaction() as session:
            user = await get_user(session=session, chat_id=chat_id)
            if user is not None:
                await update_user(session=session, user=user, active=False)

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncSession]:
        """One transaction per update; its small reads run on the event loop (content/sqlite_connection.py)."""
        with reads_on_loop():
            async with self.services.sessions() as session, session.begin():
                yield session

    async def _context(self, session: AsyncSession, user: BotUser, telegram_lang: str | None) -> Context:
        if not user.active:  # they write again, so they no longer block the bot
            user.active = True
        today = self.clock().astimezone(SWEDEN).date()
        if user.last_seen != today:  # a write once a day per person at most
            user.last_seen = today
        await self.services.cache.follow(session)  # content changed since the last update? forget cached reads
        lang = user.lang or home.guess_language(telegram_lang)
        return Context(
            session=session,
            services=self.services,
            user=user,
            t=Translator(lang),
            now=self.clock(),
            inbox=self.inbox,
        )
