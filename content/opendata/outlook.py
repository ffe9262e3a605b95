"""Arbetsförmedlingen's Yrkesbarometer: job prospects per occupation and county, published as an Excel file.

Arbetsförmedlingen publishes no API for it (docs/open-data-sources.md, §3): the file is linked from its
statistics page. `fetch` follows that link (or takes the file itself when the setting points at it); `read_file`
reads a copy on disk. Both give the same rows: for each of the content's occupations, every barometer occupation
whose SSYK groups it shares, in the counties of the content's municipalities and for the whole country.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from content.events_time import swedish_today
from content.files.codes_check import COUNTY_CODES
from content.models import OpenDataSource
from content.opendata.rows import (
    FORECAST_SPELLINGS,
    FORECASTS,
    PROSPECTS,
    Batch,
    Coding,
    FetchError,
    FileFormatError,
    Getter,
    Outlook,
    ssyk_groups,
)

STATISTICS_PAGE = "https://arbetsformedlingen.se/statistik/yrkes--och-kompetensanalyser"
NATIONAL = "nationellt"
REQUIRED = ("omgang", "yb_yrke", "lan_namn", "jobbmojligheter", "ssyk")
MAX_FILE = 50 * 1024 * 1024  # bytes: the published file is a few MB


async def fetch(client: Getter, coding: Coding, url: str = STATISTICS_PAGE) -> Batch:
    """Download the newest Yrkesbarometer (from the statistics page's link, or `url` itself) and read it."""
    body = await client.get_bytes(url)
    file_url = url
    if not zipfile.is_zipfile(io.BytesIO(body)):  # the page that links to the file
        file_url = _file_link(body.decode("utf-8", "replace"), url)
        body = await client.get_bytes(file_url)
    if len(body) > MAX_FILE:
        raise FetchError(f"{file_url} is larger than {MAX_FILE // 1024 // 1024} MB; is it the Yrkesbarometer?")
    try:
        batch = read(body, coding, source_url=file_url, via="fetch")
    except FileFormatError as error:
        raise FetchError(f"{file_url}: {error}") from None
    batch.requests = client.requests
    return batch


def read_file(path: Path, coding: Coding) -> Batch:
    """Read a Yrkesbarometer file saved from Arbetsförmedlingen's statistics page."""
    return read(path.read_bytes(), coding, source_url=STATISTICS_PAGE, via="import")


def read(body: bytes, coding: Coding, *, source_url: str, via: str) -> Batch:
    """The rows of a Yrkesbarometer workbook (.xlsx) that concern the content's occupations and counties."""
    from openpyxl import load_workbook  # only the refresh needs it (about 10 MB): not the running service

    try:
        workbook = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise FileFormatError(f"not an Excel workbook ({error})") from None
    try:
        rows, header = _data_sheet(workbook)
        index = {name: header.index(name) for name in header if name}
        wanted_counties = {code[:2] for code in coding.municipalities}
        judged: list[Outlook] = []
        for number, cells in enumerate(rows, start=2):
            record = {name: _cell(cells, position) for name, position in index.items()}
            if not any(record.values()):
                continue
            county = _county(record["lan_namn"], number)
            if county is not None and county not in wanted_counties:
                continue
            groups = ssyk_groups(record["ssyk"])
            for occupation in coding.occupations_of(groups):
                if not record["yb_yrke"] or not record["jobbmojligheter"] or not record["omgang"]:
                    raise FileFormatError(f"row {number}: yb_yrke, jobbmojligheter and omgang must not be empty")
                prospects = record["jobbmojligheter"].lower()
                if prospects not in PROSPECTS:
                    raise FileFormatError(
                        f"row {number}: jobbmojligheter {prospects!r} is none of {', '.join(PROSPECTS)}"
                    )
                forecast = (record.get("prognos") or "").lower() or None
                forecast = FORECAST_SPELLINGS.get(forecast or "", forecast)
                if forecast is not None and forecast not in FORECASTS:
                    raise FileFormatError(f"row {number}: prognos {forecast!r} is none of {', '.join(FORECASTS)}")
                judged.append(
                    Outlook(
                        occupation=occupation,
                        county=county,
                        barometer_occupation=record["yb_yrke"],
                        ssyk=", ".join(groups),
                        prospects=prospects,
                        recruitment=(record.get("rekryteringssituation") or "").lower() or None,
                        forecast=forecast,
                        round=record["omgang"],
                    )
                )
        published = _published(workbook, body)
    finally:
        workbook.close()
    newest = max((row.round for row in judged), default="")  # a workbook may keep earlier editions too: the newest
    found = {(row.occupation, row.county, row.barometer_occupation): row for row in judged if row.round == newest}
    return Batch(OpenDataSource.OUTLOOK, via, source_url, published, list(found.values()))


def _data_sheet(workbook: Any) -> tuple[Any, list[str]]:
    """The rows after the header of the sheet with the published columns (a "barometer" sheet first)."""
    sheets = sorted(workbook.worksheets, key=lambda sheet: "barometer" not in sheet.title.lower())
    best: tuple[str, list[str]] | None = None
    for sheet in sheets:
        rows = sheet.iter_rows(values_only=True)
        header = [str(cell or "").strip().lower() for cell in next(rows, ())]
        missing = [name for name in REQUIRED if name not in header]
        if not missing:
            return rows, header
        if best is None or len(missing) < len(best[1]):
            best = (sheet.title, missing)
    assert best is not None
    raise FileFormatError(
        f"no sheet has the Yrkesbarometer's columns (the sheet {best[0]!r} has no {', '.join(best[1])})"
    )


def _cell(cells: tuple[Any, ...], position: int) -> str:
    value = cells[position] if position < len(cells) else None
    return "" if value is None else str(value).strip()


def _county(name: str, number: int) -> str | None:
    """The county code of a `lan_namn` ("Västerbottens län", "Västerbotten"); None for the whole country."""
    if name.lower() == NATIONAL:
        return None
    plain = name.lower().removesuffix(" län").strip()
    for county, code in COUNTY_CODES.items():
        short = county.lower().removesuffix(" län")
        if plain in {short, short.removesuffix("s")}:
            return code
    raise FileFormatError(f"row {number}: unknown county {name!r} in lan_namn")


def _published(workbook: Any, body: bytes) -> date:
    """The file's own date, when Arbetsförmedlingen's file says one (its document properties); else today.

    openpyxl fills in "now" when a workbook has no properties, so they are read only when the file has them. The
    bot shows the edition (`omgang`), not this date; the admin shows it as the data's date.
    """
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        has_properties = "docProps/core.xml" in archive.namelist()
    stamp = workbook.properties.modified or workbook.properties.created
    return stamp.date() if has_properties and isinstance(stamp, datetime) else swedish_today()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def _file_link(page: str, base: str) -> str:
    """The statistics page's link to the Yrkesbarometer workbook."""
    parser = _Links()
    parser.feed(page)
    for href in parser.links:
        if re.search(r"yrkesbarometer", href, re.IGNORECASE) and re.search(r"\.xlsx(\?|$)", href, re.IGNORECASE):
            return urljoin(base, href)
    raise FetchError(f"{base} links to no Yrkesbarometer file (.xlsx); has the page changed?")
