"""Regions and municipalities."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from content.files.schema import MunicipalityFile, RegionFile
from content.models import Municipality, Region
from content.repository.lookup import by_slug, id_of, slug_of


class RegionAdapter:
    entity = "region"
    model = RegionFile

    async def read(self, session: AsyncSession, slug: str) -> RegionFile | None:
        row = await by_slug(session, Region, slug)
        if row is None:
            return None
        return RegionFile(slug=row.slug, name=row.name, description=row.description, source=row.source)

    async def write(self, session: AsyncSession, data: RegionFile, revision: int) -> None:
        row = await by_slug(session, Region, data.slug) or Region(slug=data.slug)
        row.name, row.description, row.source = dict(data.name), dict(data.description), data.source
        session.add(row)

    async def remove(self, session: AsyncSession, slug: str) -> None:
        row = await by_slug(session, Region, slug)
        await session.delete(row)


class MunicipalityAdapter:
    entity = "municipality"
    model = MunicipalityFile

    async def read(self, session: AsyncSession, slug: str) -> MunicipalityFile | None:
        row = await by_slug(session, Municipality, slug)
        if row is None:
            return None
        return MunicipalityFile(
            slug=row.slug,
            name=row.name,
            names=row.names,
            region=await slug_of(session, Region, row.region_id) or "",
            county=row.county,
            code=row.code,
            website=row.website,
            search_terms=row.search_terms,
        )

    async def write(self, session: AsyncSession, data: MunicipalityFile, revision: int) -> None:
        region_id = await id_of(session, Region, data.region)
        assert region_id is not None
        row = await by_slug(session, Municipality, data.slug) or Municipality(
            slug=data.slug, name=data.name, region_id=region_id
        )
        row.name, row.region_id, row.county, row.website = data.name, region_id, data.county, data.website
        row.code = data.code
        row.search_terms = {code: list(terms) for code, terms in data.search_terms.items()}
        row.names = dict(data.names)
        session.add(row)

    async def remove(self, session: AsyncSession, slug: str) -> None:
        row = await by_slug(session, Municipality, slug)
        await session.delete(row)


async def list_regions(*, session: AsyncSession) -> list[Region]:
    """Return the regions in display order."""
    return list((await session.exec(select(Region).order_by(col(Region.position), col(Region.slug)))).all())


async def list_municipalities(*, session: AsyncSession, region: str | None = None) -> list[Municipality]:
    """Return municipalities in display order, optionally of one region."""
    query = select(Municipality).order_by(col(Municipality.position), col(Municipality.slug))
    if region is not None:
        query = query.join(Region).where(Region.slug == region)
    return list((await session.exec(query)).all())
