"""The web channel serves the very same conversation over HTTP (for "Try the bot")."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.channels.web import API_PATH, add_web_channel
from bot.conversation import Conversation
from content.services import ContentServices


@pytest.fixture
async def web_bot(services: ContentServices) -> Any:
    app = web.Application()
    add_web_channel(app, Conversation(services))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}{API_PATH}"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        yield client, base
    await runner.cleanup()


async def _talk(web_bot: Any, **body: Any) -> tuple[int, dict[str, Any]]:
    client, base = web_bot
    async with client.post(base, json=body, headers={"Accept-Language": "sv"}) as response:
        return response.status, await response.json()


async def test_a_web_session_goes_through_first_contact_to_an_answer(web_bot: Any) -> None:
    status, picker = await _talk(web_bot, start=None)
    assert status == 200
    first = picker["messages"][-1]["buttons"][0][0]
    assert first["text"] == "Svenska"
    _, notice = await _talk(web_bot, press=first["data"])
    continue_data = notice["messages"][-1]["buttons"][-1][0]["data"]
    _, question = await _talk(web_bot, press=continue_data)
    skip = question["messages"][-1]["buttons"][-1][0]["data"]
    _, menu = await _talk(web_bot, press=skip)
    assert any(
        "Kommuner" in b["text"] or "Municipalities" in b["text"] for row in menu["messages"][-1]["buttons"] for b in row
    )
    _, answers = await _talk(web_bot, say="Var kan jag läsa svenska gratis?")
    slugs = [b["data"] for row in answers["messages"][-1]["buttons"] for b in row]
    assert "a:sfi:q" in slugs


@pytest.mark.parametrize("body", [{}, {"say": 5}, {"say": "x", "press": "y"}, {"shout": "x"}, {"say": "x" * 5000}])
async def test_malformed_requests_get_a_clear_error(web_bot: Any, body: dict[str, Any]) -> None:
    status, reply = await _talk(web_bot, **body)
    assert status == 400
    assert reply["error"]
