"""A local stand-in for the agencies' open APIs, answering as their documentation says they answer.

JobTech JobSearch (`/search`: OR-ed filters, `limit`/`offset`, `stats=municipality` with `stats.limit`),
Kolada v3 (`/v3/kpi/<ids>`, `/v3/data/kpi/<ids>/municipality/<ids>/year/<years>`, pages of `per_page` with
`next_url`) and Arbetsförmedlingen's statistics page with its link to the Yrkesbarometer workbook. Faults are
queued per path: `fail("/search", 429, 429)` makes the next two requests to it answer 429.
"""

from __future__ import annotations

import asyncio
import io
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BAROMETER_PAGE = "/statistik/yrkes--och-kompetensanalyser"
BAROMETER_FILE = "/download/18.1234/yrkesbarometer-2026-2.xlsx"
KOLADA_TITLES = {
    "N01951": "Invånare totalt, antal",
    "N02926": "Invånare födda utomlands, andel (%)",
    "N03937": "Öppet arbetslösa av befolkningen, 18-65 år, andel (%)",
}


def ad(number: int, group: str, town: str, published: str = "2026-12-01T08:00:00") -> dict[str, Any]:
    """A job ad shaped as JobSearch's hits and JobStream's snapshot give them (the fields Vägvisare reads)."""
    return {
        "id": str(number),
        "headline": f"Annons {number}",
        "webpage_url": f"https://arbetsformedlingen.se/platsbanken/annonser/{number}",
        "publication_date": published,
        "occupation_group": {"concept_id": f"c{group}", "label": f"Grupp {group}", "legacy_ams_taxonomy_id": group},
        "workplace_address": {"municipality": f"Kommun {town}", "municipality_code": town, "region_code": town[:2]},
    }


def kolada_value(kpi: str, town: str, year: int, value: float | None) -> dict[str, Any]:
    """A Kolada v3 data object: one key figure, one municipality, one year; values for both sexes (T) and each."""
    return {
        "kpi": kpi,
        "municipality": town,
        "period": year,
        "values": [
            {
                "gender": "K",
                "count": 1,
                "status": "",
                "value": None if value is None else value / 2,
                "isdeleted": False,
            },
            {"gender": "T", "count": 1, "status": "", "value": value, "isdeleted": False},
        ],
    }


def barometer_workbook(rows: list[dict[str, str]], *, sheet: str = "Yrkesbarometer") -> bytes:
    """A workbook laid out as Arbetsförmedlingen publishes the Yrkesbarometer."""
    from openpyxl import Workbook

    columns = [
        "omgang", "yrkesomrade", "yb_yrke", "lan_namn", "jobbmojligheter", "rekryteringssituation", "paradox",
        "prognos", "text_jobbmojligheter", "text_rekryteringssituation", "ssyk", "ssyk_text",
    ]  # fmt: skip
    book = Workbook()
    book.active.title = "Info"
    book.active.append(["Yrkesbarometern, Arbetsförmedlingen"])
    data = book.create_sheet(sheet)
    data.append(columns)
    for row in rows:
        data.append([row.get(name, "") for name in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass
class AgencyStandIn:
    ads: list[dict[str, Any]] = field(default_factory=list)
    kolada: list[dict[str, Any]] = field(default_factory=list)
    kolada_titles: dict[str, str] = field(default_factory=lambda: dict(KOLADA_TITLES))
    kolada_page_size: int = 5000
    barometer: bytes = b""
    faults: dict[str, list[Any]] = field(default_factory=dict)
    seen: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)  # path, query string, headers
    hang: asyncio.Event = field(default_factory=asyncio.Event)  # set to release the requests a fault holds
    hanging: asyncio.Event = field(default_factory=asyncio.Event)  # set when a request is being held
    base: str = ""
    stats_codes: bool = True  # False: stats values without `code` (a reading the fetch must refuse, not zero)

    def fail(self, path: str, *faults: Any) -> None:
        """Queue faults for the next requests whose path starts with `path`: a status code, "malformed", "hang"."""
        self.faults.setdefault(path, []).extend(faults)

    def requests(self, path: str) -> list[str]:
        return [query for seen_path, query, _ in self.seen if seen_path.startswith(path)]

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/search", self._search)
        app.router.add_get("/v3/kpi/{ids}", self._kpi)
        app.router.add_get("/v3/data/kpi/{kpis}/municipality/{towns}/year/{years}", self._kolada_data)
        app.router.add_get("/moved/search", self._moved)
        app.router.add_get(BAROMETER_PAGE, self._page)
        app.router.add_get(BAROMETER_FILE, self._file)
        return app

    async def _fault(self, request: web.Request) -> web.StreamResponse | None:
        self.seen.append((request.path, request.query_string, dict(request.headers)))
        for prefix, queued in self.faults.items():
            if request.path.startswith(prefix) and queued:
                fault = queued.pop(0)
                if fault == "hang":
                    self.hanging.set()
                    await self.hang.wait()
                    return web.json_response({"message": "held"}, status=503)
                if fault == "malformed":
                    return web.Response(text='{"values": [{"kpi": "N01951", ', content_type="application/json")
                if fault == 429:
                    return web.json_response(
                        {"message": "Rate limit is one request per 1 seconds."},
                        status=429,
                        headers={"Retry-After": "1"},
                    )
                if isinstance(fault, tuple) and fault[0] == 429:  # (429, a Retry-After value)
                    return web.json_response({"message": "Rate limit"}, status=429, headers={"Retry-After": fault[1]})
                if isinstance(fault, int):
                    return web.json_response({"message": "Internal Server Error"}, status=fault)
        return None

    async def _search(self, request: web.Request) -> web.StreamResponse:
        if (fault := await self._fault(request)) is not None:
            return fault
        query = request.query
        groups, towns = set(query.getall("occupation-group", [])), set(query.getall("municipality", []))
        try:
            limit, offset = int(query.get("limit", "10")), int(query.get("offset", "0"))
            stats_limit = int(query.get("stats.limit", "5")) or 5
        except ValueError:
            return web.json_response(
                {"errors": {"limit": "not a number"}, "message": "Input payload validation failed"}, status=400
            )
        if not 0 <= limit <= 100 or not 0 <= offset <= 2000 or not 0 <= stats_limit <= 30:
            return web.json_response(
                {"errors": {"limit": "out of range"}, "message": "Input payload validation failed"}, status=400
            )
        found = [
            item
            for item in self.ads
            if (not groups or item["occupation_group"]["legacy_ams_taxonomy_id"] in groups)
            and (not towns or item["workplace_address"]["municipality_code"] in towns)
        ]
        found.sort(key=lambda item: item["publication_date"], reverse=True)
        answer: dict[str, Any] = {
            "total": {"value": len(found)},
            "positions": len(found),
            "query_time_in_millis": 1,
            "result_time_in_millis": 1,
            "hits": found[offset : offset + limit],
        }
        if "municipality" in query.getall("stats", []):
            counts = Counter(item["workplace_address"]["municipality_code"] for item in found)
            values = [
                {"term": f"Kommun {code}", "concept_id": f"m{code}", "code": code, "count": count}
                for code, count in counts.most_common(stats_limit)
            ]
            if not self.stats_codes:
                values = [{key: value for key, value in item.items() if key != "code"} for item in values]
            answer["stats"] = [{"type": "municipality", "values": values}]
        return web.json_response(answer)

    async def _kpi(self, request: web.Request) -> web.StreamResponse:
        if (fault := await self._fault(request)) is not None:
            return fault
        ids = request.match_info["ids"].split(",")
        values = [{"id": kpi, "title": self.kolada_titles[kpi]} for kpi in ids if kpi in self.kolada_titles]
        return web.json_response({"count": len(values), "values": values, "next_url": None, "previous_url": None})

    async def _kolada_data(self, request: web.Request) -> web.StreamResponse:
        if (fault := await self._fault(request)) is not None:
            return fault
        segments = [request.match_info[name].split(",") for name in ("kpis", "towns", "years")]
        if any(len(ids) > 25 for ids in segments):
            return web.json_response({"message": "at most 25 ids in a path segment"}, status=400)
        kpis, towns, years = segments
        found = [
            value
            for value in self.kolada
            if value["kpi"] in kpis and value["municipality"] in towns and str(value["period"]) in years
        ]
        page = int(request.query.get("page", "1"))
        size = min(int(request.query.get("per_page", "5000")), self.kolada_page_size)
        chunk = found[(page - 1) * size : page * size]
        more = page * size < len(found)
        next_url = f"{self.base}{request.path}?page={page + 1}&per_page={size}" if more else None
        return web.json_response({"count": len(chunk), "values": chunk, "next_url": next_url, "previous_url": None})

    async def _moved(self, request: web.Request) -> web.StreamResponse:
        self.seen.append((request.path, request.query_string, dict(request.headers)))
        raise web.HTTPFound(f"{self.base}/search?{request.query_string}")

    async def _page(self, request: web.Request) -> web.StreamResponse:
        if (fault := await self._fault(request)) is not None:
            return fault
        html = (
            "<html><body><h1>Yrkes- och kompetensanalyser</h1>"
            '<a href="/download/18.1234/rapport.pdf">Rapport</a>'
            f'<a href="{BAROMETER_FILE}">Yrkesbarometern (Excel)</a></body></html>'
        )
        return web.Response(text=html, content_type="text/html")

    async def _file(self, request: web.Request) -> web.StreamResponse:
        if (fault := await self._fault(request)) is not None:
            return fault
        return web.Response(
            body=self.barometer, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )


@asynccontextmanager
async def serving(standin: AgencyStandIn) -> AsyncIterator[str]:
    """Serve the stand-in on a free loopback port; yield its base URL."""
    runner = web.AppRunner(standin.app(), handler_cancellation=True, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    standin.base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield standin.base
    finally:
        standin.hang.set()
        await runner.cleanup()
