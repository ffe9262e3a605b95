"""Try the bot: the chat page and the web channel it talks to, for logged-in staff only."""

from __future__ import annotations

import re
from collections.abc import Callable

from content.models import Role
from tests.admin.conftest import Client, Login

API = "/try/api"


async def test_the_page_carries_the_script_the_api_and_the_csrf_token(login_as: Login) -> None:
    broadcaster = await login_as(Role.BROADCASTER)
    status, page = await broadcaster.get("/try")
    assert status == 200
    assert re.search(r'<script src="/static/try\.js\?v=[^"]+" defer></script>', page)
    assert f'data-api="{API}"' in page
    assert f'data-csrf="{broadcaster.token}"' in page
    assert "<noscript>" in page
    assert "<script>" not in page  # no inline script: the CSP forbids it


async def test_the_script_is_served(client: Callable[[], Client]) -> None:
    response = await client().response("GET", "/static/try.js")
    assert response.status == 200
    assert "X-CSRF-Token" in await response.text()


async def test_a_logged_in_person_talks_to_the_bot_with_the_token_header(login_as: Login) -> None:
    editor = await login_as(Role.EDITOR)
    await editor.get("/try")
    headers = {"X-CSRF-Token": editor.token, "Accept": "application/json", "Accept-Language": "en"}
    response = await editor.response("POST", API, json={"start": ""}, headers=headers)
    answer = await response.json()
    assert response.status == 200
    assert answer["messages"]
    assert all(set(message) == {"html", "buttons"} for message in answer["messages"])
    pressable = [b["data"] for row in answer["messages"][-1]["buttons"] for b in row if "data" in b]
    assert pressable
    response = await editor.response("POST", API, json={"press": pressable[0]}, headers=headers)
    assert response.status == 200
    assert (await response.json())["messages"]


async def test_the_api_refuses_a_request_without_the_token(login_as: Login) -> None:
    editor = await login_as(Role.EDITOR)
    response = await editor.response("POST", API, json={"say": "hej"}, headers={"Accept": "application/json"})
    assert response.status == 403
    assert "error" in await response.json()
    forged = {"X-CSRF-Token": "forged", "Accept": "application/json"}
    response = await editor.response("POST", API, json={"say": "hej"}, headers=forged)
    assert response.status == 403


async def test_the_api_refuses_an_anonymous_visitor_even_with_a_token(client: Callable[[], Client]) -> None:
    visitor = client()
    await visitor.get("/login")  # an anonymous session with a CSRF token
    headers = {"X-CSRF-Token": visitor.token, "Accept": "application/json"}
    response = await visitor.response("POST", API, json={"say": "hej"}, headers=headers)
    assert response.status == 401
    assert "error" in await response.json()


async def test_the_page_sends_an_anonymous_visitor_to_the_login(client: Callable[[], Client]) -> None:
    response = await client().response("GET", "/try", allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"].startswith("/login")
