"""Shared fixtures: migrated databases on SQLite (always) and PostgreSQL (where it answers; always under CI)."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from content.db import migrate, open_database

PG_DSN = os.environ.get("VAGVISARE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
# Tests never reach the agencies: a service started by a test refreshes no open data unless the test asks it to,
# against its own stand-in (tests/opendata).
os.environ.setdefault("VAGVISARE_OPEN_DATA_REFRESH", "false")


def _asyncpg_dsn(database: str) -> str:
    return PG_DSN.rsplit("/", 1)[0] + "/" + database


def _sqlalchemy_url(database: str) -> str:
    return _asyncpg_dsn(database).replace("postgresql://", "postgresql+asyncpg://", 1)


async def _pg_execute(sql: str) -> None:
    connection = await asyncpg.connect(PG_DSN, timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str | None]:
    """A migrated PostgreSQL database to copy per test; None (and a skip later) where none answers."""
    name = f"vagvisare_tpl_{uuid.uuid4().hex[:8]}"
    try:
        asyncio.run(_pg_execute(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        if IN_CI:
            pytest.fail(f"PostgreSQL must answer at {PG_DSN} under CI: {error}")
        yield None
        return
    asyncio.run(migrate(_sqlalchemy_url(name)))
    yield name
    asyncio.run(_pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file to copy per test."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    asyncio.run(migrate(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def starter_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with the starter content (examples too), to copy per test: loading takes seconds."""
    path = tmp_path_factory.mktemp("starter") / "starter.sqlite3"
    shutil.copy(sqlite_template, path)
    asyncio.run(_load_starter_content(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_starter_template(postgres_template: str | None) -> Iterator[str | None]:
    """A PostgreSQL database with the starter content, to copy per test; None where PostgreSQL does not answer."""
    if postgres_template is None:
        yield None
        return
    name = f"vagvisare_str_{uuid.uuid4().hex[:8]}"
    asyncio.run(_pg_execute(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"'))
    asyncio.run(_load_starter_content(_sqlalchemy_url(name)))
    yield name
    asyncio.run(_pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _load_starter_content(url: str) -> None:
    from content.loading import load_repository

    async with open_database(url) as sessions:
        await load_repository(sessions, actor="starter-content")


@asynccontextmanager
async def database_copy(
    kind: str, tmp_path: Path, sqlite_file: Path, postgres_template: str | None
) -> AsyncIterator[str]:
    """The URL of a copy of a template database of `kind` (sqlite or postgresql), removed afterwards."""
    if kind == "sqlite":
        path = tmp_path / f"copy-{uuid.uuid4().hex[:6]}.sqlite3"
        shutil.copy(sqlite_file, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    async with postgres_copy(postgres_template) as name:
        yield _sqlalchemy_url(name)


DATABASE_KINDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=DATABASE_KINDS)
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path, postgres_template: str | None
) -> AsyncIterator[str]:
    """The URL of a freshly migrated, empty database of each kind."""
    async with database_copy(request.param, tmp_path, sqlite_template, postgres_template) as url:
        yield url


@asynccontextmanager
async def postgres_copy(template: str | None) -> AsyncIterator[str]:
    """The name of a new database copied from the migrated template, dropped afterwards; a skip where none answers."""
    if template is None:
        pytest.skip(f"PostgreSQL does not answer at {PG_DSN} (set CI=true to make this a failure)")
    name = f"vagvisare_{uuid.uuid4().hex[:10]}"
    await _pg_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield name
    finally:
        await _pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A session factory over an empty, migrated database."""
    async with open_database(database_url) as factory:
        yield factory


@pytest.fixture
def network_attempts(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every attempt to reach beyond this machine (loopback stays open for the tests' own servers), refused."""
    attempts: list[object] = []
    connect, connect_ex, getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

    def local(address: object) -> bool:
        host = address[0] if isinstance(address, tuple) else address
        return (isinstance(host, str | bytes) and str(host) in LOOPBACK) or not isinstance(address, tuple)

    def guard(original: Any) -> Any:
        def check(sock: socket.socket, address: object) -> Any:
            if sock.family == socket.AF_UNIX or local(address):
                return original(sock, address)
            attempts.append(address)
            raise OSError("no network in tests")

        return check

    def resolve(host: object, *args: Any, **kwargs: Any) -> Any:
        if str(host) in LOOPBACK:
            return getaddrinfo(host, *args, **kwargs)
        attempts.append(host)
        raise OSError("no network in tests")

    monkeypatch.setattr(socket.socket, "connect", guard(connect))
    monkeypatch.setattr(socket.socket, "connect_ex", guard(connect_ex))
    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    return attempts


@pytest.fixture
def argos(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, network_attempts: list[object]) -> Iterator[ModuleType]:
    """`argostranslate.translate`, with packages in (and installed into) an empty folder under `tmp_path`.

    `argostranslate.settings` reads the environment once, when first imported, and then creates its data, config
    and cache folders under the home directory: the environment points those into `tmp_path` for that import.
    The packages folder and the other settings are module attributes read at each call, so they are set (and
    restored afterwards) here whether or not an earlier test imported the module.
    """
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(variable, str(home / variable.lower()))
    packages = tmp_path / "packages"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(packages))
    import argostranslate.settings as settings
    import argostranslate.translate as translate

    packages.mkdir(exist_ok=True)
    monkeypatch.setattr(settings, "package_data_dir", packages)  # where install_from_path unpacks
    monkeypatch.setattr(settings, "package_dirs", [packages])  # where installed packages are looked for
    monkeypatch.setattr(settings, "chunk_type", settings.ChunkType.MINISBD)  # the package's minisbd/*.onnx
    monkeypatch.setattr(settings, "device", "cpu")
    monkeypatch.setattr(settings, "inter_threads", 1)
    monkeypatch.setattr(settings, "intra_threads", 1)  # 0 (the default) lets CTranslate2 pick, slower for this
    # Translations are cached per language pair across calls: start and end without any.
    monkeypatch.setattr(translate, "installed_translates", [])
    translate.get_installed_languages.cache_clear()
    yield translate
    translate.get_installed_languages.cache_clear()
