"""What every entry point does first: migrate the database, load starter content into an empty one."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from content.db import migrate, open_database
from content.loading import has_content, load_repository
from content.search.index import SearchIndex
from vagvisare.settings import Settings

log = logging.getLogger(__name__)


@asynccontextmanager
async def database(
    settings: Settings, *, migrate_in_child: bool = False
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Migrate the database to the newest schema, load the starter content if it is empty, yield sessions.

    A long-running server migrates in a child process (`migrate_in_child`) and so never loads Alembic.
    """
    url = settings.effective_database_url
    await migrate(url, in_child=migrate_in_child)
    async with open_database(url) as sessions:
        if settings.load_starter_content and not await has_content(sessions):
            summary = await load_repository(sessions, actor="starter-content")
            log.info("Loaded the starter content: %s", "; ".join(summary.lines()))
        yield sessions


async def search_index(sessions: async_sessionmaker[AsyncSession]) -> SearchIndex:
    """Build a search index over the published content."""
    index = SearchIndex()
    async with sessions() as session:
        await index.refresh(session)
    return index
