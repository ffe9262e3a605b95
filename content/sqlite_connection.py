"""aiosqlite connections that run each statement in one trip to their thread, and reads without one.

aiosqlite runs SQLite in a thread per connection; every call is a trip there and back (two thread wake-ups).
SQLAlchemy's aiosqlite adapter makes four trips per statement: create a cursor, execute, fetch the rows, close
the cursor. Here the cursor does all four in one trip and keeps the rows, which SQLAlchemy fetches whole anyway.
A commit or rollback when no transaction is open (after reads only: SQLite's Python module opens one before a
write) has nothing to do, so it takes no trip either.

The bot's reads on a database in write-ahead-log mode (within `reads_on_loop()`) take no trip at all: they run on
the event loop. In WAL mode a reader
never waits for a writer's lock (it reads the last committed state), and the bot's reads take about 0.1 ms of
SQLite time, less than the trip itself. The trip was the tail of the bot's latency: under load the thread waits
for the interpreter lock for every row it steps through (Python's sqlite3 module releases and retakes it around
each step), and a look-up that took 0.1 ms took 5-10 ms at the 99th percentile (benchmarks/bot_latency.py, traced
per update). A read that returns more than `ROWS_ON_LOOP` rows is read on in the thread, so a long list does not
hold up the loop. Writes still go through the thread: a writer can wait for another connection's write
transaction, which may be waiting on the loop itself, and so do reads outside `reads_on_loop()`: an aggregate over
every article (the admin's counts, 50-60 ms of SQLite) runs there without holding the loop. `content.db` allows
reads on the loop for each connection it sets to WAL; a database in another journal mode (an in-memory one) keeps
every statement in the thread.

`connect` takes the same arguments as `aiosqlite.connect`; `content.db.create_engine` hands it to SQLAlchemy
through the `do_connect` event, so everything else (the dialect, the pool, transactions) stays SQLAlchemy's.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import aiosqlite

# Rows a read on the loop takes before the rest of its result is read in the thread: a person's own rows fit, and
# a long list (the admin's 5,000 article titles: 50-70 ms, the whole articles table: 0.76 s) does not hold the loop.
ROWS_ON_LOOP = 16
_ON_LOOP: ContextVar[bool] = ContextVar("reads_on_loop", default=False)


@contextmanager
def reads_on_loop() -> Iterator[None]:
    """Within this block (in this task), reads on a WAL database run on the event loop; elsewhere they take the trip.

    For the bot's small look-ups per update. The admin's reads (counts and sums over every article) keep the
    thread, where SQLite's own work does not hold the loop.
    """
    token = _ON_LOOP.set(True)
    try:
        yield
    finally:
        _ON_LOOP.reset(token)


def connect(database: str | bytes | Path, *, iter_chunk_size: int = 64, **kwargs: Any) -> OneTripConnection:
    """Like `aiosqlite.connect`: await the result to open the connection."""

    def connector() -> sqlite3.Connection:
        location = database.decode() if isinstance(database, bytes) else str(database)
        return sqlite3.connect(location, **kwargs)

    return OneTripConnection(connector, iter_chunk_size)


class OneTripConnection(aiosqlite.Connection):
    """An aiosqlite connection whose cursors execute, fetch and close in one trip."""

    def __init__(self, connector: Callable[[], sqlite3.Connection], iter_chunk_size: int) -> None:
        super().__init__(connector, iter_chunk_size)
        self._thread.daemon = True  # as SQLAlchemy sets for aiosqlite: a forgotten connection never holds up exit
        self._idle = False  # known to be outside a transaction (set only by our cursors and by commit/rollback)
        self.reads_on_loop = False  # set by whoever put the database in WAL mode (content.db)

    def cursor(self) -> OneTripCursor:  # type: ignore[override]  # no trip: the cursor is made where it runs
        return OneTripCursor(self)

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        self._idle = False  # whatever runs there may open a transaction; our cursors report what they left
        return await super()._execute(fn, *args, **kwargs)

    async def commit(self) -> None:
        if not self._idle:
            await super().commit()
            self._idle = True

    async def rollback(self) -> None:
        if not self._idle:
            await super().rollback()
            self._idle = True


class OneTripCursor:
    """The DB-API cursor calls SQLAlchemy's adapter makes, each statement in a single trip to the thread."""

    arraysize = 1

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self._rows: deque[Any] = deque()
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    def __await__(self) -> Generator[Any, None, OneTripCursor]:
        yield from ()
        return self

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Any = None) -> OneTripCursor:
        connection = self._connection
        on_loop = connection.reads_on_loop and _ON_LOOP.get() and _reads_only(sql)

        def run(conn: sqlite3.Connection) -> tuple[sqlite3.Cursor, Any, list[Any], int, int | None, bool, bool]:
            cursor = conn.execute(sql) if parameters is None else conn.execute(sql, parameters)
            try:
                if not cursor.description:
                    rows = []
                elif on_loop:  # a few rows here; a long result is read on in the thread
                    rows = cursor.fetchmany(ROWS_ON_LOOP + 1)
                else:
                    rows = cursor.fetchall()
                more = on_loop and len(rows) > ROWS_ON_LOOP
                answer = (
                    cursor,
                    cursor.description,
                    rows,
                    cursor.rowcount,
                    cursor.lastrowid,
                    conn.in_transaction,
                    more,
                )
                if not more:
                    cursor.close()
                return answer
            except BaseException:
                cursor.close()
                raise

        # SQLAlchemy never runs two statements on one connection at once, so the loop and the thread take turns.
        result = run(connection._conn) if on_loop else await self._trip(run)
        cursor, self.description, rows, self.rowcount, self.lastrowid, in_transaction, more = result
        if more:

            def read_rest(conn: sqlite3.Connection) -> tuple[list[Any], bool]:
                try:
                    return cursor.fetchall(), conn.in_transaction
                finally:
                    cursor.close()

            tail, in_transaction = await self._trip(read_rest)
            rows.extend(tail)
        connection._idle = not in_transaction
        self._rows = deque(rows)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> OneTripCursor:
        def run(conn: sqlite3.Connection) -> tuple[int, int | None, bool]:
            cursor = conn.executemany(sql, parameters)
            try:
                return cursor.rowcount, cursor.lastrowid, conn.in_transaction
            finally:
                cursor.close()

        self.description, self._rows = None, deque()
        self.rowcount, self.lastrowid, in_transaction = await self._trip(run)
        self._connection._idle = not in_transaction
        return self

    async def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        count = min(self.arraysize if size is None else size, len(self._rows))
        return [self._rows.popleft() for _ in range(count)]

    async def fetchall(self) -> Sequence[Any]:
        taken = list(self._rows)
        self._rows.clear()
        return taken

    async def close(self) -> None:
        self._rows.clear()

    async def _trip(self, run: Callable[[sqlite3.Connection], Any]) -> Any:
        connection = self._connection
        # aiosqlite's queue to its thread (`_execute`, `_conn`), which SQLAlchemy's own adapter uses as well.
        return await connection._execute(lambda: run(connection._conn))


def _reads_only(sql: str) -> bool:
    """A plain SELECT (a WITH can end in a write, a PRAGMA can change the database: those take the trip)."""
    return sql.lstrip()[:6].upper() == "SELECT"
