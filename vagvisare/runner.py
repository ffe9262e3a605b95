"""`vagvisare run`: the admin, the bot and background workers in one asyncio loop."""

from __future__ import annotations

import asyncio
import logging
import signal

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from admin.access import ALL_ROLES, Access, declare
from admin.app import create_app
from admin.auth import FIRST_ADMIN, ensure_administrator
from admin.render import READY
from bot.channels import telegram
from bot.channels.web import API_PATH as WEB_CHANNEL_PATH
from bot.channels.web import add_web_channel
from bot.channels.webhook import WEBHOOK_PATH, add_webhook_route
from bot.context import InboxPolicy
from bot.conversation import Conversation
from bot.urgent import lexicon
from content.services import ContentServices, ReadCache
from vagvisare.alerts import run_alerts
from vagvisare.refresh import refresh_open_data
from vagvisare.sending import keep_house, send_outbox
from vagvisare.settings import Settings
from vagvisare.startup import database, search_index, settle_memory

log = logging.getLogger(__name__)

CONTENT_RECHECK = 1.0  # seconds: an edit made by another process reaches this one's bot within a second
FIRST_ADMIN_HELP = """\
Created the administrator account (shown only this once):
  e-mail address: {email}
  password:       {password}
Log in at {address} and choose your own password under your address at the top right;
`vagvisare users add EMAIL --role editor` creates accounts for your editors."""
BOT_SETUP_HELP = """\
No Telegram token is set, so the bot is not started. To run the bot:
  1. In Telegram, open @BotFather, send /newbot and follow the steps; it gives you a token.
  2. Start again with the token: VAGVISARE_TELEGRAM_TOKEN=123456:ABC... make run"""


async def serve(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Run until SIGINT or SIGTERM (or until `stop` is set)."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await _serve(settings, stop)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    log.info("Stopped.")


async def _serve(settings: Settings, stop: asyncio.Event) -> None:
    settings.ensure_secret_key()
    async with database(settings, prepare_in_child=True) as sessions:
        services = ContentServices(
            sessions=sessions, search=await search_index(sessions), cache=ReadCache(recheck=CONTENT_RECHECK)
        )
        app = create_app(settings, services, ready_later=True)
        add_web_channel(app, _conversation(settings, services))
        declare(app, WEB_CHANNEL_PATH, Access(roles=ALL_ROLES))  # "Try the bot" is for logged-in staff
        bot = _bot(settings, services, app)
        password = await ensure_administrator(sessions)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        background = [
            asyncio.create_task(keep_house(settings, sessions, stop)),
            asyncio.create_task(run_alerts(settings, sessions, stop)),
        ]
        if settings.open_data_refresh:
            background.append(asyncio.create_task(refresh_open_data(settings, sessions, stop)))
        try:
            await web.TCPSite(runner, settings.admin_host, settings.admin_port).start()
            address = f"http://{settings.admin_host}:{settings.admin_port}/"
            print(f"Vägvisare is running. Admin: {address}", flush=True)
            if password is not None:
                print(FIRST_ADMIN_HELP.format(email=FIRST_ADMIN, password=password, address=address), flush=True)
            if bot is None:
                print(BOT_SETUP_HELP, flush=True)
            else:
                await _start_bot(settings, bot)
                background.append(asyncio.create_task(send_outbox(settings, sessions, stop)))
            await asyncio.to_thread(lexicon)  # the words of danger, read before the first message needs them
            app[READY].set()
            print("Press Ctrl+C to stop.", flush=True)
            settle_memory()
            await stop.wait()
        finally:
            stop.set()
            await asyncio.gather(*background, return_exceptions=True)  # the sender finishes what is in flight
            if bot is not None:
                await telegram.stop(bot)
            await runner.cleanup()


def _bot(settings: Settings, services: ContentServices, app: web.Application) -> Application | None:
    """Build the Telegram bot when a token is set; in webhook mode its route joins the web server."""
    if settings.telegram_token is None:
        return None
    bot = telegram.build_application(
        token=settings.telegram_token.get_secret_value(),
        base_url=settings.telegram_api_url,
        conversation=_conversation(settings, services),
        webhook=settings.webhook_url is not None,
    )
    if settings.webhook_url is not None:
        add_webhook_route(app, bot, settings.effective_webhook_secret)
        declare(app, WEBHOOK_PATH, Access(public=True, csrf=False))  # Telegram's secret header guards it
    return bot


async def _start_bot(settings: Settings, bot: Application) -> None:
    await telegram.start(bot)
    if settings.webhook_url is not None:
        await bot.bot.set_webhook(
            settings.webhook_url, secret_token=settings.effective_webhook_secret, allowed_updates=Update.ALL_TYPES
        )
        print(f"The Telegram bot receives updates at {settings.webhook_url}.", flush=True)
    else:
        print("The Telegram bot is running (long polling).", flush=True)


def _conversation(settings: Settings, services: ContentServices) -> Conversation:
    policy = InboxPolicy(
        retention_days=settings.inbox_retention_days,
        answer_days=settings.inbox_answer_days,
        inactive_days=settings.inactive_user_days,
    )
    return Conversation(services, inbox=policy)
