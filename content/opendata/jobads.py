"""Open job ads per occupation and municipality: JobTech's JobSearch API, or a JobStream snapshot file.

JobSearch (docs/open-data-sources.md, §1) answers one request per occupation: the ads open now in the content's
municipalities for the occupation's SSYK groups (values of one filter are OR-ed), with `stats=municipality` for the
count per municipality and the newest ads for links a person can open. A JobStream snapshot (every open ad, one
JSON array) is counted the same way, for installations that download it instead.
"""

from __future__ import annotations

import zipfile
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import IO, Any

from content.events_time import swedish_today
from content.models import OpenDataSource
from content.opendata.rows import AdCount, Batch, Coding, FileFormatError, Getter

JOBSEARCH_API = "https://jobsearch.api.jobtechdev.se"
SNAPSHOT = "https://jobstream.api.jobtechdev.se/snapshot"
TOWNS_PER_REQUEST = 25  # `stats.limit` is at most 30: one request counts up to 25 municipalities
NEWEST = 3  # ad links kept per occupation and municipality
HITS = 100  # ads per request (JobSearch's largest page), to find the newest ones per municipality


async def fetch(client: Getter, coding: Coding, base: str = JOBSEARCH_API) -> Batch:
    """Count the open ads of every occupation in every municipality of the content."""
    url = base.rstrip("/") + "/search"
    codes = sorted(coding.municipalities)
    rows: list[AdCount] = []
    for occupation, groups in sorted(coding.occupations.items()):
        for start in range(0, len(codes), TOWNS_PER_REQUEST):
            towns = codes[start : start + TOWNS_PER_REQUEST]
            params: list[tuple[str, str | int]] = [("occupation-group", group) for group in sorted(groups)]
            params += [("municipality", code) for code in towns]
            params += [("limit", HITS), ("offset", 0), ("sort", "pubdate-desc")]
            params += [("stats", "municipality"), ("stats.limit", len(towns))]
            answer = await client.get_json(url, params)
            counts, newest = _read_answer(answer, set(towns))
            rows += [AdCount(occupation, code, counts[code], tuple(newest[code])) for code in towns]
    return Batch(OpenDataSource.JOBADS, "fetch", url, swedish_today(), list(rows), requests=client.requests)


def _read_answer(answer: Any, towns: set[str]) -> tuple[Counter[str], dict[str, list[tuple[str, str]]]]:
    """The count per municipality (from `stats`) and the newest ads (from `hits`) of one JobSearch answer."""
    if not isinstance(answer, dict) or not isinstance(answer.get("hits"), list):
        raise FileFormatError("the JobSearch answer has no list of hits")
    counts = _counts(answer, towns)
    newest: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for ad in answer["hits"]:
        code = _municipality(ad)
        link = _field(ad, "webpage_url")
        if code in towns and link.startswith("https://") and len(newest[code]) < NEWEST:
            newest[code].append((link, _field(ad, "headline")[:120]))
    return counts, newest


def _counts(answer: dict[str, Any], towns: set[str]) -> Counter[str]:
    """The ads per municipality from `stats`, which must add up to the answer's `total`: a reading of the stats
    that finds nothing (another field name, say) is an error, never a row of zeros."""
    stats = answer.get("stats")
    if not isinstance(stats, list):
        raise FileFormatError("the JobSearch answer has no stats (asked for stats=municipality)")
    counts: Counter[str] = Counter()
    for block in stats:
        if not isinstance(block, dict) or block.get("type") != "municipality":
            continue
        values = block.get("values") or []
        if not isinstance(values, list):
            raise FileFormatError("the JobSearch stats for municipalities are not a list")
        for value in values:
            code, count = _field(value, "code"), value.get("count") if isinstance(value, dict) else None
            if not isinstance(count, int) or count < 0:
                raise FileFormatError(f"the JobSearch stats give no count for municipality {code!r}")
            if code not in towns:
                raise FileFormatError(f"the JobSearch stats name a municipality that was not asked for: {code!r}")
            counts[code] = count
    total = answer["total"].get("value") if isinstance(answer.get("total"), dict) else None
    if not isinstance(total, int):
        raise FileFormatError("the JobSearch answer has no total")
    if sum(counts.values()) != total:
        raise FileFormatError(f"the JobSearch stats count {sum(counts.values())} ads, the answer's total is {total}")
    return counts


def read_file(path: Path, coding: Coding) -> Batch:
    """Count a JobStream snapshot (a JSON array of ads, as downloaded, or zipped; or JSON lines)."""
    import ijson  # streams the array: a snapshot holds every open ad in Sweden, hundreds of MB

    wanted = set(coding.all_groups)
    counts: Counter[tuple[str, str]] = Counter()
    newest: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
    latest: date | None = None
    with _open(path) as stream:
        try:
            for ad in _ads(stream, path, ijson):
                group = _field(ad.get("occupation_group"), "legacy_ams_taxonomy_id")
                code = _municipality(ad)
                if group not in wanted or code not in coding.municipalities:
                    continue
                counts[(group, code)] += 1
                published = _field(ad, "publication_date")[:10]
                link = _field(ad, "webpage_url")
                if link.startswith("https://"):
                    newest[(group, code)].append((published, link, _field(ad, "headline")[:120]))
                day = _date(published)
                if day is not None:  # an ad without a readable date says nothing of the snapshot's date
                    latest = max(latest, day) if latest else day
        except ijson.JSONError as error:
            raise FileFormatError(f"{path.name} is not valid JSON ({error})") from None
    if not counts:
        raise FileFormatError(f"{path.name} has no open ad for the content's occupations and municipalities")
    if latest is None:
        raise FileFormatError(f"{path.name}: no ad has a readable publication_date, so the data's date is unknown")
    rows = []
    for occupation, groups in sorted(coding.occupations.items()):
        for code in sorted(coding.municipalities):
            ads = sum(counts[(group, code)] for group in groups)
            links = sorted((item for group in groups for item in newest[(group, code)]), reverse=True)[:NEWEST]
            rows.append(AdCount(occupation, code, ads, tuple((link, title) for _, link, title in links)))
    return Batch(OpenDataSource.JOBADS, "import", SNAPSHOT, latest, list(rows))


@contextmanager
def _open(path: Path) -> Iterator[IO[bytes]]:
    """The file, or the first .json/.jsonl file in it when it is a zip; a damaged zip is a FileFormatError."""
    if not zipfile.is_zipfile(path):
        with path.open("rb") as stream:
            yield stream
        return
    try:
        with zipfile.ZipFile(path) as archive:
            names = [name for name in archive.namelist() if name.endswith((".json", ".jsonl"))]
            if not names:
                raise FileFormatError(f"{path.name} holds no .json or .jsonl file")
            with archive.open(names[0]) as stream:
                yield stream
    except (zipfile.BadZipFile, EOFError, zlib.error) as error:
        raise FileFormatError(f"{path.name} is a damaged zip file ({error})") from None


def _ads(stream: IO[bytes], path: Path, ijson: Any) -> Iterator[dict[str, Any]]:
    """Each ad of a JSON array, or of JSON lines (one ad per line)."""
    head = stream.peek(256).lstrip() if hasattr(stream, "peek") else b"["
    prefix = "item" if head.startswith(b"[") else ""
    for ad in ijson.items(stream, prefix, multiple_values=True):
        if not isinstance(ad, dict):
            raise FileFormatError(f"{path.name} is not a list of job ads")
        yield ad


def _municipality(ad: Any) -> str:
    return _field(ad.get("workplace_address") if isinstance(ad, dict) else None, "municipality_code")


def _field(record: Any, name: str) -> str:
    value = record.get(name) if isinstance(record, dict) else None
    return str(value).strip() if value is not None else ""


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
