"""What every entry point does first: migrate the database, load starter content into an empty one."""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import json
import logging
import sys
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
    settings: Settings, *, prepare_in_child: bool = False
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Migrate the database to the newest schema, load the starter content if it is empty, yield sessions.

    A long-running server does both in a short-lived child process (`prepare_in_child`), so it never carries
    Alembic, the YAML reader or the memory of reading every content file (about 20 MB for its whole life). The
    child is a fresh interpreter (`python -m vagvisare.startup`), not a multiprocessing pool: the pool's modules
    alone stayed in the server for good (0.75 MB).
    """
    url = settings.effective_database_url
    if prepare_in_child:
        summary = await _prepare_in_child(url, settings.load_starter_content, settings.example_content)
    else:
        summary = await _prepare(url, settings.load_starter_content, settings.example_content)
    if summary:
        log.info("Loaded the starter content: %s", summary)
    async with open_database(url) as sessions:
        yield sessions


async def _prepare_in_child(url: str, load_starter_content: bool, examples: bool) -> str | None:
    """`_prepare` in a child interpreter; the database URL (it may hold a password) goes by standard input."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "vagvisare.startup",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    order = json.dumps({"url": url, "load": load_starter_content, "examples": examples}).encode()
    out, err = await child.communicate(order)
    if child.returncode != 0:
        raise RuntimeError("Preparing the database failed:\n" + err.decode("utf-8", "replace").strip()[-3000:])
    lines = [line for line in out.decode("utf-8", "replace").splitlines() if line.strip()]
    try:  # the answer is the last line: anything a library printed before it is not parsed
        summary: str | None = json.loads(lines[-1])["summary"]
    except (IndexError, KeyError, TypeError, json.JSONDecodeError):
        raise RuntimeError(
            "Preparing the database gave no answer:\n" + err.decode("utf-8", "replace")[-3000:]
        ) from None
    return summary


def prepare_database(url: str, load_starter_content: bool, examples: bool = False) -> str | None:
    """Migrate, and load the starter content into an empty database; return what was loaded (None: nothing)."""
    return asyncio.run(_prepare(url, load_starter_content, examples))


async def _prepare(url: str, load_starter_content: bool, examples: bool = False) -> str | None:
    await migrate(url)
    if not load_starter_content:
        return None
    async with open_database(url) as sessions:
        if await has_content(sessions):
            return None
        summary = await load_repository(sessions, actor="starter-content", examples=examples)
    return "; ".join(summary.lines()) + ("; with the example events and demand rows" if examples else "")


async def search_index(sessions: async_sessionmaker[AsyncSession]) -> SearchIndex:
    """Build a search index over the published content."""
    index = SearchIndex()
    async with sessions() as session:
        await index.refresh(session)
    return index


def settle_memory() -> None:
    """Once the service is up: collect start-up garbage, freeze what is left, give free memory back to the system.

    Python's full (oldest-generation) garbage collection walks every tracked object, and nothing else runs while it
    does. After start there are about 165,000 (modules, classes, the web app, the bot), which made each full
    collection under benchmarks/bot_latency.py take 90 to 110 ms, a stall for every update waiting meanwhile.
    Frozen objects live for the whole run anyway and are never walked again (`gc.freeze`).
    """
    gc.collect()
    gc.freeze()
    name = ctypes.util.find_library("c")
    if name is None:
        return
    trim = getattr(ctypes.CDLL(name), "malloc_trim", None)
    if trim is not None:  # glibc only; elsewhere there is nothing to do
        trim(0)


if __name__ == "__main__":  # the child of `database(prepare_in_child=True)`
    order = json.loads(sys.stdin.read())
    print(json.dumps({"summary": prepare_database(order["url"], order["load"], order["examples"])}))
