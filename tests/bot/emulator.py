"""A small Telegram Bot API emulator for tests: a real python-telegram-bot Application talks HTTP to it.

It validates what Telegram validates (text length, HTML entities, callback data size, keyboard shape), keeps the
chats' messages, long-polls getUpdates, and can inject failures (429 with retry_after, 403, 5xx, timeouts).
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import json
import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import aiohttp
from aiohttp import web

TOKEN = "123456:TEST-token"
BOT = {
    "id": 123456,
    "is_bot": True,
    "first_name": "Vägvisare",
    "username": "vagvisare_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-spoiler",
    "span",
    "tg-emoji",
}


BARE_AMPERSAND = re.compile(r"&(?!(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);)")
BARE_LESS_THAN = re.compile(r"<(?!/?[a-zA-Z])")


class TelegramHTML(HTMLParser):
    """Checks text the way Telegram's HTML parse mode does: known tags, properly nested, entities escaped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.error: str | None = None
        self.plain: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.error = self.error or f'Unsupported start tag "{tag}"'
        if tag == "a" and not dict(attrs).get("href"):
            self.error = self.error or "Link without href"
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.error = self.error or f'Unmatched end tag "{tag}"'
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.plain.append(data)


def check_html(text: str) -> str:
    """Return the plain text of Telegram HTML, or raise ValueError like Telegram's 400."""
    if BARE_AMPERSAND.search(text) or BARE_LESS_THAN.search(text):
        raise ValueError("Bad Request: can't parse entities: unescaped & or <")
    parser = TelegramHTML()
    parser.feed(text)
    parser.close()
    if parser.error or parser.stack:
        raise ValueError(f"Bad Request: can't parse entities: {parser.error or 'unclosed tag'}")
    return "".join(parser.plain)


ARRIVED: contextvars.ContextVar[float] = contextvars.ContextVar("arrived")  # when the request being handled came


def _arrival() -> float:
    return ARRIVED.get(time.monotonic())


@dataclass
class Sent:
    """A message the bot sent or edited."""

    chat_id: int
    message_id: int
    text: str
    buttons: list[list[dict[str, Any]]]
    edited: bool = False
    at: float = field(default_factory=_arrival)  # when its request reached the emulator, before any checking

    @property
    def plain(self) -> str:
        return check_html(self.text)

    def button(self, label: str) -> dict[str, Any]:
        """Return the first button whose text contains `label`."""
        for row in self.buttons:
            for button in row:
                if label in button["text"]:
                    return button
        raise AssertionError(f"no button {label!r} in {[b['text'] for r in self.buttons for b in r]}")

    def labels(self) -> list[str]:
        return [button["text"] for row in self.buttons for button in row]


class Failure(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        self.status, self.description, self.retry_after = status, description, retry_after


class BotAPIEmulator:
    """The emulated Bot API and the people chatting with the bot."""

    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []
        self.update_ids = itertools.count(1)
        self.delivered: list[dict[str, Any]] = []  # every update pushed, for `push_again`
        self.message_ids = itertools.count(1000)
        self.changed = asyncio.Condition()
        self.messages: dict[int, dict[int, Sent]] = defaultdict(dict)  # chat -> message id -> latest version
        self.log: list[Sent] = []  # every send and edit, in order
        self.watchers: dict[int, list[asyncio.Future[Sent]]] = defaultdict(list)  # chat -> waiting `next_sent`s
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.callback_answers: list[str] = []
        self.commands: dict[str | None, list[dict[str, str]]] = {}
        self.failures: list[tuple[str, Failure]] = []  # (method, failure) to inject, first match wins
        # Called for every request after `failures`: returns a failure to inject, or None (random faults).
        self.fault: Callable[[str, dict[str, Any]], Failure | None] | None = None
        self.arrivals: list[tuple[str, float]] = []  # (method, monotonic time) of every request, on arrival
        self.blocked: set[int] = set()
        self.languages: dict[int, str] = {}
        self.webhook: str | None = None
        self.webhook_secret: str | None = None
        # Where webhook updates are actually posted (in a deployment, the reverse proxy behind `webhook`); while a
        # webhook is set and this is too, updates go there instead of waiting for getUpdates, as Telegram does.
        self.deliver_to: str | None = None
        self._delivery: aiohttp.ClientSession | None = None
        self.closing = False
        self.application: Any = None  # the bot under test, for tests that drive its jobs

    async def release_polls(self) -> None:
        """End every waiting getUpdates at once, so the bot's shutdown does not wait for a long poll."""
        async with self.changed:
            self.closing = True
            self.changed.notify_all()
        if self._delivery is not None:
            await self._delivery.close()
            self._delivery = None

    # --- the HTTP side ---------------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(f"/bot{TOKEN}/{{method}}", self._handle)
        app.router.add_get(f"/bot{TOKEN}/{{method}}", self._handle)
        return app

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        ARRIVED.set(time.monotonic())  # each request is handled in its own task, so in its own context
        self.arrivals.append((method, ARRIVED.get()))
        params = await _params(request)
        self.calls.append((method, params))
        injected = next((failure for name, failure in self.failures if name == method), None)
        if injected is not None:
            self.failures.remove((method, injected))
        elif self.fault is not None:
            injected = self.fault(method, params)
        if injected is not None:
            if injected.status == 0:
                await asyncio.sleep(3600)  # a timeout: never answer
            body: dict[str, Any] = {"ok": False, "error_code": injected.status, "description": injected.description}
            if injected.retry_after is not None:
                body["parameters"] = {"retry_after": injected.retry_after}
            return web.json_response(body, status=injected.status)
        handler = getattr(self, f"api_{method}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        try:
            result = await handler(params)
        except Failure as failure:
            return _error(failure.status, failure.description)
        except ValueError as error:
            return _error(400, str(error))
        return web.json_response({"ok": True, "result": result})

    async def api_getMe(self, params: dict[str, Any]) -> Any:
        return BOT

    async def api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = self.webhook_secret = None
        return True

    async def api_setWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = params.get("url")
        self.webhook_secret = params.get("secret_token")
        return True

    async def api_setMyCommands(self, params: dict[str, Any]) -> Any:
        commands = params["commands"]
        for command in commands:
            if not 1 <= len(command["command"]) <= 32 or not 1 <= len(command["description"]) <= 256:
                raise ValueError("Bad Request: command or description has a wrong length")
        self.commands[params.get("language_code")] = commands
        return True

    async def api_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        async with self.changed:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            while not self.updates and not self.closing and time.monotonic() < deadline:
                try:
                    await asyncio.wait_for(self.changed.wait(), deadline - time.monotonic())
                except TimeoutError:
                    break
            return self.updates[:100]

    async def api_sendMessage(self, params: dict[str, Any]) -> Any:
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked:
            raise Failure(403, "Forbidden: bot was blocked by the user")
        text = self._check_text(params)
        sent = Sent(chat_id, next(self.message_ids), text, self._check_keyboard(params))
        await self._record(sent)
        return self._message(sent)

    async def api_editMessageText(self, params: dict[str, Any]) -> Any:
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        old = self.messages[chat_id].get(message_id)
        if old is None:
            raise ValueError("Bad Request: message to edit not found")
        text = self._check_text(params)
        buttons = self._check_keyboard(params)
        if old.text == text and old.buttons == buttons:
            raise ValueError("Bad Request: message is not modified")
        sent = Sent(chat_id, message_id, text, buttons, edited=True)
        await self._record(sent)
        return self._message(sent)

    async def api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        self.callback_answers.append(params["callback_query_id"])
        return True

    def _check_text(self, params: dict[str, Any]) -> str:
        text = str(params.get("text", ""))
        plain = check_html(text) if params.get("parse_mode") == "HTML" else text
        if not plain.strip():
            raise ValueError("Bad Request: message text is empty")
        if len(plain.encode("utf-16-le")) // 2 > 4096:  # Telegram counts UTF-16 code units
            raise ValueError("Bad Request: message is too long")
        return text

    def _check_keyboard(self, params: dict[str, Any]) -> list[list[dict[str, Any]]]:
        markup = params.get("reply_markup")
        if not markup:
            return []
        rows = markup.get("inline_keyboard")
        if not isinstance(rows, list) or not all(isinstance(row, list) and row for row in rows):
            raise ValueError("Bad Request: inline keyboard must be a list of non-empty rows")
        for row in rows:
            for button in row:
                if not button.get("text"):
                    raise ValueError("Bad Request: button text is empty")
                actions = [key for key in ("callback_data", "url") if key in button]
                if len(actions) != 1:
                    raise ValueError("Bad Request: a button needs exactly one action")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    raise ValueError("Bad Request: BUTTON_DATA_INVALID")
        return rows

    async def _record(self, sent: Sent) -> None:
        async with self.changed:
            self.messages[sent.chat_id][sent.message_id] = sent
            self.log.append(sent)
            self.changed.notify_all()
        for waiter in self.watchers.pop(sent.chat_id, []):
            if not waiter.done():
                waiter.set_result(sent)

    def _message(self, sent: Sent) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": sent.message_id,
            "date": int(time.time()),
            "chat": {"id": sent.chat_id, "type": "private"},
            "from": BOT,
            "text": check_html(sent.text) if "<" in sent.text or "&" in sent.text else sent.text,
        }
        if sent.buttons:
            message["reply_markup"] = {"inline_keyboard": sent.buttons}
        return message

    # --- the people's side -----------------------------------------------------------------------------

    def _user(self, chat_id: int) -> dict[str, Any]:
        user = {"id": chat_id, "is_bot": False, "first_name": f"Person {chat_id}"}
        if chat_id in self.languages:
            user["language_code"] = self.languages[chat_id]
        return user

    async def push(self, update: dict[str, Any]) -> int:
        if self.webhook is not None and self.deliver_to is not None:
            return await self._deliver(update)
        async with self.changed:
            update["update_id"] = next(self.update_ids)
            self.updates.append(update)
            self.delivered.append(update)
            self.changed.notify_all()
        return len(self.log)

    async def push_again(self) -> int:
        """Telegram delivers the last update once more, with the same update_id: a webhook call retried after its
        answer was lost. (When polling, a confirmed update never comes again: getUpdates drops it by its offset.)"""
        again = dict(self.delivered[-1])
        if self.webhook is not None and self.deliver_to is not None:
            return await self._post(again)
        async with self.changed:
            self.updates.append(again)
            self.changed.notify_all()
        return len(self.log)

    async def _deliver(self, update: dict[str, Any]) -> int:
        """Post an update to the webhook, with its secret, as Telegram does; a refusal is the test's failure."""
        assert self.deliver_to is not None
        update["update_id"] = next(self.update_ids)
        self.delivered.append(update)
        return await self._post(update)

    async def _post(self, update: dict[str, Any]) -> int:
        assert self.deliver_to is not None
        mark = len(self.log)
        if self._delivery is None:
            self._delivery = aiohttp.ClientSession()
        headers = {"X-Telegram-Bot-Api-Secret-Token": self.webhook_secret} if self.webhook_secret else {}
        async with self._delivery.post(self.deliver_to, json=update, headers=headers) as response:
            if response.status != 200:
                raise AssertionError(f"the webhook answered {response.status}")
            body = await response.read()
        if body:  # Telegram runs one method given in a webhook's answer, and tells nobody how it went
            params = json.loads(body)
            method = params.pop("method")
            self.calls.append((method, params))
            await getattr(self, f"api_{method}")(params)
        return mark

    async def send_text(self, chat_id: int, text: str, chat_type: str = "private") -> int:
        """The person writes `text`; returns a mark to wait from."""
        message: dict[str, Any] = {
            "message_id": next(self.message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": chat_type},
            "from": self._user(chat_id),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return await self.push({"message": message})

    async def send_message(self, chat_id: int, **content: Any) -> int:
        """The person sends something else: a sticker, a photo, a location..."""
        message = {
            "message_id": next(self.message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": self._user(chat_id),
            **content,
        }
        return await self.push({"message": message})

    async def press(self, chat_id: int, message: Sent, label: str) -> int:
        """The person taps the button labelled `label` under `message`."""
        data = message.button(label)["callback_data"]
        return await self.press_data(chat_id, message.message_id, data)

    async def press_data(self, chat_id: int, message_id: int, data: str) -> int:
        """The person taps a button with any callback data (also stale or forged data)."""
        sent = self.messages[chat_id].get(message_id)
        query = {
            "id": str(next(self.update_ids)),
            "from": self._user(chat_id),
            "chat_instance": str(chat_id),
            "data": data,
            "message": self._message(sent)
            if sent
            else {"message_id": message_id, "date": 0, "chat": {"id": chat_id, "type": "private"}, "text": "x"},
        }
        return await self.push({"callback_query": query})

    async def reply(self, chat_id: int, mark: int, within: float = 10) -> Sent:
        """Wait for the bot's next message (or edit) to `chat_id` after `mark`; return it."""
        deadline = time.monotonic() + within
        async with self.changed:
            while True:
                for sent in self.log[mark:]:
                    if sent.chat_id == chat_id:
                        await self._settle()
                        return self.latest(chat_id, after=mark) or sent
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no reply to chat {chat_id} within {within} s")
                try:
                    await asyncio.wait_for(self.changed.wait(), remaining)
                except TimeoutError:
                    continue

    async def next_sent(self, chat_id: int, mark: int, within: float = 30) -> Sent:
        """The bot's first message (or edit) to `chat_id` after `mark`, as it arrives.

        Unlike `reply`, it neither waits for the rest of a split reply nor wakes anyone else's wait: a benchmark
        with hundreds of people waiting at once measures the bot, not the emulator waking them all.
        """
        for sent in self.log[mark:]:
            if sent.chat_id == chat_id:
                return sent
        waiter: asyncio.Future[Sent] = asyncio.get_running_loop().create_future()
        self.watchers[chat_id].append(waiter)
        return await asyncio.wait_for(waiter, within)

    async def _settle(self) -> None:
        # A reply may be split into several messages; give the bot a moment to send the rest.
        self.changed.release()
        try:
            await asyncio.sleep(0.05)
        finally:
            await self.changed.acquire()

    def latest(self, chat_id: int, after: int = 0) -> Sent | None:
        """The last message (or edit) to `chat_id` after `after`."""
        for sent in reversed(self.log[after:]):
            if sent.chat_id == chat_id:
                return sent
        return None

    def since(self, chat_id: int, mark: int) -> list[Sent]:
        return [sent for sent in self.log[mark:] if sent.chat_id == chat_id]

    def busiest_second(self, method: str = "sendMessage") -> int:
        """The most requests of `method` that arrived within any one second (the emulator's clock)."""
        times = sorted(at for name, at in self.arrivals if name == method)
        most, start = 0, 0
        for end, at in enumerate(times):
            while at - times[start] >= 1.0:
                start += 1
            most = max(most, end - start + 1)
        return most


def _error(status: int, description: str) -> web.Response:
    return web.json_response({"ok": False, "error_code": status, "description": description}, status=status)


async def _params(request: web.Request) -> dict[str, Any]:
    # python-telegram-bot sends form fields (or JSON), with non-string values JSON-encoded.
    if request.content_type == "application/json":
        raw = await request.json()
    else:
        raw = dict(await request.post())
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str) and value[:1] in "[{" and key not in ("text",):
            try:
                params[key] = json.loads(value)
                continue
            except json.JSONDecodeError:
                pass
        params[key] = value
    return params
