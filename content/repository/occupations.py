"""Occupations and where each is in demand."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from content.files.schema import DemandFile, OccupationFile
from content.models import Municipality, Occupation, OccupationDemand, Region
from content.repository.lookup import by_slug, id_of, slug_of


class OccupationAdapter:
    entity = "occupation"
    model = OccupationFile

    async def read(self, session: AsyncSession, slug: str) -> OccupationFile | None:
        row = await by_slug(session, Occupation, slug)
        if row is None:
            return None
        return OccupationFile(
            slug=row.slug,
            ssyk=row.ssyk,
            name=row.name,
            search_terms=row.search_terms,
            demand=[
                DemandFile(
                    municipality=await slug_of(session, Municipality, demand.municipality_id),
                    region=await slug_of(session, Region, demand.region_id),
                    level=demand.level,
                    source=demand.source,
                    verified_at=demand.verified_at,
                    example=demand.example,
                    note=demand.note,
                )
                for demand in await _demand(session, row)
            ],
        )

    async def write(self, session: AsyncSession, data: OccupationFile, revision: int) -> None:
        row = await by_slug(session, Occupation, data.slug) or Occupation(slug=data.slug)
        row.ssyk, row.name = data.ssyk, dict(data.name)
        row.search_terms = {code: list(terms) for code, terms in data.search_terms.items()}
        session.add(row)
        await session.flush()
        for old in await _demand(session, row):
            await session.delete(old)
        for position, demand in enumerate(data.demand):
            session.add(
                OccupationDemand(
                    occupation_id=row.id or 0,
                    position=position,
                    municipality_id=await id_of(session, Municipality, demand.municipality),
                    region_id=await id_of(session, Region, demand.region),
                    level=demand.level,
                    source=demand.source,
                    verified_at=demand.verified_at,
                    example=demand.example,
                    note=demand.note,
                )
            )

    async def remove(self, session: AsyncSession, slug: str) -> None:
        row = await by_slug(session, Occupation, slug)
        assert row is not None
        for old in await _demand(session, row):
            await session.delete(old)
        await session.flush()  # children first: the tables have no ORM relationship to order the deletes
        await session.delete(row)


async def _demand(session: AsyncSession, occupation: Occupation) -> list[OccupationDemand]:
    result = await session.exec(
        select(OccupationDemand)
        .where(OccupationDemand.occupation_id == occupation.id)
        .order_by(col(OccupationDemand.position))
    )
    return list(result.all())


OCCUPATIONS = OccupationAdapter()


async def list_occupations(*, session: AsyncSession) -> list[Occupation]:
    """Return occupations in display order."""
    result = await session.exec(select(Occupation).order_by(col(Occupation.position), col(Occupation.slug)))
    return list(result.all())


async def get_occupation_file(*, session: AsyncSession, slug: str) -> OccupationFile | None:
    """Return an occupation with where it is in demand, or None."""
    return await OCCUPATIONS.read(session, slug)
