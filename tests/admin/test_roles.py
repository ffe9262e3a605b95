"""The role matrix: every route of the admin, for every role and for anonymous visitors, allowed or refused.

The routes are read from the application's router, so a new page is in the matrix the moment it exists; a route
that declares no access (`admin.access.allow`) fails here. Path parameters name records that do not exist, so an
allowed request ends in 404 or a form error and nothing stored is changed; /logout goes last.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from admin.access import Access, access_of
from admin.app import create_app
from bot.channels.web import API_PATH
from content.models import Role
from content.services import ContentServices
from tests.admin.conftest import Client, Login
from vagvisare.settings import Settings

PARAMETER = re.compile(r"\{(\w+)(:[^}]*)?\}")


def _routes(settings: Settings, services: ContentServices) -> list[tuple[str, str, Access]]:
    app = create_app(settings, services)
    found = []
    for route in app.router.routes():
        resource = route.resource
        if route.method == "HEAD" or resource is None or isinstance(resource, web.StaticResource):
            continue
        handler = route.handler
        access = getattr(handler, "access", None)
        assert isinstance(access, Access), f"{route.method} {resource.canonical} declares no access"
        found.append((route.method, PARAMETER.sub(_sample, resource.canonical), access))
    found.sort(key=lambda item: item[1] == "/logout")  # logging out ends the session: last
    return found


def _sample(match: re.Match[str]) -> str:
    return "999999" if match.group(1).endswith("id") else "no-such-record"


async def _call(person: Client, method: str, path: str) -> int:
    if method == "GET":
        response = await person.response("GET", path, allow_redirects=False)
    else:
        response = await person.response(
            method,
            path,
            data={"csrf_token": person.token},
            headers={"X-CSRF-Token": person.token},
            allow_redirects=False,
        )
    async with response:
        await response.read()
        return response.status


async def test_every_route_is_allowed_or_refused_for_every_role_as_declared(
    admin_settings: Settings, admin_services: ContentServices, login_as: Login, client: Callable[[], Client]
) -> None:
    routes = _routes(admin_settings, admin_services)
    assert len(routes) >= 10
    people = {role: await login_as(role) for role in Role}
    anonymous = client()
    await anonymous.get("/login")
    problems = []
    for method, path, access in routes:
        for role, person in [(None, anonymous), *people.items()]:
            status = await _call(person, method, path)
            if status >= 500:
                problems.append(f"{method} {path} as {role}: {status}")
            elif access.public:
                if status == 403:
                    problems.append(f"{method} {path} (public) refused {role}")
            elif role is None:
                if status not in (302, 401):
                    problems.append(f"{method} {path} let an anonymous visitor in ({status})")
            elif role in access.roles and status in (401, 403):
                problems.append(f"{method} {path} refused {role} ({status})")
            elif role not in access.roles and status != 403:
                problems.append(f"{method} {path} let {role} in ({status})")
    assert problems == []


async def test_the_bots_web_channel_is_for_logged_in_staff_only(login_as: Login, client: Callable[[], Client]) -> None:
    anonymous = client()
    await anonymous.get("/login")
    assert await _call(anonymous, "POST", API_PATH) == 401
    translator = await login_as(Role.TRANSLATOR, ["ar"])
    response = await translator.response(
        "POST", API_PATH, json={"start": ""}, headers={"X-CSRF-Token": translator.token}
    )
    async with response:
        assert response.status == 200
        assert (await response.json())["messages"]


async def test_an_undeclared_route_is_for_nobody(admin_settings: Settings, admin_services: ContentServices) -> None:
    async def undeclared(request: web.Request) -> web.Response:
        return web.Response(text="secret")

    app = create_app(admin_settings, admin_services)
    app.router.add_get("/undeclared", undeclared)
    request = make_mocked_request("GET", "/undeclared", app=app)
    match_info = await app.router.resolve(request)
    match_info.add_app(app)
    request._match_info = match_info
    access = access_of(request)
    assert access.roles == frozenset()
    assert not access.public
