"""The web channel: the same conversation over HTTP, for the admin's "Try the bot" page.

A browser session gets a random id in an HttpOnly cookie; its chat number is derived from that id and negative,
so it can never collide with a Telegram chat (Telegram's private chat ids are positive).
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from aiohttp import web

from bot.conversation import COMMANDS, Conversation
from bot.render import split_message
from bot.reply import Reply

COOKIE = "vagvisare_try"
API_PATH = "/try/api"
MAX_TEXT = 4096


def chat_id_for(session_id: str) -> int:
    """Return the (negative) chat number of a web session."""
    return -(int(hashlib.sha256(session_id.encode()).hexdigest()[:15], 16) + 1)


def add_web_channel(app: web.Application, conversation: Conversation) -> None:
    """Serve the conversation at POST /try/api: {"say": text} | {"press": callback data} | {"start": payload}."""

    async def talk(request: web.Request) -> web.Response:
        try:
            body: Any = await request.json()
        except ValueError:
            return _bad("send a JSON object")
        if not isinstance(body, dict) or len(body) != 1 or next(iter(body)) not in ("say", "press", "start"):
            return _bad('send exactly one of "say", "press" or "start"')
        ((kind, value),) = body.items()
        if value is not None and (not isinstance(value, str) or len(value) > MAX_TEXT):
            return _bad(f'"{kind}" must be a text of at most {MAX_TEXT} characters')
        session_id = request.cookies.get(COOKIE) or secrets.token_urlsafe(24)
        chat_id = chat_id_for(session_id)
        lang = request.headers.get("Accept-Language", "").split(",")[0].strip() or None
        reply = await _answer(conversation, chat_id, kind, value or "", lang)
        response = web.json_response(_as_json(reply))
        response.set_cookie(COOKIE, session_id, httponly=True, samesite="Strict", secure=request.secure)
        return response

    app.router.add_post(API_PATH, talk)


async def _answer(conversation: Conversation, chat_id: int, kind: str, value: str, lang: str | None) -> Reply:
    if kind == "start":
        return await conversation.start(chat_id, value or None, lang)
    if kind == "press":
        return await conversation.callback(chat_id, value, lang)
    if value.startswith("/"):
        name, _, payload = value[1:].partition(" ")
        if name == "start":
            return await conversation.start(chat_id, payload.strip() or None, lang)
        return await conversation.command(chat_id, name if name in COMMANDS else "", lang)
    return await conversation.text(chat_id, value, lang)


def _as_json(reply: Reply) -> dict[str, Any]:
    parts = split_message(reply.text) if reply.text else []
    buttons = [
        [{"text": b.text, "data": b.data} if b.data else {"text": b.text, "url": b.url} for b in row]
        for row in reply.buttons
    ]
    return {
        "messages": [
            {"html": part, "buttons": buttons if index == len(parts) - 1 else []} for index, part in enumerate(parts)
        ]
    }


def _bad(message: str) -> web.Response:
    return web.json_response({"error": message}, status=400)
