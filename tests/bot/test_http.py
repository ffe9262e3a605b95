"""python-telegram-bot's requests over aiohttp: JSON bodies, files; errors and timeouts become Telegram errors."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.channels.http import AiohttpRequest, UpdatesRequest
from bot.channels.telegram import _keyboard
from bot.reply import Button, Reply

TOKEN = "123:abc"
ME = {"id": 1, "is_bot": True, "first_name": "Test", "username": "test_bot"}
MESSAGE = {"message_id": 7, "date": 0, "chat": {"id": 42, "type": "private"}}
SCREEN = MESSAGE | {
    "text": "Regions",
    "entities": [{"type": "bold", "offset": 0, "length": 7}],
    "reply_markup": {"inline_keyboard": [[{"text": "Umeåregionen", "callback_data": "r:umearegionen"}]]},
}
PERSON = {"id": 42, "is_bot": False, "first_name": "A", "language_code": "uk"}
UPDATES = [
    {
        "update_id": 1,
        "callback_query": {"id": "9", "from": PERSON, "message": SCREEN, "chat_instance": "1", "data": "home"},
    },
    {
        "update_id": 2,
        "message": MESSAGE | {"text": "/menu", "entities": [{"type": "bot_command", "offset": 0, "length": 5}]},
    },
]


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, list[dict[str, object]]]]:
    seen: list[dict[str, object]] = []

    async def method(request: web.Request) -> web.Response:
        name = request.match_info["method"]
        if name == "getMe":
            return web.json_response({"ok": True, "result": ME})
        if name == "getUpdates":
            return web.json_response({"ok": True, "result": UPDATES})
        if name == "sendDocument":
            form = await request.post()
            upload = form["document"]
            assert isinstance(upload, web.FileField)
            seen.append({"chat_id": form["chat_id"], "filename": upload.filename, "body": upload.file.read()})
            return web.json_response({"ok": True, "result": MESSAGE})
        if name == "sendMessage":
            form = await request.json()
            seen.append(form | {"content_type": request.content_type})
            if form["text"] == "slow":
                await asyncio.sleep(5)
            if form["text"] == "bad":
                return web.json_response(
                    {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}, status=400
                )
            return web.json_response({"ok": True, "result": MESSAGE | {"text": form["text"]}})
        return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", method)
    runner = web.AppRunner(app, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}/bot", seen
    finally:
        await runner.cleanup()


def _bot(base_url: str, timeout: float = 5.0) -> Bot:
    return Bot(TOKEN, base_url=base_url, request=AiohttpRequest(read_timeout=timeout, connect_timeout=timeout))


async def test_parameters_go_as_a_json_body(server: tuple[str, list[dict[str, object]]]) -> None:
    base_url, seen = server
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton("القائمة", callback_data="home")]])
    async with _bot(base_url) as bot:
        sent = await bot.send_message(42, "مرحبا & Hej", reply_markup=buttons, disable_notification=True)
    assert sent.text == "مرحبا & Hej"
    assert seen[-1] == {
        "content_type": "application/json",
        "chat_id": 42,
        "text": "مرحبا & Hej",
        "reply_markup": {"inline_keyboard": [[{"text": "القائمة", "callback_data": "home"}]]},
        "disable_notification": True,
    }


async def test_files_go_as_multipart(server: tuple[str, list[dict[str, object]]]) -> None:
    base_url, seen = server
    async with _bot(base_url) as bot:
        await bot.send_document(42, InputFile(b"poster", filename="poster.pdf"))
    assert seen[-1] == {"chat_id": "42", "filename": "poster.pdf", "body": b"poster"}


async def test_telegram_errors_timeouts_and_unreachable_servers_become_telegram_errors(
    server: tuple[str, list[dict[str, object]]],
) -> None:
    base_url, _ = server
    async with _bot(base_url, timeout=0.5) as bot:
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(42, "bad")
        with pytest.raises(TimedOut):
            await bot.send_message(42, "slow")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    with pytest.raises(NetworkError):
        async with _bot(f"http://127.0.0.1:{closed}/bot") as bot:
            await bot.get_me()


async def test_a_request_before_initialize_is_refused() -> None:
    request = AiohttpRequest()
    with pytest.raises(NetworkError, match="not initialized"):
        await request.post("http://127.0.0.1:9/bot/getMe")


async def test_a_result_nobody_reads_comes_back_as_true_and_errors_still_raise(
    server: tuple[str, list[dict[str, object]]],
) -> None:
    base_url, seen = server
    request = AiohttpRequest(results_unused={"sendMessage"})
    async with Bot(TOKEN, base_url=base_url, request=request) as bot:
        assert await bot.send_message(42, "first") is True
        assert await bot.send_message(42, "second") is True
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(42, "bad")
        assert (await bot.get_me()).username == "test_bot"  # other methods' results are read as before
    assert [entry["text"] for entry in seen] == ["first", "second", "bad"]


async def test_updates_come_without_the_pressed_message_s_keyboard_and_formatting(
    server: tuple[str, list[dict[str, object]]],
) -> None:
    base_url, _ = server
    async with Bot(TOKEN, base_url=base_url, request=AiohttpRequest(), get_updates_request=UpdatesRequest()) as bot:
        press, command = await bot.get_updates()
    assert press.callback_query is not None
    assert press.callback_query.data == "home"
    message = press.callback_query.message
    assert message is not None
    assert (message.message_id, message.chat.id) == (7, 42)  # what the bot edits
    assert message.reply_markup is None
    assert not message.entities
    assert command.message is not None
    assert command.message.text == "/menu"
    assert command.message.entities[0].type == "bot_command"  # a command is known by its entity: kept


async def test_a_keyboard_is_built_once_and_sent_as_python_telegram_bot_builds_it(
    server: tuple[str, list[dict[str, object]]],
) -> None:
    base_url, seen = server
    rows = [[Button("Umeå", "m:umea"), Button("Vännäs", "m:vannas")], [Button("Källa", url="https://umea.se/")]]
    shared = _keyboard(Reply("Regions", rows))
    assert shared is _keyboard(Reply("Other text, same buttons", [list(row) for row in rows]))
    built = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Umeå", callback_data="m:umea"),
                InlineKeyboardButton("Vännäs", callback_data="m:vannas"),
            ],
            [InlineKeyboardButton("Källa", url="https://umea.se/")],
        ]
    )
    async with _bot(base_url) as bot:
        await bot.send_message(42, "first", reply_markup=shared)
        await bot.send_message(42, "second", reply_markup=shared)
        await bot.send_message(42, "third", reply_markup=built)
    assert seen[0]["reply_markup"] == seen[1]["reply_markup"] == seen[2]["reply_markup"] == built.to_dict()
    assert shared == built
