"""The content core's long-lived resources, shared by the admin, the bot and background workers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from content.search.index import Hit, SearchIndex


@dataclass(frozen=True, slots=True)
class ContentServices:
    """Database sessions and the search index of one process."""

    sessions: async_sessionmaker[AsyncSession]
    search: SearchIndex

    async def ask(self, lang: str, question: str, limit: int = 5) -> list[Hit]:
        """Answer a free-text question from published content, after catching up with content changes."""
        async with self.sessions() as session:
            await self.search.refresh(session)
        return self.search.search(lang, question, limit)
