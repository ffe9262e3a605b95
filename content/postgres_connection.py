"""asyncpg connections whose transactions begin at their first write, as Python's sqlite3 module does.

SQLAlchemy's asyncpg adapter sends BEGIN before the first statement of every transaction and COMMIT at its end:
two extra round trips for a transaction that only reads, which is what most of the bot's updates are (the
person's row, perhaps their follows). On the benchmark machine that was 1.5 ms more per button press on
PostgreSQL than on SQLite at the median (benchmarks/bot_latency.py).

Here a transaction's BEGIN waits until a statement that is not a plain read (an INSERT, UPDATE or DELETE, a
SELECT that locks rows or takes an advisory lock, or any statement sent as text), and a transaction that never
got there has nothing to commit or roll back. Under READ COMMITTED, PostgreSQL's default, every statement sees a
fresh snapshot whether it runs inside a transaction block or not, so the reads before the first write see what
they would have seen inside it; from the first write on, everything is one transaction as before. This is on
only for connections whose server default is READ COMMITTED (`where_read_committed`); an explicit other
isolation level, a read-only or a deferrable transaction always begins at once.

`LazyBeginConnection` is an `asyncpg.Connection` (asyncpg's `connection_class`); `content.db.create_engine`
hands it to SQLAlchemy as a connect argument and `where_read_committed` as a "connect" event, so everything else
(the dialect, the pool) stays SQLAlchemy's.
"""

from __future__ import annotations

import re
from typing import Any

import asyncpg
from asyncpg.transaction import Transaction

# A statement that may run before BEGIN: a SELECT that takes no locks and writes nothing (SELECT ... INTO creates
# a table; an advisory lock may be the transaction's; a sequence moves on). Anything else, and anything unsure,
# begins the transaction first.
_PLAIN_READ = re.compile(r"\s*\(?\s*SELECT\b", re.IGNORECASE)
_NOT_PLAIN = re.compile(
    r"\bFOR\s+(UPDATE|SHARE|NO\s+KEY\s+UPDATE|KEY\s+SHARE)\b|\bINTO\b|\b(\w*advisory\w*|nextval|setval)\s*\(",
    re.IGNORECASE,
)


def is_plain_read(query: str) -> bool:
    """True for a SELECT that neither locks rows nor writes."""
    return bool(_PLAIN_READ.match(query)) and not _NOT_PLAIN.search(query)


class LazyTransaction:
    """An asyncpg transaction that sends BEGIN only when its connection first has to write."""

    def __init__(self, transaction: Transaction) -> None:
        self._transaction = transaction
        self._open = False  # started by the caller
        self._begun = False  # BEGIN sent

    async def start(self) -> None:
        self._open = True

    async def begin(self) -> None:
        """Send BEGIN now, if the transaction is open and has not."""
        if self._open and not self._begun:
            self._begun = True  # first: BEGIN itself goes through the connection's execute
            try:
                await self._transaction.start()
            except BaseException:
                self._begun = False
                raise

    async def commit(self) -> None:
        await self._end(self._transaction.commit)

    async def rollback(self) -> None:
        await self._end(self._transaction.rollback)

    async def _end(self, end: Any) -> None:
        begun, self._open, self._begun = self._begun, False, False
        if begun:
            await end()


class _Statement:
    """A prepared statement that begins its connection's transaction before it runs, unless it only reads."""

    def __init__(self, statement: Any, connection: LazyBeginConnection, reads: bool) -> None:
        self._statement = statement
        self._connection = connection
        self._reads = reads

    async def fetch(self, *args: Any, **kwargs: Any) -> Any:
        if not self._reads:
            await self._connection.begin_pending()
        return await self._statement.fetch(*args, **kwargs)

    async def fetchrow(self, *args: Any, **kwargs: Any) -> Any:
        if not self._reads:
            await self._connection.begin_pending()
        return await self._statement.fetchrow(*args, **kwargs)

    async def fetchval(self, *args: Any, **kwargs: Any) -> Any:
        if not self._reads:
            await self._connection.begin_pending()
        return await self._statement.fetchval(*args, **kwargs)

    async def executemany(self, *args: Any, **kwargs: Any) -> Any:
        await self._connection.begin_pending()
        return await self._statement.executemany(*args, **kwargs)

    async def cursor(self, *args: Any, **kwargs: Any) -> Any:
        await self._connection.begin_pending()  # asyncpg's cursors live in a transaction
        return await self._statement.cursor(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:  # get_attributes, get_statusmsg, ...: the statement's own
        return getattr(self._statement, name)


class LazyBeginConnection(asyncpg.Connection):
    """An asyncpg connection whose transactions begin at their first write (when `lazy_begin` is set)."""

    lazy_begin = False
    _pending: LazyTransaction | None = None

    def transaction(self, *, isolation: str | None = None, readonly: bool = False, deferrable: bool = False) -> Any:
        real = super().transaction(isolation=isolation, readonly=readonly, deferrable=deferrable)
        if not self.lazy_begin or isolation not in (None, "read_committed") or readonly or deferrable:
            return real
        self._pending = LazyTransaction(real)
        return self._pending

    async def begin_pending(self) -> None:
        """Send the open transaction's BEGIN, if it has not been sent."""
        if self._pending is not None:
            await self._pending.begin()

    async def prepare(self, query: str, *args: Any, **kwargs: Any) -> Any:
        statement = await super().prepare(query, *args, **kwargs)
        return _Statement(statement, self, is_plain_read(query))

    async def execute(self, query: str, *args: Any, **kwargs: Any) -> Any:
        await self.begin_pending()
        return await super().execute(query, *args, **kwargs)

    async def executemany(self, command: str, args: Any, **kwargs: Any) -> Any:
        await self.begin_pending()
        return await super().executemany(command, args, **kwargs)

    async def fetch(self, query: str, *args: Any, **kwargs: Any) -> Any:
        await self.begin_pending()
        return await super().fetch(query, *args, **kwargs)

    async def fetchrow(self, query: str, *args: Any, **kwargs: Any) -> Any:
        await self.begin_pending()
        return await super().fetchrow(query, *args, **kwargs)

    async def fetchval(self, query: str, *args: Any, **kwargs: Any) -> Any:
        await self.begin_pending()
        return await super().fetchval(query, *args, **kwargs)


def where_read_committed(dbapi_connection: Any, _record: Any) -> None:
    """SQLAlchemy's "connect" event: begin lazily where the server's default isolation level is READ COMMITTED."""
    driver = getattr(dbapi_connection, "driver_connection", None)
    if not isinstance(driver, LazyBeginConnection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("SELECT current_setting('default_transaction_isolation')")
    isolation = cursor.fetchone()
    cursor.close()
    dbapi_connection.rollback()
    driver.lazy_begin = bool(isolation) and str(isolation[0]).lower() == "read committed"
