"""The async engine, sessions and schema migrations."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from content import sqlite_connection

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """Create the async engine; a SQLite file gets its directory, foreign keys and write-ahead logging."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"timeout": 30})
        # Every session ends its transaction itself (commit, or rollback on close), so the pool's extra rollback
        # on return is a wasted round trip through aiosqlite's thread (about a fifth of a button press's CPU).
        kwargs.setdefault("pool_reset_on_return", None)
    lazy_begin = parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() == "asyncpg"
    if lazy_begin:  # a transaction sends BEGIN at its first write
        from content import postgres_connection  # imports asyncpg (3 MB), which a SQLite service does without

        kwargs["connect_args"] = {"connection_class": postgres_connection.LazyBeginConnection} | kwargs.get(
            "connect_args", {}
        )
    # Parameters can hold chat ids and message text: keep them out of logs and error messages.
    kwargs.setdefault("hide_parameters", True)
    engine = create_async_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        if parsed.get_driver_name() == "aiosqlite":
            event.listen(engine.sync_engine, "do_connect", _one_trip_connection)
    if lazy_begin:
        event.listen(engine.sync_engine, "connect", postgres_connection.where_read_committed)
    return engine


def _one_trip_connection(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
    """Open SQLite connections whose statements take one trip to aiosqlite's thread (`content.sqlite_connection`)."""
    return dialect.loaded_dbapi.connect(*cargs, async_creator_fn=sqlite_connection.connect, **cparams)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    mode = cursor.fetchone()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    driver = getattr(dbapi_connection, "driver_connection", None)
    if isinstance(driver, sqlite_connection.OneTripConnection) and mode and str(mode[0]).lower() == "wal":
        driver.reads_on_loop = True  # readers never wait for writers in WAL mode (content/sqlite_connection.py)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Return a factory of sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


@asynccontextmanager
async def open_database(url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Open the engine for `url`, yield a session factory and dispose of the engine afterwards."""
    engine = create_engine(url)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()


def alembic_config(url: str) -> Config:
    """Return an Alembic configuration for the migrations shipped with Vägvisare."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def migrate(url: str, revision: str = "head") -> None:
    """Upgrade the database at `url` to `revision`; Alembic runs in a worker thread.

    `vagvisare run` calls this in a short-lived child process (see `vagvisare.startup.database`), so that a
    long-running server never imports Alembic.
    """
    await asyncio.to_thread(_upgrade, url, revision)


async def downgrade(url: str, revision: str) -> None:
    """Downgrade the database at `url` to `revision`."""
    await asyncio.to_thread(_downgrade, url, revision)


def _upgrade(url: str, revision: str) -> None:
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def _downgrade(url: str, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(url), revision)
