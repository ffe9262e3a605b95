"""The open-data tests: a database with the starter content, and the agencies' stand-in serving realistic data."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import OpenDataSource as Source
from tests.conftest import DATABASE_KINDS, database_copy
from tests.opendata.standin import BAROMETER_PAGE, AgencyStandIn, ad, barometer_workbook, kolada_value, serving
from vagvisare.http_client import Politeness
from vagvisare.open_data import Endpoints, import_source

SKELLEFTEA, UMEA, KIRUNA, GALLIVARE, STOCKHOLM = "2482", "2480", "2584", "2523", "0180"
QUICK = Politeness(timeout=2.0, retries=2, backoff=0.05, max_wait=5.0, rate=200.0)

BAROMETER_ROWS = [
    {"omgang": "2026-2", "yrkesomrade": "Industriell tillverkning", "yb_yrke": "Svetsare och gasskärare",
     "lan_namn": "Västerbottens län", "jobbmojligheter": "stora", "rekryteringssituation": "brist",
     "prognos": "öka", "ssyk": "7212", "ssyk_text": "Svetsare och gasskärare"},
    {"omgang": "2026-2", "yrkesomrade": "Industriell tillverkning", "yb_yrke": "Svetsare och gasskärare",
     "lan_namn": "Norrbottens län", "jobbmojligheter": "Medelstora", "rekryteringssituation": "balans",
     "prognos": "vara oförändrad", "ssyk": "7212", "ssyk_text": "Svetsare och gasskärare"},
    {"omgang": "2026-2", "yrkesomrade": "Industriell tillverkning", "yb_yrke": "Svetsare och gasskärare",
     "lan_namn": "Stockholms län", "jobbmojligheter": "små", "rekryteringssituation": "överskott",
     "prognos": "minska", "ssyk": "7212", "ssyk_text": "Svetsare och gasskärare"},
    {"omgang": "2026-2", "yrkesomrade": "Industriell tillverkning", "yb_yrke": "Svetsare och gasskärare",
     "lan_namn": "Nationellt", "jobbmojligheter": "medelstora", "rekryteringssituation": "balans",
     "prognos": "öka", "ssyk": "7212", "ssyk_text": "Svetsare och gasskärare"},
    {"omgang": "2026-2", "yrkesomrade": "Hälso- och sjukvård", "yb_yrke": "Grundutbildade sjuksköterskor",
     "lan_namn": "Norrbottens län", "jobbmojligheter": "stora", "rekryteringssituation": "brist",
     "prognos": "öka", "ssyk": "2221", "ssyk_text": "Grundutbildade sjuksköterskor"},
    {"omgang": "2026-2", "yrkesomrade": "Kultur", "yb_yrke": "Skådespelare", "lan_namn": "Nationellt",
     "jobbmojligheter": "små", "rekryteringssituation": "överskott", "prognos": "minska", "ssyk": "2655"},
]  # fmt: skip


def sample_ads() -> list[dict[str, object]]:
    ads = [ad(n, "7212", SKELLEFTEA, f"2026-12-0{1 + n % 3}T08:00:00") for n in range(1, 6)]
    ads += [ad(n, "7212", UMEA) for n in (6, 7)]
    ads += [ad(n, "2221", KIRUNA) for n in (8, 9, 10)] + [ad(11, "2221", GALLIVARE)]
    ads += [ad(12, "5321", UMEA), ad(13, "5323", UMEA)]
    ads += [ad(n, "7212", STOCKHOLM) for n in (14, 15, 16)]  # not a municipality of the content
    return ads


def sample_kolada() -> list[dict[str, object]]:
    return [
        kolada_value("N01951", UMEA, 2024, 130997),
        kolada_value("N01951", UMEA, 2025, 132235),
        kolada_value("N02926", UMEA, 2025, 12.9),
        kolada_value("N03937", UMEA, 2025, 4.6),
        kolada_value("N01951", KIRUNA, 2025, 22351),
        kolada_value("N02926", KIRUNA, 2025, 10.4),
        kolada_value("N03937", KIRUNA, 2025, None),  # not published for that year
        kolada_value("N01951", STOCKHOLM, 2025, 988943),
    ]


async def import_samples(sessions: async_sessionmaker[AsyncSession], tmp_path: Path, *sources: Source) -> None:
    """Import the sample data of `sources` (default: all three) from files in the published formats."""
    files = {
        Source.JOBADS: ("snapshot.json", json.dumps(sample_ads()).encode()),
        Source.OUTLOOK: ("yrkesbarometer.xlsx", barometer_workbook(BAROMETER_ROWS)),
        Source.KOLADA: ("kolada.json", json.dumps({"values": sample_kolada()}).encode()),
    }
    for source in sources or tuple(Source):
        name, body = files[source]
        (tmp_path / name).write_bytes(body)
        await import_source(sessions, source, tmp_path / name)


@pytest.fixture(params=DATABASE_KINDS)
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, starter_template: Path, postgres_starter_template: str | None
) -> AsyncIterator[str]:
    """Open data is read by the starter content's occupations and municipalities."""
    async with database_copy(request.param, tmp_path, starter_template, postgres_starter_template) as url:
        yield url


@pytest.fixture
async def standin() -> AsyncIterator[AgencyStandIn]:
    agency = AgencyStandIn(
        ads=sample_ads(), kolada=sample_kolada(), kolada_page_size=3, barometer=barometer_workbook(BAROMETER_ROWS)
    )
    async with serving(agency):
        yield agency


@pytest.fixture
def endpoints(standin: AgencyStandIn) -> Endpoints:
    return Endpoints(
        jobsearch=standin.base,
        outlook=standin.base + BAROMETER_PAGE,
        kolada=standin.base + "/v3",
        contact="drift@kommun.example",
        politeness=QUICK,
    )
