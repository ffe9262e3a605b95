"""The municipalities' key figures from Kolada (RKA): a few facts a newcomer weighs when choosing a town.

Kolada v3 (docs/open-data-sources.md, §4): `/data/kpi/<ids>/municipality/<codes>/year/<years>`, at most 25 ids in
a path segment, 5000 values a page, the next page at `next_url`. A fetch first reads each key figure's title from
`/kpi/<ids>` and refuses to store a figure whose title is not what it is shown as: a wrong id must never put a
wrong number on a municipality card.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from content.events_time import swedish_today
from content.models import OpenDataSource
from content.opendata.rows import Batch, Coding, FetchError, Figure, FileFormatError, Getter

KOLADA_API = "https://api.kolada.se/v3"
PER_SEGMENT = 25  # ids Kolada takes in one path segment
YEARS = 5  # years asked for, this one and the four before: the newest with a value is shown
MAX_PAGES = 200


@dataclass(frozen=True)
class KeyFigureKind:
    """A key figure shown on the municipality cards, and the words its Kolada title must contain."""

    kpi: str
    name: str  # what it is, in Swedish, for the admin
    title_words: tuple[tuple[str, ...], ...]  # every group needs one of its words in the title (lower case)
    unit: str  # "count" or "percent"


# Why these (docs/open-data.md): how big the town is, whether people from abroad already live there, and how hard
# work is to find. Distance to a larger town has no key figure in Kolada; the "Getting there" section says it.
KEY_FIGURES = (
    KeyFigureKind("N01951", "Invånare totalt, antal", (("invånare",),), "count"),
    KeyFigureKind("N02926", "Födda utomlands, andel (%)", (("född", "födda"), ("utrikes", "utomlands")), "percent"),
    KeyFigureKind("N03937", "Öppet arbetslösa, andel av befolkningen (%)", (("arbetslös",),), "percent"),
)
BY_KPI = {kind.kpi: kind for kind in KEY_FIGURES}


async def fetch(client: Getter, coding: Coding, base: str = KOLADA_API) -> Batch:
    """The key figures of the content's municipalities for the last years."""
    base = base.rstrip("/")
    await _check_titles(client, base)
    kpis = ",".join(kind.kpi for kind in KEY_FIGURES)
    this_year = swedish_today().year
    years = ",".join(str(year) for year in range(this_year - YEARS + 1, this_year + 1))
    codes = sorted(coding.municipalities)
    rows: list[Figure] = []
    first_url = f"{base}/data/kpi/{kpis}/municipality/"
    for start in range(0, len(codes), PER_SEGMENT):
        url: str | None = first_url + ",".join(codes[start : start + PER_SEGMENT]) + f"/year/{years}"
        pages = 0
        while url is not None:
            if pages == MAX_PAGES:
                raise FetchError(f"{first_url}…: more than {MAX_PAGES} pages; stopped")
            page = await client.get_json(url)
            rows += _values(page, coding)
            url, pages = _next(page), pages + 1
    return Batch(OpenDataSource.KOLADA, "fetch", f"{base}/data/kpi/{kpis}", swedish_today(), rows, client.requests)


def read_file(path: Path, coding: Coding) -> Batch:
    """Kolada's answer saved as a file (one page, or a list of pages): `curl .../v3/data/kpi/... > file.json`."""
    try:
        document = json.loads(path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FileFormatError(f"{path.name} is not valid JSON ({error})") from None
    pages = document if isinstance(document, list) else [document]
    rows = [row for page in pages for row in _values(page, coding)]
    return Batch(OpenDataSource.KOLADA, "import", KOLADA_API + "/data/kpi", swedish_today(), rows)


async def _check_titles(client: Getter, base: str) -> None:
    answer = await client.get_json(f"{base}/kpi/{','.join(kind.kpi for kind in KEY_FIGURES)}")
    titles = {
        str(item.get("id")): str(item.get("title") or "")
        for item in (answer.get("values") or [] if isinstance(answer, dict) else [])
        if isinstance(item, dict)
    }
    for kind in KEY_FIGURES:
        title = titles.get(kind.kpi)
        if title is None:
            raise FetchError(f"Kolada knows no key figure {kind.kpi}; check content/opendata/kolada.py")
        if not all(any(word in title.lower() for word in group) for group in kind.title_words):
            raise FetchError(f"Kolada's {kind.kpi} is titled {title!r}, not what the cards show it as; not stored")


def _values(page: Any, coding: Coding) -> list[Figure]:
    if not isinstance(page, dict) or not isinstance(page.get("values"), list):
        raise FileFormatError("a Kolada answer has no list of values")
    rows = []
    for item in page["values"]:
        if not isinstance(item, dict):
            raise FileFormatError("a Kolada value is not an object")
        kpi, town, period = str(item.get("kpi", "")), str(item.get("municipality", "")), item.get("period")
        if kpi not in BY_KPI or town not in coding.municipalities:
            continue
        try:
            year = int(period)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise FileFormatError(f"a Kolada value of {kpi} for {town} has no year: {period!r}") from None
        total = next(
            (entry for entry in item.get("values") or [] if isinstance(entry, dict) and entry.get("gender") == "T"),
            None,
        )
        if total is None or total.get("value") is None or total.get("isdeleted") or total.get("is_deleted"):
            continue  # no figure for both sexes together, or not published for that year
        try:
            value = float(total["value"])
        except (TypeError, ValueError):
            raise FileFormatError(f"a Kolada value of {kpi} for {town} in {year} is not a number") from None
        rows.append(Figure(town, kpi, year, value))
    return rows


def _next(page: dict[str, Any]) -> str | None:
    link = page.get("next_url") or page.get("next_page")  # v3; v2 called it next_page
    return str(link) if link else None
