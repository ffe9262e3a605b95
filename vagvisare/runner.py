"""`vagvisare run`: the admin, the bot and background workers in one asyncio loop."""

from __future__ import annotations

import asyncio
import logging
import signal

from aiohttp import web

from admin.app import create_app
from content.services import ContentServices
from vagvisare.settings import Settings
from vagvisare.startup import database, search_index

log = logging.getLogger(__name__)

BOT_SETUP_HELP = """\
No Telegram token is set, so the bot is not started. To run the bot:
  1. In Telegram, open @BotFather, send /newbot and follow the steps; it gives you a token.
  2. Start again with the token: VAGVISARE_TELEGRAM_TOKEN=123456:ABC... make run"""
BOT_NOT_YET = "A Telegram token is set, but this version of Vägvisare does not contain the bot yet."


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
    async with database(settings) as sessions:
        services = ContentServices(sessions=sessions, search=await search_index(sessions))
        runner = web.AppRunner(create_app(settings, services), access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, settings.admin_host, settings.admin_port).start()
            print(f"Vägvisare is running. Admin: http://{settings.admin_host}:{settings.admin_port}/", flush=True)
            print(BOT_SETUP_HELP if settings.telegram_token is None else BOT_NOT_YET, flush=True)
            print("Press Ctrl+C to stop.", flush=True)
            await stop.wait()
        finally:
            await runner.cleanup()
