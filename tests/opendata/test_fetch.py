"""`data fetch` over real HTTP against the agencies' stand-in: every row dated and sourced, and a fetch that
fails (429, 5xx, a timeout, malformed JSON, a wrong key figure) stores nothing and keeps what was there."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from content.events_time import swedish_today
from content.models import DataSourceStatus, JobAdCount, KeyFigure, LabourOutlook, Municipality, Occupation
from content.models import OpenDataSource as Source
from tests.opendata.conftest import KIRUNA, SKELLEFTEA, UMEA
from tests.opendata.standin import AgencyStandIn
from vagvisare.open_data import Endpoints, SourceError, fetch_source

Sessions = async_sessionmaker[AsyncSession]


async def _ads(sessions: Sessions) -> dict[tuple[str, str], JobAdCount]:
    async with sessions() as session:
        towns = {row.id: row.code for row in (await session.exec(select(Municipality))).all()}
        jobs = {row.id: row.slug for row in (await session.exec(select(Occupation))).all()}
        return {
            (jobs[row.occupation_id], towns[row.municipality_id]): row
            for row in (await session.exec(select(JobAdCount))).all()
        }


async def _rows(sessions: Sessions, table: type) -> list:  # type: ignore[type-arg]
    async with sessions() as session:
        return list((await session.exec(select(table))).all())


async def _status(sessions: Sessions, source: Source) -> DataSourceStatus:
    async with sessions() as session:
        status = await session.get(DataSourceStatus, source.value)
    assert status is not None
    return status


async def test_job_ads_are_counted_per_occupation_and_municipality_with_links_source_and_date(
    sessions: Sessions, standin: AgencyStandIn, endpoints: Endpoints
) -> None:
    outcome = await fetch_source(sessions, Source.JOBADS, endpoints)
    ads = await _ads(sessions)
    assert len(ads) == 17 * 25  # every occupation of the content in every municipality, none elsewhere
    assert ads[("svetsare", SKELLEFTEA)].ads == 5
    assert ads[("svetsare", UMEA)].ads == 2
    assert ads[("svetsare", KIRUNA)].ads == 0  # a count of none is a figure too
    assert ads[("underskoterska", UMEA)].ads == 2  # its two SSYK groups together
    assert ads[("sjukskoterska", KIRUNA)].ads == 3
    newest = ads[("svetsare", SKELLEFTEA)].newest
    assert len(newest) == 3
    assert all(link["url"].startswith("https://arbetsformedlingen.se/platsbanken/annonser/") for link in newest)
    row = ads[("svetsare", SKELLEFTEA)]
    assert (row.source_url, row.data_date) == (standin.base + "/search", swedish_today())
    assert row.fetched_at is not None
    assert outcome.requests == 17  # one request per occupation: 25 municipalities fit in one
    status = await _status(sessions, Source.JOBADS)
    assert (status.rows, status.rows_changed, status.error, status.via) == (425, 425, None, "fetch")
    query = standin.requests("/search")[0]
    assert "stats=municipality" in query
    assert query.count("municipality=") == 25
    agent = standin.seen[0][2]["User-Agent"]
    assert agent.startswith("Vagvisare/")
    assert "drift@kommun.example" in agent


async def test_a_second_fetch_counts_only_what_changed(
    sessions: Sessions, standin: AgencyStandIn, endpoints: Endpoints
) -> None:
    await fetch_source(sessions, Source.JOBADS, endpoints)
    standin.ads = standin.ads[1:]  # one welder's ad in Skellefteå closed
    await fetch_source(sessions, Source.JOBADS, endpoints)
    assert (await _status(sessions, Source.JOBADS)).rows_changed == 1
    assert (await _ads(sessions))[("svetsare", SKELLEFTEA)].ads == 4


async def test_the_api_key_is_sent_when_set(standin: AgencyStandIn, endpoints: Endpoints, sessions: Sessions) -> None:
    await fetch_source(sessions, Source.JOBADS, dataclasses.replace(endpoints, jobsearch_key="k-123"))
    assert standin.seen[0][2]["api-key"] == "k-123"


async def test_a_429_is_waited_out_as_retry_after_asks_then_retried(
    sessions: Sessions, standin: AgencyStandIn, endpoints: Endpoints
) -> None:
    standin.fail("/search", 429)
    began = time.monotonic()
    await fetch_source(sessions, Source.JOBADS, endpoints)
    assert time.monotonic() - began >= 1.0  # Retry-After: 1
    assert len(standin.requests("/search")) == 18
    assert len(await _ads(sessions)) == 425


async def test_server_errors_are_retried_with_backoff(
    sessions: Sessions, standin: AgencyStandIn, endpoints: Endpoints
) -> None:
    standin.fail("/search", 503, 502)
    await fetch_source(sessions, Source.JOBADS, endpoints)
    assert len(standin.requests("/search")) == 19
    assert (await _status(sessions, Source.JOBADS)).error is None


async def test_a_source_that_keeps_failing_keeps_what_was_stored_and_says_why(
    sessions: Sessions, standin: AgencyStandIn, endpoints: Endpoints
) -> None:
    await fetch_source(sessions, Source.JOBADS, endpoints)
    before = {key: row.ads for key, row in (await _ads(sessions)).items()}
    standin.ads = []
    standin.fail("/search", None, None, None, None, 500, 500, 500)  # five occupations answer, then errors
    with pytest.raises(SourceError, match="HTTP 500 after 3 attempts"):
        await fetch_source(sessions, Source.JOBADS, endpoints)
    assert {key: row.ads for key, row in (await _ads(sessions)).items()} == before
    status = await _status(sessions, Source.JOBADS)
    assert "HTTP 500" in (status.error or "")
    assert status.last_success_at is not None
    assert status.last_attempt_at > status.last_success_at


async def _counts(sessions: Sessions) -> dict[tuple[str, str], int]:
    return {key: row.ads for key, row in (await _ads(sessions)).items()}


async def test_a_timeout_is_retried_then_reported_and_changes_nothing(
    sessions: Sessions, standin: AgencyStandIn, endpoints: Endpoints
) -> None:
    await fetch_source(sessions, Source.JOBADS, endpoints)
    before = await _counts(sessions)
    standin.ads = standin.ads[:3]
    quick = dataclasses.replace(endpoints, politeness=dataclasses.replace(endpoints.politeness, timeout=0.3))
    standin.fail("/search", None, "hang", "hang", "hang")
    with pytest.raises(SourceError, match="no answer in time"):
        await fetch_source(sessions, Source.JOBADS, quick)
    assert await _counts(sessions) == before


async def test_malformed_json_is_a_clear_error_and_changes_nothing(
    sessions: Sessions, standin: AgencyStandIn, endpoints: Endpoints
) -> None:
    await fetch_source(sessions, Source.JOBADS, endpoints)
    before = await _counts(sessions)
    standin.ads = standin.ads[:3]
    standin.fail("/search", None, "malformed")
    with pytest.raises(SourceError, match="did not answer with valid JSON"):
        await fetch_source(sessions, Source.JOBADS, endpoints)
    assert await _counts(sessions) == before


async def test_stats_that_cannot_be_read_are_refused_never_stored_as_zeros(
    sessions: Sessions, standin: AgencyStandIn, endpoints: Endpoints
) -> None:
    standin.stats_codes = False  # the counts come without the municipality code the fetch reads them by
    with pytest.raises(SourceError, match="the JobSearch stats name a municipality that was not asked for: ''"):
        await fetch_source(sessions, Source.JOBADS, endpoints)
    assert await _rows(sessions, JobAdCount) == []


async def test_two_fetches_of_one_source_at_once_store_it_once(
    sessions: Sessions, standin: AgencyStandIn, endpoints: Endpoints
) -> None:
    await asyncio.gather(*(fetch_source(sessions, Source.KOLADA, endpoints) for _ in range(3)))
    rows = await _rows(sessions, KeyFigure)
    assert len(rows) == 6  # not 12 or 18: each store waits for the one before, then replaces its rows
    assert (await _status(sessions, Source.KOLADA)).rows_changed == 0  # the last one found nothing new


async def test_a_retry_after_longer_than_the_limit_fails_at_once(
    sessions: Sessions, standin: AgencyStandIn, endpoints: Endpoints
) -> None:
    standin.fail("/search", (429, "3600"))
    began = time.monotonic()
    with pytest.raises(SourceError, match="asked to wait 3600 s"):
        await fetch_source(sessions, Source.JOBADS, endpoints)
    assert time.monotonic() - began < 2


async def test_a_retry_after_given_as_an_http_date_is_honoured(
    sessions: Sessions, standin: AgencyStandIn, endpoints: Endpoints
) -> None:
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=2), usegmt=True)
    standin.fail("/search", (429, soon))
    began = time.monotonic()
    await fetch_source(sessions, Source.JOBADS, endpoints)
    assert time.monotonic() - began >= 1.0  # waited for the date (to the second)


async def test_the_api_key_never_follows_a_redirect(
    sessions: Sessions, standin: AgencyStandIn, endpoints: Endpoints
) -> None:
    moved = dataclasses.replace(endpoints, jobsearch=standin.base + "/moved", jobsearch_key="k-123")
    with pytest.raises(SourceError, match="answered HTTP 302"):
        await fetch_source(sessions, Source.JOBADS, moved)
    assert not standin.requests("/search")  # the redirect was not followed, so the key went nowhere else


async def test_key_figures_follow_every_page_and_keep_both_sexes_totals(
    sessions: Sessions, standin: AgencyStandIn, endpoints: Endpoints
) -> None:
    outcome = await fetch_source(sessions, Source.KOLADA, endpoints)
    async with sessions() as session:
        codes = {row.id: row.code for row in (await session.exec(select(Municipality))).all()}
    figures = {(codes[row.municipality_id], row.kpi, row.year): row.value for row in await _rows(sessions, KeyFigure)}
    assert figures[(UMEA, "N01951", 2025)] == 132235.0
    assert figures[(KIRUNA, "N01951", 2025)] == 22351.0
    assert (KIRUNA, "N03937", 2025) not in figures  # not published for that year
    assert len(await _rows(sessions, KeyFigure)) == 6  # Stockholm is not in the content; Kiruna's None is left out
    assert outcome.requests == 1 + 3  # the titles, then three pages of three values
    pages = standin.requests("/v3/data")
    assert pages[1:] == ["page=2&per_page=3", "page=3&per_page=3"]
    assert all(row.source_url.endswith("/v3/data/kpi/N01951,N02926,N03937") for row in await _rows(sessions, KeyFigure))


async def test_a_malformed_last_page_stores_none_of_the_pages_before_it(
    sessions: Sessions, standin: AgencyStandIn, endpoints: Endpoints
) -> None:
    await fetch_source(sessions, Source.KOLADA, endpoints)
    before = sorted((row.kpi, row.year, row.value) for row in await _rows(sessions, KeyFigure))
    standin.kolada[0] = {**standin.kolada[0], "values": [{"gender": "T", "value": 1.0}]}  # a changed figure
    standin.fail("/v3/data", None, None, "malformed")
    with pytest.raises(SourceError, match="valid JSON"):
        await fetch_source(sessions, Source.KOLADA, endpoints)
    assert sorted((row.kpi, row.year, row.value) for row in await _rows(sessions, KeyFigure)) == before


async def test_a_key_figure_whose_title_is_not_what_the_cards_say_is_refused(
    sessions: Sessions, standin: AgencyStandIn, endpoints: Endpoints
) -> None:
    standin.kolada_titles["N02926"] = "Kvinnors medellivslängd, år"
    with pytest.raises(SourceError, match="N02926 is titled"):
        await fetch_source(sessions, Source.KOLADA, endpoints)
    assert await _rows(sessions, KeyFigure) == []


async def test_an_answer_with_nothing_for_the_content_is_refused_not_stored(
    sessions: Sessions, standin: AgencyStandIn, endpoints: Endpoints
) -> None:
    await fetch_source(sessions, Source.KOLADA, endpoints)
    standin.kolada = []
    with pytest.raises(SourceError, match="gave no rows"):
        await fetch_source(sessions, Source.KOLADA, endpoints)
    assert len(await _rows(sessions, KeyFigure)) == 6


async def test_the_outlook_is_read_from_the_workbook_the_statistics_page_links_to(
    sessions: Sessions, standin: AgencyStandIn, endpoints: Endpoints
) -> None:
    await fetch_source(sessions, Source.OUTLOOK, endpoints)
    rows = {(row.county, row.barometer_occupation): row for row in await _rows(sessions, LabourOutlook)}
    assert set(rows) == {
        ("24", "Svetsare och gasskärare"),
        ("25", "Svetsare och gasskärare"),
        (None, "Svetsare och gasskärare"),
        ("25", "Grundutbildade sjuksköterskor"),
    }  # Stockholm has no municipality in the content; actors are no occupation of it
    welders = rows[("25", "Svetsare och gasskärare")]
    assert (welders.prospects, welders.recruitment, welders.forecast, welders.round) == (
        "medelstora", "balans", "vara oförändrad", "2026-2"
    )  # fmt: skip
    assert welders.source_url.endswith("/yrkesbarometer-2026-2.xlsx")
    assert standin.requests("/statistik")
    assert standin.requests("/download")


async def test_a_statistics_page_without_the_file_is_a_clear_error(
    sessions: Sessions, standin: AgencyStandIn, endpoints: Endpoints
) -> None:
    with pytest.raises(SourceError, match="links to no Yrkesbarometer file"):
        await fetch_source(sessions, Source.OUTLOOK, dataclasses.replace(endpoints, outlook=standin.base + "/search"))
