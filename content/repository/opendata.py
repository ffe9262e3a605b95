"""Official open data as stored: one source's rows replaced in one transaction, and how each source last went."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import (
    DataSourceStatus,
    JobAdCount,
    KeyFigure,
    LabourOutlook,
    Municipality,
    Occupation,
    OpenDataSource,
    utcnow,
)
from content.opendata.rows import AdCount, Batch, Figure, Outlook, Row

MAX_ERROR = 2000  # characters of an error message kept for the admin

TABLES: dict[OpenDataSource, type[SQLModel]] = {
    OpenDataSource.JOBADS: JobAdCount,
    OpenDataSource.OUTLOOK: LabourOutlook,
    OpenDataSource.KOLADA: KeyFigure,
}


class EmptyBatchError(ValueError):
    """A source gave no row the content can use: storing it would wipe what is known, so it is refused."""


async def store(sessions: async_sessionmaker[AsyncSession], batch: Batch, *, started: datetime) -> DataSourceStatus:
    """Replace the source's rows with the batch's, all in one transaction; return the source's new status."""
    if not batch.rows:
        raise EmptyBatchError(f"{batch.source_url} gave no rows for the content's occupations and municipalities")
    await _ensure_status(sessions, batch.source)
    async with sessions() as session, session.begin():
        # First, the source's own lock: a second store of the same source (a `data fetch` beside the schedule)
        # waits here until this one has committed, and then replaces its rows instead of adding to them.
        table_of_status = DataSourceStatus.__table__  # type: ignore[attr-defined]
        await session.exec(
            update(table_of_status).where(table_of_status.c.name == batch.source.value).values(last_attempt_at=started)
        )
        occupations = {row.slug: row.id for row in (await session.exec(select(Occupation))).all()}
        towns = {row.code: row.id for row in (await session.exec(select(Municipality))).all() if row.code}
        table = TABLES[batch.source]
        old = {_key(row): _value(row) for row in (await session.exec(select(table))).all()}
        await session.exec(delete(table))
        fetched = utcnow()
        new: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        for item in batch.rows:
            model = _model(item, occupations, towns)
            if model is None:  # an occupation or municipality removed from the content since the read began
                continue
            if _key(model) in new:  # the same figure twice in one answer: the first counts
                continue
            model.source_url, model.data_date, model.fetched_at = batch.source_url, batch.data_date, fetched
            session.add(model)
            new[_key(model)] = _value(model)
        changed = len(old.keys() ^ new.keys()) + sum(1 for key in old.keys() & new.keys() if old[key] != new[key])
        status = await session.get(DataSourceStatus, batch.source.value) or DataSourceStatus(name=batch.source.value)
        status.last_attempt_at = started
        status.last_success_at = fetched
        status.via, status.source_url, status.data_date = batch.via, batch.source_url, batch.data_date
        status.rows, status.rows_changed, status.error = len(new), changed, None
        status.seconds = round((fetched - started).total_seconds(), 2)
        session.add(status)
    return status


async def record_failure(
    sessions: async_sessionmaker[AsyncSession], source: OpenDataSource, error: str, *, via: str, started: datetime
) -> None:
    """Note a failed attempt for the admin; the source's stored rows stay as they were."""
    async with sessions() as session, session.begin():
        status = await session.get(DataSourceStatus, source.value) or DataSourceStatus(name=source.value)
        # `via` stays how the last success came (a file import is not relabelled by a failed fetch after it).
        status.last_attempt_at, status.error = started, f"{via}: {error}"[:MAX_ERROR]
        status.seconds = round((utcnow() - started).total_seconds(), 2)
        session.add(status)


async def claim(
    sessions: async_sessionmaker[AsyncSession], source: OpenDataSource, *, fresh_after: datetime, tried_after: datetime
) -> bool:
    """Take the source's next refresh for this process when it is due: not refreshed since `fresh_after`, and not
    tried since `tried_after`. Of several processes, exactly one gets True for each refresh."""
    await _ensure_status(sessions, source)
    async with sessions() as session, session.begin():
        table = DataSourceStatus.__table__  # type: ignore[attr-defined]
        taken = await session.exec(
            update(table)
            .where(table.c.name == source.value)
            .where(or_(table.c.last_success_at.is_(None), table.c.last_success_at < fresh_after))
            .where(or_(table.c.last_attempt_at.is_(None), table.c.last_attempt_at < tried_after))
            .values(last_attempt_at=utcnow())
        )
        return bool(taken.rowcount)


async def _ensure_status(sessions: async_sessionmaker[AsyncSession], source: OpenDataSource) -> None:
    """The source's status row exists (created by whichever process comes first)."""
    async with sessions() as session, session.begin():
        if await session.get(DataSourceStatus, source.value) is not None:
            return
        try:
            async with session.begin_nested():
                session.add(DataSourceStatus(name=source.value))
        except IntegrityError:  # another process created it first
            pass


async def statuses(session: AsyncSession) -> dict[OpenDataSource, DataSourceStatus | None]:
    """How each source last went (None: never tried)."""
    found = {row.name: row for row in (await session.exec(select(DataSourceStatus))).all()}
    return {source: found.get(source.value) for source in OpenDataSource}


async def ad_counts(session: AsyncSession, occupation_id: int) -> list[JobAdCount]:
    """The occupation's open ads per municipality, most first."""
    query = select(JobAdCount).where(JobAdCount.occupation_id == occupation_id).order_by(col(JobAdCount.ads).desc())
    return list((await session.exec(query)).all())


async def outlooks(session: AsyncSession, occupation_id: int) -> list[LabourOutlook]:
    """Arbetsförmedlingen's judgements for the occupation, per county and for the whole country."""
    query = select(LabourOutlook).where(LabourOutlook.occupation_id == occupation_id).order_by(col(LabourOutlook.id))
    return list((await session.exec(query)).all())


async def key_figures(session: AsyncSession, municipality_id: int) -> list[KeyFigure]:
    """The municipality's key figures, the newest year of each first."""
    query = (
        select(KeyFigure)
        .where(KeyFigure.municipality_id == municipality_id)
        .order_by(col(KeyFigure.kpi), col(KeyFigure.year).desc())
    )
    return list((await session.exec(query)).all())


def _model(item: Row, occupations: dict[str, int | None], towns: dict[str, int | None]) -> SQLModel | None:
    if isinstance(item, AdCount):
        occupation_id, town_id = occupations.get(item.occupation), towns.get(item.municipality)
        if occupation_id is None or town_id is None:
            return None
        newest = [{"url": url, "headline": headline} for url, headline in item.newest]
        return JobAdCount(occupation_id=occupation_id, municipality_id=town_id, ads=item.ads, newest=newest, **_UNSET)
    if isinstance(item, Outlook):
        occupation_id = occupations.get(item.occupation)
        if occupation_id is None:
            return None
        return LabourOutlook(
            occupation_id=occupation_id,
            county=item.county,
            barometer_occupation=item.barometer_occupation,
            ssyk=item.ssyk,
            prospects=item.prospects,
            recruitment=item.recruitment,
            forecast=item.forecast,
            round=item.round,
            **_UNSET,
        )
    assert isinstance(item, Figure)
    town_id = towns.get(item.municipality)
    if town_id is None:
        return None
    return KeyFigure(municipality_id=town_id, kpi=item.kpi, year=item.year, value=item.value, **_UNSET)


_UNSET: dict[str, Any] = {"source_url": "", "data_date": datetime.min.date()}  # set from the batch in `store`


def _key(row: Any) -> tuple[Any, ...]:
    if isinstance(row, JobAdCount):
        return (row.occupation_id, row.municipality_id)
    if isinstance(row, LabourOutlook):
        return (row.occupation_id, row.county, row.barometer_occupation)
    return (row.municipality_id, row.kpi, row.year)


def _value(row: Any) -> tuple[Any, ...]:
    if isinstance(row, JobAdCount):
        return (row.ads,)
    if isinstance(row, LabourOutlook):
        return (row.prospects, row.recruitment, row.forecast, row.round)
    return (row.value,)
