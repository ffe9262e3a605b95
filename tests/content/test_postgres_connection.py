"""PostgreSQL transactions that begin at their first write: reads alone send no BEGIN or COMMIT, writes stay atomic."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from content.db import create_engine, session_factory
from content.models import BotUser
from content.postgres_connection import LazyBeginConnection, is_plain_read
from content.repository.people import get_or_create_user, get_user
from tests.conftest import _asyncpg_dsn, _pg_execute, _sqlalchemy_url, postgres_copy

pytestmark = pytest.mark.postgres


@pytest.fixture
async def database(postgres_template: str | None) -> AsyncIterator[str]:
    """The name of a fresh migrated PostgreSQL database."""
    async with postgres_copy(postgres_template) as name:
        yield name


@pytest.fixture
async def engine(database: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(_sqlalchemy_url(database), pool_size=1, max_overflow=0)
    try:
        yield engine
    finally:
        await engine.dispose()


async def _log_statements(engine: AsyncEngine) -> list[str]:
    """Every statement the engine's (single) connection sends from now on, in order, as each is done.

    SQLAlchemy's statements as it reports them; BEGIN, COMMIT and ROLLBACK (sent by asyncpg, not through SQLAlchemy)
    as asyncpg's query logger does.
    """
    sent: list[str] = []
    async with engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        assert driver is not None
        driver.add_query_logger(lambda record: sent.append(record.query.strip().rstrip(";")))
    event.listen(engine.sync_engine, "after_cursor_execute", lambda _c, _cur, statement, *_: sent.append(statement))
    return sent


async def _stored(database: str, chat_id: int) -> bool:
    """Whether another connection sees the person (what is committed)."""
    other = await asyncpg.connect(_asyncpg_dsn(database))
    try:
        return await other.fetchval("SELECT count(*) FROM botuser WHERE chat_id = $1", chat_id) == 1
    finally:
        await other.close()


def test_only_selects_that_neither_lock_nor_write_are_plain_reads() -> None:
    assert is_plain_read("SELECT botuser.id FROM botuser WHERE botuser.chat_id = $1")
    assert is_plain_read("  (SELECT 1) UNION (SELECT 2)")
    assert not is_plain_read("SELECT event.id FROM event WHERE event.id = $1 FOR UPDATE")
    assert not is_plain_read("SELECT delivery.id FROM delivery FOR NO KEY UPDATE OF delivery SKIP LOCKED")
    assert not is_plain_read("SELECT * INTO copy FROM botuser")
    assert not is_plain_read("SELECT pg_try_advisory_xact_lock($1)")
    assert not is_plain_read("SELECT nextval('botuser_id_seq')")
    assert not is_plain_read("WITH gone AS (DELETE FROM follow RETURNING id) SELECT count(*) FROM gone")
    assert not is_plain_read("INSERT INTO botuser (pseudonym, chat_id) VALUES ($1, $2) RETURNING botuser.id")
    assert not is_plain_read("UPDATE botuser SET lang = $1")


async def test_the_engine_uses_lazy_begin_connections(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert isinstance(raw.driver_connection, LazyBeginConnection)
        assert raw.driver_connection.lazy_begin  # the server's default is READ COMMITTED


async def test_a_transaction_that_only_reads_sends_no_begin_or_commit(engine: AsyncEngine, database: str) -> None:
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        await get_or_create_user(session=session, chat_id=42)
    sent = await _log_statements(engine)
    async with sessions() as session, session.begin():  # a button press: the person's row, nothing written
        user = await get_user(session=session, chat_id=42)
        assert user is not None
    assert len(sent) == 1
    assert sent[0].startswith("SELECT botuser.id")


async def test_the_first_write_begins_and_the_end_commits(engine: AsyncEngine, database: str) -> None:
    sessions = session_factory(engine)
    sent = await _log_statements(engine)
    async with sessions() as session, session.begin():
        assert await get_user(session=session, chat_id=7) is None
        await get_or_create_user(session=session, chat_id=7)
        assert not await _stored(database, 7)  # written inside the transaction: not visible outside yet
    assert [statement.split()[0] for statement in sent] == ["SELECT", "SELECT", "BEGIN", "INSERT", "COMMIT"]
    assert await _stored(database, 7)


async def test_a_failed_transaction_keeps_none_of_its_writes(engine: AsyncEngine, database: str) -> None:
    sessions = session_factory(engine)

    async def two_people_then_a_failure() -> None:
        async with sessions() as session, session.begin():
            await get_or_create_user(session=session, chat_id=1)
            await get_or_create_user(session=session, chat_id=2)
            raise RuntimeError("the second step failed")

    with pytest.raises(RuntimeError):
        await two_people_then_a_failure()
    assert not await _stored(database, 1)
    assert not await _stored(database, 2)
    async with sessions() as session, session.begin():  # the connection is clean for the next transaction
        await get_or_create_user(session=session, chat_id=3)
    assert await _stored(database, 3)


async def test_a_locking_read_begins_the_transaction_and_holds_its_lock(engine: AsyncEngine, database: str) -> None:
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        await get_or_create_user(session=session, chat_id=5)
    other = await asyncpg.connect(_asyncpg_dsn(database))
    try:
        async with sessions() as session, session.begin():
            await session.exec(select(BotUser).where(BotUser.chat_id == 5).with_for_update())
            async with other.transaction():
                with pytest.raises(asyncpg.LockNotAvailableError):
                    await other.execute("SELECT id FROM botuser WHERE chat_id = 5 FOR UPDATE NOWAIT")
    finally:
        await other.close()


async def test_another_default_isolation_level_begins_at_once(database: str) -> None:
    await _pg_execute(f"ALTER DATABASE \"{database}\" SET default_transaction_isolation = 'repeatable read'")
    engine = create_engine(_sqlalchemy_url(database), pool_size=1, max_overflow=0)
    try:
        async with engine.connect() as connection:
            driver = (await connection.get_raw_connection()).driver_connection
            assert isinstance(driver, LazyBeginConnection)
            assert not driver.lazy_begin
        sent = await _log_statements(engine)
        async with session_factory(engine)() as session, session.begin():
            await get_user(session=session, chat_id=42)
        assert [statement.split()[0] for statement in sent] == ["BEGIN", "SELECT", "COMMIT"]
    finally:
        await engine.dispose()


async def test_an_explicit_isolation_level_begins_at_once(engine: AsyncEngine) -> None:
    sent = await _log_statements(engine)
    async with engine.connect() as connection:
        serializable: Any = await connection.execution_options(isolation_level="SERIALIZABLE")
        async with serializable.begin():
            await serializable.exec_driver_sql("SELECT 1")
    assert sent[0].startswith("BEGIN ISOLATION LEVEL SERIALIZABLE")


async def test_a_streamed_result_reads_in_a_transaction(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        for chat_id in (1, 2, 3):
            await get_or_create_user(session=session, chat_id=chat_id)
    sent = await _log_statements(engine)
    async with engine.connect() as connection:  # a server-side cursor: asyncpg's cursors need a transaction
        result = await connection.stream(select(BotUser.chat_id).order_by(BotUser.chat_id))
        assert [row.chat_id async for row in result] == [1, 2, 3]
        await connection.commit()
    assert [statement.split()[0] for statement in sent] == ["BEGIN", "SELECT", "COMMIT"]
