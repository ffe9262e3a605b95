"""Occupations: names per language, search terms, and where each is in demand (with its source, or marked example)."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from aiohttp import web

from admin.access import EDITING, allow
from admin.render import SERVICES, actor_of, flash, redirect, render
from admin.views.record_forms import (
    STALE,
    Form,
    Invalid,
    checked,
    expected_revision,
    languages_for_forms,
    optional,
    per_language,
    posted,
    save,
    slug_of_new,
    terms,
    terms_text,
    text,
    validated,
)
from content.files.schema import OccupationFile
from content.models import DemandLevel, Occupation
from content.repository.lookup import by_slug
from content.repository.occupations import OCCUPATIONS, get_occupation_file, list_occupations
from content.repository.places import list_municipalities, list_regions
from content.repository.records import StaleEditError, latest_revision_number
from translations.catalogs import N_

if TYPE_CHECKING:
    from content.opendata.demand import OfficialDemand
from translations.languages import CODES, SOURCE_LANGUAGE

routes = web.RouteTableDef()
LEVELS = {"high": N_("High"), "medium": N_("Medium"), "low": N_("Low")}
BLANK_ROWS = 3  # empty demand rows under the filled ones: more can be added after saving, without JavaScript
MAX_ROWS = 500


@routes.get("/occupations")
@allow(EDITING)
async def occupation_list(request: web.Request) -> web.StreamResponse:
    """List the occupations with how many demand rows each has, and how many of them are examples."""
    async with request.app[SERVICES].sessions() as session:
        records = [
            await get_occupation_file(session=session, slug=o.slug) for o in await list_occupations(session=session)
        ]
    rows = [
        {
            "record": record,
            "demand": len(record.demand),
            "examples": sum(1 for row in record.demand if row.example),
        }
        for record in records
        if record is not None
    ]
    return await render(request, "occupations/list.html", {"rows": rows})


async def _places(request: web.Request) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The places a demand row can name: ('r:<slug>', name) for regions, ('m:<slug>', name) for municipalities."""
    async with request.app[SERVICES].sessions() as session:
        regions = [(f"r:{r.slug}", r.name.get(SOURCE_LANGUAGE, r.slug)) for r in await list_regions(session=session)]
        towns = [(f"m:{m.slug}", m.name) for m in await list_municipalities(session=session)]
    return regions, towns


async def _stored(request: web.Request, slug: str) -> tuple[OccupationFile, int]:
    async with request.app[SERVICES].sessions() as session:
        record = await get_occupation_file(session=session, slug=slug)
        if record is None:
            raise web.HTTPNotFound()
        return record, await latest_revision_number(session, OCCUPATIONS.entity, slug)


def _blank_row() -> dict[str, Any]:
    return {"place": "", "level": "", "source": "", "verified_at": "", "example": False, "note": ""}


def _values(record: OccupationFile | None, revision: int) -> dict[str, Any]:
    if record is None:
        return {"slug": "", "ssyk": "", "name": {}, "terms": {}, "demand": [_blank_row()] * BLANK_ROWS, "revision": ""}
    demand = [
        {
            "place": f"m:{row.municipality}" if row.municipality else f"r:{row.region}",
            "level": str(row.level),
            "source": row.source or "",
            "verified_at": row.verified_at.isoformat() if row.verified_at else "",
            "example": row.example,
            "note": row.note or "",
        }
        for row in record.demand
    ]
    return {
        "slug": record.slug,
        "ssyk": record.ssyk or "",
        "name": dict(record.name),
        "terms": terms_text(record.search_terms),
        "demand": demand + [_blank_row()] * BLANK_ROWS,
        "revision": str(revision),
    }


def _row_count(form: Form) -> int:
    try:
        return max(0, min(MAX_ROWS, int(posted(form, "demand_rows"))))
    except ValueError:
        return 0


def _posted(form: Form) -> dict[str, Any]:
    demand = [
        {
            "place": posted(form, f"demand-{i}-place"),
            "level": posted(form, f"demand-{i}-level"),
            "source": posted(form, f"demand-{i}-source"),
            "verified_at": posted(form, f"demand-{i}-verified_at"),
            "example": checked(form, f"demand-{i}-example"),
            "note": posted(form, f"demand-{i}-note"),
        }
        for i in range(_row_count(form))
        if not checked(form, f"demand-{i}-remove")
    ]
    return {
        "slug": posted(form, "slug"),
        "ssyk": posted(form, "ssyk"),
        "name": {code: posted(form, f"name-{code}") for code in CODES},
        "terms": {code: posted(form, f"terms-{code}") for code in CODES},
        "demand": demand,
        "revision": posted(form, "revision"),
    }


def _demand(form: Form, places: set[str]) -> list[dict[str, Any]]:
    """Read the demand rows; an empty or removed row is left out."""
    rows = []
    for i in range(_row_count(form)):
        place = text(form, f"demand-{i}-place", limit=60)
        if not place or checked(form, f"demand-{i}-remove"):
            continue
        if place not in places:
            raise Invalid(N_("Choose the place of each demand row from the list."))
        level = text(form, f"demand-{i}-level", limit=20)
        if level not in {level.value for level in DemandLevel}:
            raise Invalid(N_("Choose the level of each demand row from the list."))
        verified = text(form, f"demand-{i}-verified_at", limit=20)
        try:
            verified_at = date.fromisoformat(verified) if verified else None
        except ValueError:
            raise Invalid(N_("Write the date a row was checked as YYYY-MM-DD.")) from None
        source = optional(form, f"demand-{i}-source", limit=500)
        example = checked(form, f"demand-{i}-example")
        note = optional(form, f"demand-{i}-note", limit=300)
        if source is None and not example:
            raise Invalid(N_("A demand row without a source must be marked as an example."))
        kind, slug = place.split(":", 1)
        rows.append(
            {
                "municipality" if kind == "m" else "region": slug,
                "level": level,
                "source": source,
                "verified_at": verified_at,
                "example": example,
                "note": note,
            }
        )
    return rows


def _ssyk(value: str | None) -> str | None:
    """The SSYK 2012 groups as the file writes them ("8331, 8332"), from any commas and spaces between them."""
    if value is None:
        return None
    groups = [group for group in re.split(r"[\s,;]+", value) if group]
    if not groups or not all(re.fullmatch(r"[0-9]{4}", group) for group in groups):
        raise Invalid(N_("The SSYK codes must be four digits each, separated by commas: 8331, 8332."))
    return ", ".join(dict.fromkeys(groups))


def _from_form(form: Form, slug: str, places: set[str]) -> OccupationFile:
    name = per_language(form, "name", limit=200)
    if SOURCE_LANGUAGE not in name:
        raise Invalid(N_("The Swedish name is required."))
    data = {
        "slug": slug,
        "ssyk": _ssyk(optional(form, "ssyk", limit=200)),
        "name": name,
        "search_terms": terms(form, "terms"),
        "demand": _demand(form, places),
    }
    record = validated(OccupationFile, data)
    assert isinstance(record, OccupationFile)
    return record


async def _form(
    request: web.Request,
    record: OccupationFile | None,
    values: dict[str, Any],
    *,
    error: tuple[str, dict[str, str]] | None = None,
    status: int = 200,
) -> web.Response:
    regions, towns = await _places(request)
    if error is not None:
        values["demand"] = values["demand"] + [_blank_row()] * BLANK_ROWS
    context = {
        "record": record,
        "official": await _official(request, record.slug) if record else None,
        "values": values,
        "regions": regions,
        "towns": towns,
        "levels": LEVELS,
        "languages": languages_for_forms(),
        "error": error,
    }
    return await render(request, "occupations/form.html", context, status=status)


async def _official(request: web.Request, slug: str) -> OfficialDemand | None:
    """The official figures for the occupation, as the bot shows them (read-only here)."""
    from content.opendata.demand import official_demand

    async with request.app[SERVICES].sessions() as session:
        row = await by_slug(session, Occupation, slug)
        if row is None:
            return None
        found = await official_demand(session, row.id or 0, await list_municipalities(session=session))
    return found if found else None


async def _place_keys(request: web.Request) -> set[str]:
    regions, towns = await _places(request)
    return {key for key, _ in [*regions, *towns]}


@routes.get("/occupations/new")
@allow(EDITING)
async def occupation_new(request: web.Request) -> web.StreamResponse:
    """Show the form for a new occupation."""
    return await _form(request, None, _values(None, 0))


@routes.post("/occupations/new")
@allow(EDITING)
async def occupation_create(request: web.Request) -> web.StreamResponse:
    """Create an occupation with its demand rows."""
    form = await request.post()
    try:
        slug = slug_of_new(form)
        data = _from_form(form, slug, await _place_keys(request))
        await save(request, OCCUPATIONS, data, actor=actor_of(request), note="created in the admin", revision=None)
    except Invalid as problem:
        return await _form(request, None, _posted(form), error=(problem.message, problem.values), status=400)
    await flash(request, "Created the occupation {slug}.", slug=slug)
    raise redirect(f"/occupations/{slug}")


@routes.get("/occupations/{slug}")
@allow(EDITING)
async def occupation_edit(request: web.Request) -> web.StreamResponse:
    """Show an occupation's form."""
    record, revision = await _stored(request, request.match_info["slug"])
    return await _form(request, record, _values(record, revision))


@routes.post("/occupations/{slug}")
@allow(EDITING)
async def occupation_save(request: web.Request) -> web.StreamResponse:
    """Save an occupation; a save based on an outdated revision is refused and the input shown again."""
    slug = request.match_info["slug"]
    record, revision = await _stored(request, slug)
    form = await request.post()
    values = _posted(form)
    try:
        data = _from_form(form, slug, await _place_keys(request))
        actor = actor_of(request)
        await save(
            request, OCCUPATIONS, data, actor=actor, note="edited in the admin", revision=expected_revision(form)
        )
    except Invalid as problem:
        return await _form(request, record, values, error=(problem.message, problem.values), status=400)
    except StaleEditError:
        values["revision"] = str(revision)
        return await _form(request, record, values, error=(STALE, {}), status=409)
    await flash(request, "Saved the occupation {slug}.", slug=slug)
    raise redirect(f"/occupations/{slug}")
