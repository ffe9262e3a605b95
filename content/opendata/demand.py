"""Where an occupation is in demand by the official figures: municipalities ranked by the outlook, then the ads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import JobAdCount, LabourOutlook, Municipality
from content.opendata.rows import PROSPECTS
from content.repository.opendata import ad_counts, outlooks


@dataclass
class TownDemand:
    town: Municipality
    ads: JobAdCount | None
    outlook: LabourOutlook | None  # the best judgement for the town's county, of the barometer occupations

    @property
    def rank(self) -> tuple[int, int, int]:
        prospects = self.outlook.prospects if self.outlook else ""
        best = PROSPECTS.index(prospects) if prospects in PROSPECTS else len(PROSPECTS)
        return (best, -(self.ads.ads if self.ads else 0), self.town.position)


@dataclass
class OfficialDemand:
    towns: list[TownDemand] = field(default_factory=list)  # ranked, the best first
    national: LabourOutlook | None = None
    ads_date: date | None = None
    outlook_date: date | None = None
    outlook_round: str | None = None

    @property
    def has_ads(self) -> bool:
        return self.ads_date is not None

    @property
    def has_outlook(self) -> bool:
        return self.outlook_date is not None

    def __bool__(self) -> bool:
        return self.has_ads or self.has_outlook


async def official_demand(session: AsyncSession, occupation_id: int, towns: list[Municipality]) -> OfficialDemand:
    """The official figures for an occupation in each municipality, ranked; empty when no source has any."""
    ads = {row.municipality_id: row for row in await ad_counts(session, occupation_id)}
    judgements = await outlooks(session, occupation_id)
    by_county: dict[str, LabourOutlook] = {}
    national = None
    for row in judgements:
        if row.county is None:
            national = _better(national, row)
        else:
            by_county[row.county] = _better(by_county.get(row.county), row)
    found = OfficialDemand(national=national)
    if ads:
        found.ads_date = max(row.data_date for row in ads.values())
    if judgements:
        found.outlook_date = max(row.data_date for row in judgements)
        found.outlook_round = max(row.round for row in judgements)
    for town in towns:
        county = by_county.get((town.code or "")[:2]) if town.code else None
        found.towns.append(TownDemand(town, ads.get(town.id or 0), county))
    found.towns.sort(key=lambda item: item.rank)
    return found


def _better(current: LabourOutlook | None, other: LabourOutlook) -> LabourOutlook:
    def place(row: LabourOutlook) -> int:
        return PROSPECTS.index(row.prospects) if row.prospects in PROSPECTS else len(PROSPECTS)

    return other if current is None or place(other) < place(current) else current
