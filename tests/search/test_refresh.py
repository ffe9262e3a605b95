"""An index build that fails halfway (the database gone in the middle of reading) keeps nothing half-built and
lets the next question build it again."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

import content.search.index as index_module
from content.loading import load_repository
from content.search.index import SearchIndex

Sessions = async_sessionmaker[AsyncSession]


async def test_a_build_that_fails_halfway_is_retried_cleanly(
    sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    await load_repository(sessions)
    real = index_module.published_texts
    calls = 0

    async def failing(**kwargs: object) -> list[index_module.PublishedText]:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise ConnectionError("the database went away")
        return await real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(index_module, "published_texts", failing)
    index = SearchIndex()
    async with sessions() as session:
        with pytest.raises(ConnectionError):
            await index.refresh(session)
    assert index.generation == -1
    assert index.search("en", "Where can I learn Swedish?") == []  # nothing half-built is searched
    async with sessions() as session:
        assert await index.refresh(session)  # the writer's lock was let go
    assert index.search("en", "Where can I learn Swedish?")[0].slug == "sfi"
