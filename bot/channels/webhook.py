"""Telegram webhooks: an aiohttp route that checks Telegram's secret header and hands the update to the bot."""

from __future__ import annotations

import hmac
import logging
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.channels.http import drop_unread
from bot.channels.telegram import CALLBACKS_ANSWERED

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105  (a header name, not a secret)


def add_webhook_route(app: web.Application, application: Application, secret: str) -> None:
    """Receive updates at WEBHOOK_PATH; answer at once and let the bot process them in the background.

    A button press's spinner is stopped in the answer itself: Telegram runs one Bot API method given in the body
    of a webhook's answer, so `answerCallbackQuery` needs no request of its own (the handlers skip it).
    """
    application.bot_data[CALLBACKS_ANSWERED] = True

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):  # constant time: no timing oracle
            return web.Response(status=403)
        try:
            data: Any = await request.json()
            drop_unread(data)
            update = Update.de_json(data, application.bot)
        except (ValueError, TypeError, KeyError):
            log.warning("Ignored a webhook call that was not a Telegram update.")
            return web.Response(status=400)
        await application.update_queue.put(update)
        if update.callback_query is not None:
            return web.json_response({"method": "answerCallbackQuery", "callback_query_id": update.callback_query.id})
        return web.Response(status=200)

    app.router.add_post(WEBHOOK_PATH, receive)
