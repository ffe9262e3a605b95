"""Telegram: maps updates to the conversation and replies to Bot API calls. The only module that imports telegram."""

from __future__ import annotations

import functools
import logging
import traceback
from typing import Any

from telegram import (
    Bot,
    BotCommand,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels.http import AiohttpRequest, UpdatesRequest
from bot.conversation import COMMANDS, Conversation
from bot.outbox.sender import Blocked, Rejected, RetryLater, Transient
from bot.render import split_message
from bot.reply import Button, Reply
from translations.catalogs import N_, Translator
from translations.languages import CODES

log = logging.getLogger(__name__)
CONVERSATION = "conversation"
CALLBACKS_ANSWERED = "callbacks answered by the webhook"  # bot_data flag: set in webhook mode (bot/channels/webhook.py)
PRIVATE = filters.ChatType.PRIVATE
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
KEYBOARDS_KEPT = 256  # built keyboards kept for reuse (each a few kilobytes)

COMMAND_HELP = {
    "start": N_("Start again"),
    "menu": N_("Main menu"),
    "help": N_("Help and emergency numbers"),
    "language": N_("Change language"),
    "mydata": N_("See what is stored about you"),
    "forget": N_("Delete everything about you"),
}


def build_application(
    *, token: str, base_url: str, conversation: Conversation, webhook: bool = False, timeout: float = 5.0
) -> Application:
    """Build the python-telegram-bot Application (polling by default; no updater for webhooks).

    `timeout` bounds connecting to the Bot API and each wait for its answer (a long poll adds its poll timeout).
    """
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .request(
            AiohttpRequest(
                connection_pool_size=64,
                read_timeout=timeout,
                connect_timeout=timeout,
                results_unused={"editMessageText"},  # the edited message is never read back (bot/channels/http.py)
            )
        )
        .get_updates_request(UpdatesRequest(connection_pool_size=1, read_timeout=timeout, connect_timeout=timeout))
        .concurrent_updates(64)
        # Waits out a 429's retry_after, then retries. Answers to people are not throttled in advance (every
        # request would count, callback answers included); broadcasts keep their own global rate.
        .rate_limiter(AIORateLimiter(overall_max_rate=0, max_retries=3))
    )
    if webhook:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data[CONVERSATION] = conversation
    application.add_handler(CommandHandler("start", _on_start, filters=PRIVATE))
    application.add_handler(CommandHandler([c for c in COMMANDS if c != "start"], _on_command, filters=PRIVATE))
    application.add_handler(MessageHandler(PRIVATE & filters.COMMAND, _on_unknown_command))
    application.add_handler(CallbackQueryHandler(_on_callback))
    application.add_handler(
        MessageHandler(PRIVATE & filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, _on_text)
    )
    application.add_handler(MessageHandler(PRIVATE & filters.UpdateType.MESSAGE & ~filters.TEXT, _on_unsupported))
    # Edited messages, group chats and channel posts match no handler and are ignored on purpose.
    application.add_error_handler(_on_error)
    return application


async def start(application: Application, *, poll_timeout: int = 50, **polling: Any) -> None:
    """Start the bot: set its commands, then long-poll (when it has an updater) or wait for webhook updates."""
    await application.initialize()
    await set_commands(application)
    await application.start()
    if application.updater is not None:
        await application.updater.start_polling(timeout=poll_timeout, **polling)


async def stop(application: Application) -> None:
    """Stop polling and processing, and close the HTTP connections."""
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()


async def set_commands(application: Application) -> None:
    """Register the commands in every language Telegram knows (easy Swedish has no Telegram code)."""
    for code in [None, *[c for c in CODES if len(c) == 2]]:
        t = Translator(code or "en")
        commands = [BotCommand(name, t.gettext(text)) for name, text in COMMAND_HELP.items()]
        await application.bot.set_my_commands(commands, language_code=code)


def _conversation(context: ContextTypes.DEFAULT_TYPE) -> Conversation:
    conversation: Conversation = context.bot_data[CONVERSATION]
    return conversation


def _lang(update: Update) -> str | None:
    user = update.effective_user
    return user.language_code if user else None


async def _on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat is not None
    payload = context.args[0] if context.args else None
    reply = await _conversation(context).start(update.effective_chat.id, payload, _lang(update))
    await send(context, update.effective_chat.id, reply)


async def _on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat is not None
    assert update.effective_message is not None
    name = (update.effective_message.text or "/").split()[0][1:].split("@")[0].lower()
    reply = await _conversation(context).command(update.effective_chat.id, name, _lang(update))
    await send(context, update.effective_chat.id, reply)


async def _on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat is not None
    reply = await _conversation(context).command(update.effective_chat.id, "", _lang(update))
    await send(context, update.effective_chat.id, reply)


async def _on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat is not None
    assert update.effective_message is not None
    text = update.effective_message.text or ""
    reply = await _conversation(context).text(update.effective_chat.id, text, _lang(update))
    await send(context, update.effective_chat.id, reply)


async def _on_unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat is not None
    reply = await _conversation(context).unsupported(update.effective_chat.id, _lang(update))
    await send(context, update.effective_chat.id, reply)


async def _on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    try:
        await _answer_callback(update, context)
    finally:
        # Stops the button's spinner once the new screen is there: answering first put a whole request (about
        # a millisecond under load) before the reply the person waits for. A webhook answered it already.
        if not context.bot_data.get(CALLBACKS_ANSWERED):
            await _stop_spinner(query)


async def _stop_spinner(query: CallbackQuery) -> None:
    try:
        await query.answer()
    except TelegramError as error:  # e.g. a query too old after a very slow reply: the reply itself went out
        log.warning("Could not answer a button press: %s", type(error).__name__)


async def _answer_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    chat = update.effective_chat
    if chat is None or chat.type != "private":
        return
    reply = await _conversation(context).callback(chat.id, query.data, _lang(update))
    parts = split_message(reply.text)
    message = query.message
    new_message = (query.data or "").startswith("!")  # a button under an announcement keeps the announcement
    if new_message or message is None or not hasattr(message, "edit_text"):
        await send(context, chat.id, reply)
        return
    try:
        await message.edit_text(  # navigate in place rather than flooding the chat
            parts[0],
            parse_mode=ParseMode.HTML,
            reply_markup=_keyboard(reply) if len(parts) == 1 else None,
            link_preview_options=NO_PREVIEW,
        )
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            await send(context, chat.id, reply)
        await _notify(context, reply)
        return
    for index, part in enumerate(parts[1:], start=1):
        last = index == len(parts) - 1
        await context.bot.send_message(
            chat.id,
            part,
            parse_mode=ParseMode.HTML,
            reply_markup=_keyboard(reply) if last else None,
            link_preview_options=NO_PREVIEW,
        )
    await _notify(context, reply)


async def send(context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply) -> None:
    """Send a reply, then the notices it carries for other people."""
    if await deliver_reply(context.application, chat_id, reply):
        await _notify(context, reply)


async def deliver_reply(application: Application, chat_id: int, reply: Reply) -> bool:
    """Send a reply as one or more messages (split at paragraphs), buttons under the last; False if blocked."""
    parts = split_message(reply.text) if reply.text else []
    try:
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            await application.bot.send_message(
                chat_id,
                part,
                parse_mode=ParseMode.HTML,
                reply_markup=_keyboard(reply) if last else None,
                link_preview_options=NO_PREVIEW,
            )
    except Forbidden:
        conversation: Conversation = application.bot_data[CONVERSATION]
        await conversation.blocked(chat_id)
        return False
    return True


async def _notify(context: ContextTypes.DEFAULT_TYPE, reply: Reply) -> None:
    for notice in reply.notices:
        await send(context, notice.chat_id, notice.reply)


def _keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return _shared_keyboard(tuple(tuple(row) for row in reply.buttons if row))


@functools.lru_cache(maxsize=KEYBOARDS_KEPT)
def _shared_keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup:
    """The keyboard for these buttons, built once: many people see the same screens, in the same language."""
    return _Keyboard(
        [
            [
                InlineKeyboardButton(button.text, url=button.url)
                if button.url
                else InlineKeyboardButton(button.text, callback_data=button.data)
                for button in row
            ]
            for row in rows
        ]
    )


class _Keyboard(InlineKeyboardMarkup):
    """An inline keyboard that keeps its Bot API form: sharing it is safe (Telegram objects are immutable), and
    turning a dozen buttons back into a dict took as long as building them (0.07 ms each per reply)."""

    __slots__ = ("_as_dict",)
    _as_dict: dict[str, Any]

    def __init__(self, rows: list[list[InlineKeyboardButton]]) -> None:
        super().__init__(rows)
        object.__setattr__(self, "_as_dict", super().to_dict())  # python-telegram-bot freezes its objects

    def to_dict(self, recursive: bool = True) -> dict[str, Any]:
        return dict(self._as_dict)  # a shallow copy: a caller may add keys to the top level, never below


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log where handling failed, never who or what they wrote; tell the person something went wrong."""
    error = context.error
    kind = type(update).__name__ if update is not None else "none"
    frames = "".join(traceback.format_tb(error.__traceback__)) if error is not None else ""
    log.error("Handling a %s failed with %s\n%s", kind, type(error).__name__, frames)
    if isinstance(update, Update) and update.effective_chat is not None and not isinstance(error, Forbidden):
        t = Translator(_guess(update))
        text = t.gettext("Sorry, something went wrong. Please try again, or send /menu.")
        try:
            await context.bot.send_message(update.effective_chat.id, text)
        except TelegramError:
            log.warning("Could not tell the person about the error.")


def _guess(update: Update) -> str:
    from bot.screens.home import guess_language

    return guess_language(_lang(update))


def build_sender_bot(*, token: str, base_url: str, timeout: float = 10.0) -> Bot:
    """A bot for the outbox sender: no rate limiter of its own (the sender paces itself and handles 429s)."""
    request = AiohttpRequest(connection_pool_size=16, read_timeout=timeout, connect_timeout=timeout)
    return Bot(token, base_url=base_url, request=request)


class TelegramTransport:
    """Sends outbox messages through the Bot API, turning its errors into the sender's outcomes."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: int, reply: Reply) -> None:
        try:
            for index, part in enumerate(parts := split_message(reply.text)):
                await self.bot.send_message(
                    chat_id,
                    part,
                    parse_mode=ParseMode.HTML,
                    reply_markup=_keyboard(reply) if index == len(parts) - 1 else None,
                    link_preview_options=NO_PREVIEW,
                )
        except RetryAfter as error:
            wait = error.retry_after
            raise RetryLater(wait if isinstance(wait, int) else wait.total_seconds()) from None
        except Forbidden:
            raise Blocked() from None
        except BadRequest as error:
            if "chat not found" in error.message.lower():
                raise Blocked() from None  # the account is gone
            raise Rejected(error.message[:40]) from None
        except TimedOut:
            raise Transient("timeout") from None
        except NetworkError as error:
            raise Transient(error.message[:40]) from None
