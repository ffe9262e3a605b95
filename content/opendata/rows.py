"""What a source gives, before it is stored: rows keyed by the content's own occupations and official codes."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import Municipality, Occupation, OpenDataSource

# The Yrkesbarometer's values (docs/open-data-sources.md, §3), best first. An older spelling is read as the newer.
PROSPECTS = ("stora", "medelstora", "små")
FORECASTS = ("öka", "vara oförändrad", "minska")
FORECAST_SPELLINGS = {"oförändrad": "vara oförändrad"}


class FetchError(Exception):
    """A source could not be read over HTTP; the message says what happened, without secrets."""


class Getter(Protocol):
    """What the source modules need of an HTTP client (vagvisare/http_client.py): content/ imports no aiohttp."""

    requests: int

    async def get_json(self, url: str, params: Params = None) -> Any: ...

    async def get_bytes(self, url: str, params: Params = None, *, accept: str = "*/*") -> bytes: ...


Params = Sequence[tuple[str, str | int]] | Mapping[str, str | int] | None


class FileFormatError(ValueError):
    """A file or an answer is not shaped as the agency publishes it; the message says what is wrong."""


@dataclass(frozen=True)
class AdCount:
    """Open job ads for one of the content's occupations in one municipality."""

    occupation: str  # the occupation's slug
    municipality: str  # the municipality code (kommunkod)
    ads: int
    newest: tuple[tuple[str, str], ...] = ()  # (url, headline) of up to three of the newest ads


@dataclass(frozen=True)
class Outlook:
    """Arbetsförmedlingen's judgement of one barometer occupation in one county, for one of the occupations."""

    occupation: str
    county: str | None  # the county code (länskod); None: the whole country
    barometer_occupation: str
    ssyk: str
    prospects: str
    recruitment: str | None
    forecast: str | None
    round: str


@dataclass(frozen=True)
class Figure:
    """One key figure of one municipality for one year."""

    municipality: str  # the municipality code
    kpi: str
    year: int
    value: float


Row = AdCount | Outlook | Figure


@dataclass
class Batch:
    """Everything one fetch or one file gave for a source: stored whole, or not at all."""

    source: OpenDataSource
    via: str  # "fetch" or "import"
    source_url: str
    data_date: date
    rows: Sequence[Row] = field(default_factory=list)
    requests: int = 0  # HTTP requests it took (0 for a file)


@dataclass(frozen=True)
class Coding:
    """The content's occupations (slug: SSYK groups) and municipalities (code: slug), which the sources are read by."""

    occupations: dict[str, frozenset[str]]
    municipalities: dict[str, str]

    def occupations_of(self, groups: str | list[str]) -> list[str]:
        """The content's occupations that cover any of the SSYK groups ("5321, 5323" or a list)."""
        wanted = set(ssyk_groups(groups) if isinstance(groups, str) else groups)
        return [slug for slug, own in self.occupations.items() if own & wanted]

    @property
    def all_groups(self) -> list[str]:
        return sorted({group for groups in self.occupations.values() for group in groups})


def ssyk_groups(value: str | None) -> list[str]:
    """The four-digit groups in a list as the content files and the Yrkesbarometer write them ("8331, 8332")."""
    return [group for group in re.split(r"[^0-9]+", value or "") if re.fullmatch(r"[0-9]{4}", group)]


async def read_coding(sessions: async_sessionmaker[AsyncSession]) -> Coding:
    """The occupations with SSYK groups and the municipalities with codes, as the content has them now."""
    async with sessions() as session:
        occupations = {
            row.slug: frozenset(ssyk_groups(row.ssyk)) for row in (await session.exec(select(Occupation))).all()
        }
        municipalities = {
            row.code: row.slug for row in (await session.exec(select(Municipality))).all() if row.code is not None
        }
    return Coding({slug: groups for slug, groups in occupations.items() if groups}, municipalities)
