"""Run one source: fetch it over HTTP or read its file, then store it whole; a failure is recorded, nothing lost."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import DataSourceStatus, OpenDataSource, utcnow
from content.opendata import jobads, kolada, outlook
from content.opendata.rows import Batch, Coding, FetchError, FileFormatError, read_coding
from content.repository.opendata import EmptyBatchError, record_failure, store
from vagvisare.http_client import PoliteClient, Politeness

log = logging.getLogger(__name__)

# Source names as the command line and the admin write them, with what each holds and its licence.
ABOUT = {
    OpenDataSource.JOBADS: "open job ads per occupation and municipality (JobTech JobSearch; ads CC0, per JobTech)",
    OpenDataSource.OUTLOOK: "job prospects per occupation and county (Arbetsförmedlingen's Yrkesbarometer, .xlsx)",
    OpenDataSource.KOLADA: "the municipalities' key figures (Kolada, RKA; cite 'Källa: Kolada')",
}


class SourceError(Exception):
    """A source could not be read or stored; what was stored before is unchanged."""


@dataclass(frozen=True)
class Endpoints:
    """Where each source is read from, and how politely (from the settings)."""

    jobsearch: str = jobads.JOBSEARCH_API
    jobsearch_key: str | None = None
    outlook: str = outlook.STATISTICS_PAGE
    kolada: str = kolada.KOLADA_API
    contact: str | None = None
    politeness: Politeness = field(default_factory=Politeness)


@dataclass(frozen=True)
class Outcome:
    status: DataSourceStatus
    requests: int
    seconds: float


async def fetch_source(
    sessions: async_sessionmaker[AsyncSession], source: OpenDataSource, endpoints: Endpoints
) -> Outcome:
    """Fetch a source over HTTP and store it; a SourceError (recorded for the admin) when that fails."""
    headers = (
        {"api-key": endpoints.jobsearch_key} if source is OpenDataSource.JOBADS and endpoints.jobsearch_key else {}
    )

    async def read(coding: Coding) -> Batch:
        async with PoliteClient(endpoints.politeness, contact=endpoints.contact, secret_headers=headers) as client:
            if source is OpenDataSource.JOBADS:
                return await jobads.fetch(client, coding, endpoints.jobsearch)
            if source is OpenDataSource.OUTLOOK:
                return await outlook.fetch(client, coding, endpoints.outlook)
            return await kolada.fetch(client, coding, endpoints.kolada)

    return await _run(sessions, source, "fetch", read)


async def import_source(sessions: async_sessionmaker[AsyncSession], source: OpenDataSource, path: Path) -> Outcome:
    """Read a source's published file and store it; a SourceError (recorded for the admin) when that fails."""

    async def read(coding: Coding) -> Batch:
        if source is OpenDataSource.JOBADS:
            return jobads.read_file(path, coding)
        if source is OpenDataSource.OUTLOOK:
            return outlook.read_file(path, coding)
        return kolada.read_file(path, coding)

    return await _run(sessions, source, "import", read)


async def _run(
    sessions: async_sessionmaker[AsyncSession],
    source: OpenDataSource,
    via: str,
    read: Callable[[Coding], Awaitable[Batch]],
) -> Outcome:
    started, clock = utcnow(), time.monotonic()
    try:
        coding = await read_coding(sessions)
        if not coding.occupations or not coding.municipalities:
            raise EmptyBatchError("the content has no occupations with SSYK codes or no municipalities with codes")
        batch = await read(coding)
        status = await store(sessions, batch, started=started)
    except (FetchError, FileFormatError, EmptyBatchError, OSError) as error:
        message = str(error) or type(error).__name__
        await record_failure(sessions, source, message, via=via, started=started)
        raise SourceError(message) from error
    except Exception as error:  # a file or an answer broken in a way no check foresaw: still said, never hidden
        message = f"{type(error).__name__}: {error}"
        log.exception("Reading %s failed unexpectedly; nothing was stored.", source.value)
        await record_failure(sessions, source, message, via=via, started=started)
        raise SourceError(message) from error
    return Outcome(status, batch.requests, round(time.monotonic() - clock, 2))


async def record_stopped(sessions: async_sessionmaker[AsyncSession], source: OpenDataSource, why: str) -> None:
    """A fetch's child process that ended without saying why (killed, timed out, crashed): said in the admin."""
    await record_failure(sessions, source, why, via="fetch", started=utcnow())
