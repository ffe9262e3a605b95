"""The content core's long-lived resources, shared by the admin, the bot and background workers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from content.search.index import SearchIndex


@dataclass(frozen=True, slots=True)
class ContentServices:
    """Database sessions and the search index of one process."""

    sessions: async_sessionmaker[AsyncSession]
    search: SearchIndex
