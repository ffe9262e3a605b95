"""The content core's long-lived resources, shared by the admin, the bot and background workers."""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from content.repository.records import content_generation
from content.search.index import Answer, SearchIndex

T = TypeVar("T")


@dataclass(slots=True)
class ReadCache:
    """Published content read once per content generation: a change anywhere (any process) empties it.

    Readers ask for the same municipalities, titles and events again and again; between two content changes the
    answers cannot differ, so each is read from the database once. What belongs to a person (follows,
    registrations, seats) is never cached.
    """

    generation: int = -1
    values: dict[Hashable, Any] = field(default_factory=dict)
    recheck: float = 0.0
    """Seconds between two looks at the content generation: a change made by another process reaches this one
    at most that late. 0 looks on every call."""
    checked: float = -math.inf

    async def follow(self, session: AsyncSession) -> None:
        """Forget everything if content changed since the cached values were read (one indexed query)."""
        now = time.monotonic()
        if now - self.checked < self.recheck:
            return
        self.checked = now
        generation = await content_generation(session=session)
        if generation != self.generation:
            self.values.clear()
            self.generation = generation

    def changed(self) -> None:
        """Content was changed in this process: look at the generation on the next call, whatever `recheck` says."""
        self.checked = -math.inf

    async def get(self, key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
        """Return the cached value for `key`, loading it on first use."""
        if key not in self.values:
            self.values[key] = await load()
        value: T = self.values[key]
        return value


@dataclass(frozen=True, slots=True)
class ContentServices:
    """Database sessions, the search index and the read cache of one process."""

    sessions: async_sessionmaker[AsyncSession]
    search: SearchIndex
    cache: ReadCache = field(default_factory=ReadCache)

    async def ask(
        self, lang: str, question: str, limit: int = 5, session: AsyncSession | None = None, nearby: int = 0
    ) -> Answer:
        """Answer a free-text question from published content, after catching up with content changes: the answers,
        when there are none up to `nearby` articles nearest to it ("maybe you mean"), and the occupations it names.

        A caller inside a transaction passes its session, so no second connection is taken from the pool.
        """
        await self._catch_up(session)
        return self.search.answer(lang, question, limit, nearby)

    async def language_of(self, question: str, session: AsyncSession | None = None) -> str | None:
        """Return the language a question is written in (easy Swedish as "sv"), or None when it cannot be told."""
        await self._catch_up(session)
        return self.search.detector.detect(question)

    async def _catch_up(self, session: AsyncSession | None) -> None:
        if self.search.generation < 0 or self.search.generation != self.cache.generation:
            if session is not None:
                await self.search.refresh(session)
            else:
                async with self.sessions() as own:
                    await self.search.refresh(own)
