"""`data import`: the same tables from the files the agencies publish, for installations without internet access;
a file that is not what it should be is refused with a clear reason and changes nothing."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import DataSourceStatus, JobAdCount, KeyFigure, LabourOutlook
from content.models import OpenDataSource as Source
from tests.opendata.conftest import BAROMETER_ROWS, sample_ads, sample_kolada
from tests.opendata.standin import barometer_workbook
from vagvisare.open_data import SourceError, import_source

Sessions = async_sessionmaker[AsyncSession]


async def _count(sessions: Sessions, table: type) -> dict[int, int]:
    async with sessions() as session:
        rows = (await session.exec(select(table))).all()
    return {row.id: getattr(row, "ads", 0) for row in rows}


@pytest.mark.parametrize("shape", ["array", "lines", "zip"])
async def test_a_jobstream_snapshot_is_counted_like_the_api(sessions: Sessions, tmp_path: Path, shape: str) -> None:
    ads = sample_ads()
    path = tmp_path / "snapshot.json"
    if shape == "lines":
        path = tmp_path / "snapshot.jsonl"
        path.write_text("\n".join(json.dumps(ad) for ad in ads))
    else:
        path.write_text(json.dumps(ads))
    if shape == "zip":
        with zipfile.ZipFile(tmp_path / "snapshot.zip", "w") as archive:
            archive.write(path, "2026-12-03.json")
        path = tmp_path / "snapshot.zip"
    outcome = await import_source(sessions, Source.JOBADS, path)
    assert (outcome.status.rows, outcome.status.via) == (425, "import")
    assert outcome.status.data_date == date(2026, 12, 3)  # the newest ad's publication date
    assert sorted((await _count(sessions, JobAdCount)).values(), reverse=True)[:4] == [5, 3, 2, 2]
    async with sessions() as session:
        row = (await session.exec(select(JobAdCount).where(JobAdCount.ads == 5))).one()
    assert row.source_url == "https://jobstream.api.jobtechdev.se/snapshot"
    assert [link["url"] for link in row.newest] == [
        "https://arbetsformedlingen.se/platsbanken/annonser/5",
        "https://arbetsformedlingen.se/platsbanken/annonser/2",
        "https://arbetsformedlingen.se/platsbanken/annonser/4",
    ]  # the newest first (published on the 3rd, the 3rd, the 2nd)


async def test_the_yrkesbarometer_workbook_is_imported(sessions: Sessions, tmp_path: Path) -> None:
    path = tmp_path / "yrkesbarometer.xlsx"
    path.write_bytes(barometer_workbook(BAROMETER_ROWS))
    outcome = await import_source(sessions, Source.OUTLOOK, path)
    assert outcome.status.rows == 4
    async with sessions() as session:
        counties = sorted(str(row.county) for row in (await session.exec(select(LabourOutlook))).all())
    assert counties == ["24", "25", "25", "None"]


async def test_kolada_answers_saved_as_a_file_are_imported(sessions: Sessions, tmp_path: Path) -> None:
    path = tmp_path / "kolada.json"
    values = sample_kolada()
    path.write_text(json.dumps([{"values": values[:4], "next_url": "…"}, {"values": values[4:], "next_url": None}]))
    outcome = await import_source(sessions, Source.KOLADA, path)
    assert outcome.status.rows == 6
    assert len(await _count(sessions, KeyFigure)) == 6


@pytest.mark.parametrize(
    ("source", "name", "body", "reason"),
    [
        (Source.JOBADS, "snapshot.json", b'[{"id": "1", "headline": "half', "not valid JSON"),
        (Source.JOBADS, "snapshot.json", b"[1, 2, 3]", "not a list of job ads"),
        (Source.JOBADS, "snapshot.json", b"[]", "no open ad for the content"),
        (Source.OUTLOOK, "yrkesbarometer.xlsx", b"PK\x03\x04 broken", "not an Excel workbook"),
        (Source.OUTLOOK, "yrkesbarometer.csv", b"omgang;yb_yrke\n2026-2;Svetsare\n", "not an Excel workbook"),
        (Source.KOLADA, "kolada.json", b'{"values": [{"kpi": "N01951"', "not valid JSON"),
        (Source.KOLADA, "kolada.json", b'{"count": 0}', "no list of values"),
    ],
)
async def test_a_broken_file_is_refused_and_changes_nothing(
    sessions: Sessions, tmp_path: Path, source: Source, name: str, body: bytes, reason: str
) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(sample_ads()))
    await import_source(sessions, Source.JOBADS, good)
    before = await _count(sessions, JobAdCount)
    bad = tmp_path / name
    bad.write_bytes(body)
    with pytest.raises(SourceError, match=reason):
        await import_source(sessions, source, bad)
    assert await _count(sessions, JobAdCount) == before
    async with sessions() as session:
        status = await session.get(DataSourceStatus, source.value)
    assert status is not None
    assert reason in (status.error or "")


async def test_a_workbook_without_the_published_columns_names_what_is_missing(
    sessions: Sessions, tmp_path: Path
) -> None:
    path = tmp_path / "other.xlsx"
    path.write_bytes(barometer_workbook([{"omgang": "2026-2"}], sheet="Blad1"))
    from openpyxl import load_workbook

    book = load_workbook(path)
    book["Blad1"].delete_cols(3)  # yb_yrke
    book.save(path)
    with pytest.raises(SourceError, match="the sheet 'Blad1' has no yb_yrke"):
        await import_source(sessions, Source.OUTLOOK, path)


async def test_a_workbook_with_an_unknown_county_is_refused(sessions: Sessions, tmp_path: Path) -> None:
    path = tmp_path / "yrkesbarometer.xlsx"
    path.write_bytes(barometer_workbook([{**BAROMETER_ROWS[0], "lan_namn": "Lappland"}]))
    with pytest.raises(SourceError, match="unknown county 'Lappland'"):
        await import_source(sessions, Source.OUTLOOK, path)
