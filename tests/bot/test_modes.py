"""Polling and webhook modes, started as `vagvisare run` starts them."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlmodel import select

from bot.channels.webhook import SECRET_HEADER, WEBHOOK_PATH
from content.db import open_database
from content.models import BotUser, Registration
from tests.bot.conftest import Chat
from tests.bot.emulator import TOKEN, BotAPIEmulator
from vagvisare.runner import serve
from vagvisare.settings import Settings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _running(settings: Settings) -> tuple[asyncio.Task[None], asyncio.Event]:
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, stop))
    async with aiohttp.ClientSession() as client:
        # Until it is up: a first start loads the starter content (seconds on a busy machine), or it fails.
        deadline = asyncio.get_running_loop().time() + 300  # only against a hang
        while not task.done() and asyncio.get_running_loop().time() < deadline:
            try:
                async with client.get(f"http://127.0.0.1:{settings.admin_port}/healthz") as response:
                    if response.status == 200:  # 503 while it starts: the bot and its webhook are not up yet
                        return task, stop
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.05)
    raise AssertionError(f"the service did not start: {task.exception()}")


async def test_run_with_a_token_answers_people_by_long_polling(
    tmp_path: Path, emulator: tuple[BotAPIEmulator, str]
) -> None:
    api, base_url = emulator
    settings = Settings(data_dir=tmp_path, admin_port=_free_port(), telegram_token=TOKEN, telegram_api_url=base_url)
    task, stop = await _running(settings)
    try:
        mark = await api.send_text(7, "/start")
        picker = await api.reply(7, mark, within=20)
        assert "English" in picker.labels()
    finally:
        await api.release_polls()
        stop.set()
        await asyncio.wait_for(task, 20)


async def _post(port: int, update: dict[str, Any], secret: str | None) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
    async with aiohttp.ClientSession() as client, client.post(url, json=update, headers=headers) as response:
        return response.status


def _webhook_settings(tmp_path: Path, base_url: str) -> Settings:
    return Settings(
        data_dir=tmp_path,
        admin_port=_free_port(),
        telegram_token=TOKEN,
        telegram_api_url=base_url,
        webhook_url="https://example.org/telegram/webhook",
        webhook_secret="s3cret-value",
    )


@pytest.mark.parametrize("secret", [None, "wrong", ""])
async def test_webhook_refuses_calls_without_the_secret(
    tmp_path: Path, emulator: tuple[BotAPIEmulator, str], secret: str | None
) -> None:
    _, base_url = emulator
    settings = _webhook_settings(tmp_path, base_url)
    task, stop = await _running(settings)
    try:
        assert await _post(settings.admin_port, {"update_id": 1}, secret) == 403
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)


async def test_webhook_mode_registers_the_webhook_and_answers_updates(
    tmp_path: Path, emulator: tuple[BotAPIEmulator, str]
) -> None:
    api, base_url = emulator
    settings = _webhook_settings(tmp_path, base_url)
    task, stop = await _running(settings)
    try:
        assert api.webhook == "https://example.org/telegram/webhook"
        assert ("setWebhook", "s3cret-value") in [(m, p.get("secret_token")) for m, p in api.calls]
        mark = len(api.log)
        update = {
            "update_id": 5,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 9, "type": "private"},
                "from": {"id": 9, "is_bot": False, "first_name": "A", "language_code": "ar"},
                "text": "/start",
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            },
        }
        assert await _post(settings.admin_port, update, "s3cret-value") == 200
        picker = await api.reply(9, mark)
        assert picker.labels()[0] == "العربية"
        assert await _post(settings.admin_port, {"not": "an update"}, "s3cret-value") in (200, 400)
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)


async def test_in_webhook_mode_people_reach_the_bot_through_the_webhook_only(
    tmp_path: Path, emulator: tuple[BotAPIEmulator, str]
) -> None:
    api, base_url = emulator
    settings = _webhook_settings(tmp_path, base_url)
    task, stop = await _running(settings)
    try:
        api.deliver_to = f"http://127.0.0.1:{settings.admin_port}{WEBHOOK_PATH}"  # the reverse proxy's part
        api.languages[21] = "uk"
        picker = await api.reply(21, await api.send_text(21, "/start"))
        assert picker.labels()[0] == "Українська"
        notice = await api.reply(21, await api.press(21, picker, "Українська"))
        assert notice.message_id == picker.message_id  # the button edits its message in place, as when polling
        assert "Українська" not in notice.labels()
        assert len(api.callback_answers) == 1  # and its spinner is answered,
        assert "answerCallbackQuery" not in [method for method, _ in api.arrivals]  # in the webhook's answer
        assert not api.updates  # nothing waited for getUpdates
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)


async def test_a_webhook_call_telegram_delivers_twice_registers_nobody_twice(
    tmp_path: Path, emulator: tuple[BotAPIEmulator, str]
) -> None:
    api, base_url = emulator
    settings = _webhook_settings(tmp_path, base_url).model_copy(update={"example_content": True})
    task, stop = await _running(settings)
    try:
        api.deliver_to = f"http://127.0.0.1:{settings.admin_port}{WEBHOOK_PATH}"
        person = Chat(api, 31)
        menu = await person.begin("English")
        await api.push_again()  # the same "skip the situation" tap, with the same update_id
        card = await person.tap_data(menu.message_id, "e:sfi-oppet-hus-falun")
        registered = await person.tap(card, "Register")
        assert "registered" in registered.plain.lower()
        await api.push_again()  # Telegram retries the Register tap: its first answer was lost
        await asyncio.sleep(0.5)  # what the bot does with the retry (it answers it, or not)
        async with open_database(settings.effective_database_url) as sessions, sessions() as session:
            people = (await session.exec(select(BotUser).where(BotUser.chat_id == 31))).all()
            registrations = (await session.exec(select(Registration))).all()
        assert len(people) == 1
        assert [(r.user_id, r.status) for r in registrations] == [(people[0].id, "registered")]
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)
