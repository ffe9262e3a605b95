"""`vagvisare run` (what `make run` starts): a fresh data directory becomes a running service."""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from vagvisare.runner import serve
from vagvisare.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_run_sets_up_an_empty_data_directory_and_serves_the_admin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = _free_port()
    settings = Settings(data_dir=tmp_path / "data", admin_port=port)
    stop = asyncio.Event()
    service = asyncio.create_task(serve(settings, stop))
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        # Until it answers: a first start loads the starter content (seconds on a busy machine), or it fails.
        deadline = asyncio.get_running_loop().time() + 300  # only against a hang
        while asyncio.get_running_loop().time() < deadline:
            assert not service.done(), service.exception()
            try:
                async with client.get(f"{base}/healthz") as response:
                    health = await response.json()
                    if response.status == 200:
                        break
                    assert (response.status, health) == (503, {"status": "starting"})  # not up yet
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.05)
        printed = capsys.readouterr().out
        password = re.search(r"password: +(\S+)", printed)
        assert password is not None, printed
        async with client.get(f"{base}/") as response:  # the login page, with its CSRF token
            token = re.search(r'name="csrf_token" value="([^"]+)"', await response.text())
            headers = response.headers
        assert token is not None
        form = {"email": "admin@localhost", "password": password.group(1), "csrf_token": token.group(1)}
        async with client.post(f"{base}/login", data=form) as response:
            page = await response.text()
    stop.set()
    await asyncio.wait_for(service, 10)
    assert health["status"] == "ok"
    assert "Översikt" in page  # logged in with the printed password: the overview
    assert "publicerade" in page
    assert headers["X-Frame-Options"] == "DENY"
    assert (tmp_path / "data" / "vagvisare.sqlite3").exists()
    assert (tmp_path / "data" / "secret_key").stat().st_mode & 0o077 == 0
    assert f"Admin: http://127.0.0.1:{port}/" in printed
    assert "admin@localhost" in printed
    assert "@BotFather" in printed


def test_a_service_on_sqlite_does_not_load_what_only_postgresql_or_a_rare_page_needs() -> None:
    # Resident memory at start (target 120 MB): asyncpg is 3 MB and SQLAlchemy's PostgreSQL dialect another 3 MB,
    # of no use on the embedded default (SQLite); the QR code library (0.7 MB) only draws posters and codes, and the
    # mail modules only send an alert; the open data is read in a child process (openpyxl, ijson, the source
    # readers, their HTTP client) and shown only when someone asks (the demand ranking, the key figures).
    check = (
        "import sys, vagvisare.cli, vagvisare.runner, content.db; "
        "content.db.create_engine('sqlite+aiosqlite:///:memory:'); "
        "print(sorted({name for name in sys.modules if name.split('.')[0] in "
        "('asyncpg', 'segno', 'smtplib', 'openpyxl', 'ijson', 'multiprocessing')"
        " or name.startswith(('sqlalchemy.dialects.postgresql', 'content.opendata', 'vagvisare.open_data',"
        " 'vagvisare.http_client'))}))"
    )
    loaded = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True, cwd=ROOT)
    assert loaded.stdout.strip() == "[]"
