"""Which process sends the outbox: exactly one at a time, so the global rate holds and no row is sent twice.

PostgreSQL: a session-level advisory lock on a connection held for as long as this process sends; PostgreSQL
releases it the moment that connection (or the process) dies, so another process takes over at once. A SQLite
file: an exclusive `flock` on a file beside the database, released by the kernel when the process dies.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from typing import IO, Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

ADVISORY_KEY = 0x76616776  # "vagv": the outbox sender


class SenderLock(Protocol):
    retry_every: float

    async def acquire(self) -> bool: ...
    async def still_held(self) -> bool: ...
    async def release(self) -> None: ...


class PostgresLock:
    """`pg_try_advisory_lock` on a dedicated connection."""

    retry_every = 2.0

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.connection: AsyncConnection | None = None

    async def acquire(self) -> bool:
        connection = await self.engine.connect()
        try:
            got = (await connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY})).scalar()
            await connection.commit()
        except Exception:
            await connection.close()
            raise
        if not got:
            await connection.close()
            return False
        self.connection = connection
        return True

    async def still_held(self) -> bool:
        if self.connection is None:
            return False
        try:
            await self.connection.execute(text("SELECT 1"))
            await self.connection.commit()
        except Exception:
            return False
        return True

    async def release(self) -> None:
        if self.connection is None:
            return
        with contextlib.suppress(Exception):
            await self.connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
            await self.connection.commit()
        with contextlib.suppress(Exception):
            await self.connection.close()
        self.connection = None


class FileLock:
    """An exclusive, non-blocking `flock` on `path` (for a SQLite file, which one machine serves)."""

    retry_every = 1.0

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file: IO[bytes] | None = None

    async def acquire(self) -> bool:
        handle = self.path.open("ab")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self.file = handle
        return True

    async def still_held(self) -> bool:
        return self.file is not None

    async def release(self) -> None:
        if self.file is not None:
            fcntl.flock(self.file.fileno(), fcntl.LOCK_UN)
            self.file.close()
            self.file = None


class ProcessLock:
    """For a database only this process can see (SQLite in memory): always held."""

    retry_every = 1.0

    async def acquire(self) -> bool:
        return True

    async def still_held(self) -> bool:
        return True

    async def release(self) -> None:
        return None


def lock_for(engine: AsyncEngine) -> SenderLock:
    """The right lock for the database behind `engine`."""
    url = engine.url
    if url.get_backend_name() == "postgresql":
        return PostgresLock(engine)
    if url.database and url.database != ":memory:":
        return FileLock(Path(os.fspath(url.database) + ".sender-lock"))
    return ProcessLock()
