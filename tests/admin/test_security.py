"""Ways in that must stay shut (docs/security.md): requests too large, error pages that would tell too much, and
SQL built from strings."""

from __future__ import annotations

import ast
import io
from collections.abc import Callable
from pathlib import Path

import aiohttp
from aiohttp import web

from admin.access import Access, declare
from admin.app import create_app
from content.services import ContentServices
from tests.admin.conftest import Client, Login
from tests.admin.test_places import english
from vagvisare.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SECRET = "database-password-in-an-exception-s3cr3t"


async def test_a_request_too_large_is_refused_with_a_page_and_nothing_saved(
    login_as: Login, client: Callable[[], Client]
) -> None:
    editor = await english(login_as)
    await editor.get("/transfer")
    form = aiohttp.FormData()
    form.add_field("csrf_token", editor.token)
    big = io.BytesIO(b"x" * (17 * 1024 * 1024))
    form.add_field("archive", big, filename="content.zip", content_type="application/zip")
    async with editor.http.post(editor.base + "/transfer/import", data=form) as response:
        status, page = response.status, await response.text()
    assert status == 413
    assert "too large to receive (at most 16 MB). Nothing was saved." in page
    anonymous = client()
    await anonymous.get("/login")
    async with anonymous.http.post(
        anonymous.base + "/login",
        data=io.BytesIO(b"email=" + b"a" * (17 * 1024 * 1024)),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    ) as response:
        assert response.status == 413  # before any login: a body that large is never read whole


async def test_an_error_page_shows_no_exception_and_no_trace(
    admin_settings: Settings, admin_services: ContentServices
) -> None:
    app = create_app(admin_settings, admin_services)

    async def broken(request: web.Request) -> web.Response:
        raise RuntimeError(f"could not connect with {SECRET}")

    app.router.add_get("/broken", broken)
    declare(app, "/broken", Access(public=True))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/broken"
        async with aiohttp.ClientSession() as http, http.get(url) as response:
            body = await response.text()
        assert response.status == 500
        assert SECRET not in body
        assert "Traceback" not in body
        assert "RuntimeError" not in body
    finally:
        await runner.cleanup()


def _sql_from_strings(path: Path) -> list[str]:
    """Calls of `text(...)`, `execute(...)` or `exec_driver_sql(...)` whose SQL is built (f-string, +, %, format)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name not in {"text", "execute", "exec_driver_sql"}:
            continue
        sql = node.args[0]
        built = isinstance(sql, ast.JoinedStr | ast.BinOp) or (
            isinstance(sql, ast.Call) and isinstance(sql.func, ast.Attribute) and sql.func.attr == "format"
        )
        if built:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_sql_is_never_built_from_strings() -> None:
    """Queries go through the ORM or bound parameters: no SQL text is assembled from values anywhere."""
    code = [
        path
        for folder in ("content", "bot", "admin", "vagvisare", "translations")
        for path in (ROOT / folder).rglob("*.py")
    ]
    found = [hit for path in code for hit in _sql_from_strings(path)]
    assert found == []
