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
from tests.opendata.conftest import BAROMETER_ROWS, import_samples, sample_ads, sample_kolada
from tests.opendata.standin import barometer_workbook
from vagvisare.open_data import SourceError, import_source

Sessions = async_sessionmaker[AsyncSession]


async def _count(sessions: Sessions, table: type) -> dict[int, int]:
    async with sessions() as session:
        rows = (await session.exec(select(table))).all()
    return {row.id: getattr(row, "ads", 0) for row in rows}


async def _everything(sessions: Sessions) -> list[tuple[object, ...]]:
    """Every official row, as it would be shown: to compare before and after a refused file."""
    async with sessions() as session:
        ads = [(r.occupation_id, r.municipality_id, r.ads) for r in (await session.exec(select(JobAdCount))).all()]
        looks = [
            (r.occupation_id, r.county, r.prospects, r.round) for r in (await session.exec(select(LabourOutlook))).all()
        ]
        figures = [(r.municipality_id, r.kpi, r.year, r.value) for r in (await session.exec(select(KeyFigure))).all()]
    return sorted(ads) + sorted(looks, key=str) + sorted(figures)


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
    await import_samples(sessions, tmp_path)
    before = await _everything(sessions)
    bad = tmp_path / name
    bad.write_bytes(body)
    with pytest.raises(SourceError, match=reason):
        await import_source(sessions, source, bad)
    assert await _everything(sessions) == before
    async with sessions() as session:
        status = await session.get(DataSourceStatus, source.value)
    assert status is not None
    assert reason in (status.error or "")
    assert status.via == "import"  # still how the last success came


async def test_a_damaged_zip_is_refused_with_a_reason(sessions: Sessions, tmp_path: Path) -> None:
    path = tmp_path / "snapshot.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("2026-12-03.json", json.dumps(sample_ads()))
    data = bytearray(path.read_bytes())
    data[60:80] = b"x" * 20  # inside the member: its checksum no longer holds
    path.write_bytes(bytes(data))
    with pytest.raises(SourceError, match="is a damaged zip file"):
        await import_source(sessions, Source.JOBADS, path)


async def test_a_snapshot_whose_dates_cannot_be_read_does_not_pass_for_today(
    sessions: Sessions, tmp_path: Path
) -> None:
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps([{**ad, "publication_date": "n/a"} for ad in sample_ads()]))
    with pytest.raises(SourceError, match="no ad has a readable publication_date"):
        await import_source(sessions, Source.JOBADS, path)


async def test_the_yrkesbarometer_keeps_only_its_newest_edition_and_refuses_unknown_values(
    sessions: Sessions, tmp_path: Path
) -> None:
    older = {**BAROMETER_ROWS[0], "omgang": "2026-1", "jobbmojligheter": "små"}
    spelled = {**BAROMETER_ROWS[1], "prognos": "oförändrad"}  # the older spelling of "vara oförändrad"
    path = tmp_path / "yrkesbarometer.xlsx"
    path.write_bytes(barometer_workbook([older, BAROMETER_ROWS[0], spelled, *BAROMETER_ROWS[2:]]))
    await import_source(sessions, Source.OUTLOOK, path)
    async with sessions() as session:
        rows = (await session.exec(select(LabourOutlook))).all()
    assert {row.round for row in rows} == {"2026-2"}
    assert {row.forecast for row in rows if row.county == "25"} >= {"vara oförändrad"}
    path.write_bytes(barometer_workbook([{**BAROMETER_ROWS[0], "jobbmojligheter": "mycket stora"}]))
    with pytest.raises(SourceError, match="jobbmojligheter 'mycket stora' is none of stora, medelstora, små"):
        await import_source(sessions, Source.OUTLOOK, path)


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
