"""SQLite connections whose statements take one trip to aiosqlite's thread, reads none: same results, fewer trips."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from content.db import create_engine, session_factory
from content.repository.people import get_or_create_user, get_user
from content.sqlite_connection import ROWS_ON_LOOP, OneTripConnection, reads_on_loop


@pytest.fixture
async def engine(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    path = tmp_path / "one-trip.sqlite3"
    shutil.copy(sqlite_template, path)
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        yield engine
    finally:
        await engine.dispose()


def _count_trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    trips: list[str] = []
    original = OneTripConnection._execute

    async def counted(self: OneTripConnection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        trips.append(getattr(fn, "__name__", "?"))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(OneTripConnection, "_execute", counted)
    return trips


async def test_the_engine_uses_one_trip_connections(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert isinstance(raw.driver_connection, OneTripConnection)
        assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1


async def test_a_look_up_takes_no_trip_and_a_write_two(engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        await get_or_create_user(session=session, chat_id=42)
    async with engine.connect():
        pass  # the pool holds an open connection, so the counts below have no connecting in it
    trips = _count_trips(monkeypatch)
    with reads_on_loop():  # as the bot's conversation does for each update
        async with sessions() as session, session.begin():
            user = await get_user(session=session, chat_id=42)
        assert user is not None
        assert user.chat_id == 42
        assert trips == []  # the read ran on the loop; no transaction was opened, so the commit has nothing to do

        async with sessions() as session, session.begin():
            await get_or_create_user(session=session, chat_id=43)
        assert len(trips) == 2  # insert, commit (looking for the person first ran on the loop)
        trips.clear()
        async with engine.connect() as other:  # the commit really went through
            count = await other.execute(text("SELECT count(*) FROM botuser WHERE chat_id = 43"))
            assert count.scalar() == 1
        assert trips == []

    async with sessions() as session:  # elsewhere (the admin, start-up) reads take the trip
        assert await get_user(session=session, chat_id=43) is not None
    assert len(trips) == 1


async def test_a_read_on_the_loop_never_waits_for_a_writer(engine: AsyncEngine) -> None:
    """WAL mode: a reader sees the last committed state while another connection holds the write lock."""
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE w (n INTEGER)"))
        await connection.execute(text("INSERT INTO w VALUES (1)"))
    async with engine.connect() as writer, engine.connect() as reader:
        await writer.execute(text("INSERT INTO w VALUES (2)"))  # opens a write transaction, not committed
        raw = await reader.get_raw_connection()
        assert raw.driver_connection.reads_on_loop
        with reads_on_loop():
            assert (await reader.execute(text("SELECT count(*) FROM w"))).scalar() == 1
            await writer.commit()
            await reader.rollback()
            assert (await reader.execute(text("SELECT count(*) FROM w"))).scalar() == 2


async def test_without_write_ahead_logging_reads_take_the_trip(monkeypatch: pytest.MonkeyPatch) -> None:
    """An in-memory database has no WAL, so a reader could wait for a writer: not on the loop."""
    engine = create_engine("sqlite+aiosqlite://")
    try:
        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            assert not raw.driver_connection.reads_on_loop
            trips = _count_trips(monkeypatch)
            with reads_on_loop():
                assert (await connection.execute(text("SELECT 1"))).scalar() == 1
            assert len(trips) == 1
    finally:
        await engine.dispose()


async def test_writes_report_rows_and_ids_and_errors_keep_the_connection_usable(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
        inserted = await connection.execute(text("INSERT INTO t (name) VALUES ('a')"))
        assert inserted.lastrowid == 1
        assert inserted.rowcount == 1
        many = await connection.execute(text("INSERT INTO t (name) VALUES (:name)"), [{"name": "b"}, {"name": "c"}])
        assert many.rowcount == 2
        updated = await connection.execute(text("UPDATE t SET name = name || '!' WHERE id > 1"))
        assert updated.rowcount == 2
    async with engine.connect() as connection:
        with pytest.raises(IntegrityError):
            await connection.execute(text("INSERT INTO t (name) VALUES ('a')"))
        await connection.rollback()
        with pytest.raises(OperationalError):
            await connection.execute(text("SELEKT 1"))
        await connection.rollback()
        rows = (await connection.execute(text("SELECT id, name FROM t ORDER BY id"))).all()
        assert [tuple(row) for row in rows] == [(1, "a"), (2, "b!"), (3, "c!")]


async def test_a_rolled_back_transaction_leaves_nothing(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE r (n INTEGER)"))
    async with engine.connect() as connection:
        await connection.execute(text("INSERT INTO r VALUES (1)"))
        await connection.rollback()
        assert (await connection.execute(text("SELECT count(*) FROM r"))).scalar() == 0


async def test_streamed_results_come_in_the_asked_portions(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE s (n INTEGER)"))
        await connection.execute(text("INSERT INTO s VALUES (:n)"), [{"n": n} for n in range(10)])
    async with engine.connect() as connection:
        result = await connection.stream(text("SELECT n FROM s ORDER BY n"))
        portions = [[row.n for row in part] async for part in result.partitions(4)]
    assert portions == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


async def test_a_long_result_is_read_on_in_the_thread(engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    """A few rows come on the loop; the rest of a long result in one trip, so a long list never holds the loop."""
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE many (n INTEGER)"))
        await connection.execute(text("INSERT INTO many VALUES (:n)"), [{"n": n} for n in range(ROWS_ON_LOOP * 3)])
    async with engine.connect() as connection:
        with reads_on_loop():
            trips = _count_trips(monkeypatch)
            few = (
                await connection.execute(text("SELECT n FROM many WHERE n < :k ORDER BY n"), {"k": ROWS_ON_LOOP})
            ).all()
            assert [row.n for row in few] == list(range(ROWS_ON_LOOP))
            assert trips == []
            every = (await connection.execute(text("SELECT n FROM many ORDER BY n"))).all()
            assert [row.n for row in every] == list(range(ROWS_ON_LOOP * 3))
            assert len(trips) == 1
            assert (await connection.execute(text("SELECT count(*) FROM many"))).scalar() == ROWS_ON_LOOP * 3
