"""The read cache: cached reads are forgotten when content changes, at most `recheck` seconds late."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from content.repository.articles import save_article
from content.services import ReadCache
from tests.factories import make_article

Sessions = async_sessionmaker[AsyncSession]


async def _read(cache: ReadCache, sessions: Sessions, loads: list[int]) -> int:
    async with sessions() as session:
        await cache.follow(session)

    async def load() -> int:
        loads.append(cache.generation)
        return cache.generation

    return await cache.get("key", load)


async def _change(sessions: Sessions, title: str) -> None:
    article = make_article()
    article.translations["sv"].title = title
    async with sessions() as session, session.begin():
        await save_article(session=session, data=article, actor="editor:1")


async def test_a_cache_that_looks_every_time_sees_each_change_at_once(sessions: Sessions) -> None:
    cache = ReadCache()
    loads: list[int] = []
    first = await _read(cache, sessions, loads)
    assert await _read(cache, sessions, loads) == first
    await _change(sessions, "Ny rubrik")
    assert await _read(cache, sessions, loads) > first
    assert len(loads) == 2


async def test_a_rechecking_cache_waits_but_a_change_in_this_process_is_seen_at_once(sessions: Sessions) -> None:
    cache = ReadCache(recheck=3600)
    loads: list[int] = []
    first = await _read(cache, sessions, loads)
    await _change(sessions, "Ny rubrik")
    assert await _read(cache, sessions, loads) == first  # another process's change: seen after `recheck`
    cache.changed()
    assert await _read(cache, sessions, loads) > first
    assert len(loads) == 2
