"""Places: regions (names and descriptions per language, source) and their municipalities."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from admin.access import EDITING, allow
from admin.render import SERVICES, actor_of, flash, redirect, render
from admin.views.record_forms import (
    STALE,
    Form,
    Invalid,
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
from content.files.codes_check import COUNTY_CODES
from content.files.repository import MUNICIPALITIES, REGIONS
from content.files.schema import MunicipalityFile, RegionFile
from content.models import KeyFigure, Municipality, Region
from content.repository.lookup import by_slug
from content.repository.places import list_municipalities, list_regions
from content.repository.records import Adapter, StaleEditError, latest_revision_number
from translations.catalogs import N_
from translations.languages import CODES, SOURCE_LANGUAGE

routes = web.RouteTableDef()


@routes.get("/places")
@allow(EDITING)
async def place_list(request: web.Request) -> web.StreamResponse:
    """List the regions, each with its municipalities."""
    async with request.app[SERVICES].sessions() as session:
        regions = await list_regions(session=session)
        towns = await list_municipalities(session=session)
    groups = [(region, [town for town in towns if town.region_id == region.id]) for region in regions]
    return await render(request, "places/index.html", {"groups": groups})


async def _stored(request: web.Request, adapter: Adapter, slug: str | None) -> tuple[Any, int, list[Region]]:
    """Return the record in its file form (None for a new one), its latest revision number, and the regions."""
    async with request.app[SERVICES].sessions() as session:
        regions = await list_regions(session=session)
        if slug is None:
            return None, 0, regions
        record = await adapter.read(session, slug)
        if record is None:
            raise web.HTTPNotFound()
        return record, await latest_revision_number(session, adapter.entity, slug), regions


# Regions


def _region_values(record: RegionFile | None, revision: int) -> dict[str, Any]:
    if record is None:
        return {"slug": "", "name": {}, "description": {}, "source": "", "revision": ""}
    return {
        "slug": record.slug,
        "name": dict(record.name),
        "description": dict(record.description),
        "source": record.source or "",
        "revision": str(revision),
    }


def _region_posted(form: Form) -> dict[str, Any]:
    return {
        "slug": posted(form, "slug"),
        "name": {code: posted(form, f"name-{code}") for code in CODES},
        "description": {code: posted(form, f"description-{code}") for code in CODES},
        "source": posted(form, "source"),
        "revision": posted(form, "revision"),
    }


def _region_from_form(form: Form, slug: str) -> RegionFile:
    name = per_language(form, "name", limit=200)
    if SOURCE_LANGUAGE not in name:
        raise Invalid(N_("The Swedish name is required."))
    data = {
        "slug": slug,
        "name": name,
        "description": per_language(form, "description"),
        "source": optional(form, "source"),
    }
    record = validated(RegionFile, data)
    assert isinstance(record, RegionFile)
    return record


async def _region_form(
    request: web.Request,
    record: RegionFile | None,
    values: dict[str, Any],
    *,
    error: tuple[str, dict[str, str]] | None = None,
    status: int = 200,
) -> web.Response:
    context = {"record": record, "values": values, "languages": languages_for_forms(), "error": error}
    return await render(request, "places/region.html", context, status=status)


@routes.get("/places/regions/new")
@allow(EDITING)
async def region_new(request: web.Request) -> web.StreamResponse:
    """Show the form for a new region."""
    return await _region_form(request, None, _region_values(None, 0))


@routes.post("/places/regions/new")
@allow(EDITING)
async def region_create(request: web.Request) -> web.StreamResponse:
    """Create a region."""
    form = await request.post()
    try:
        slug = slug_of_new(form)
        data = _region_from_form(form, slug)
        await save(request, REGIONS, data, actor=actor_of(request), note="created in the admin", revision=None)
    except Invalid as problem:
        error = (problem.message, problem.values)
        return await _region_form(request, None, _region_posted(form), error=error, status=400)
    await flash(request, "Created the region {slug}.", slug=slug)
    raise redirect(f"/places/regions/{slug}")


@routes.get("/places/regions/{slug}")
@allow(EDITING)
async def region_edit(request: web.Request) -> web.StreamResponse:
    """Show a region's form."""
    record, revision, _ = await _stored(request, REGIONS, request.match_info["slug"])
    return await _region_form(request, record, _region_values(record, revision))


@routes.post("/places/regions/{slug}")
@allow(EDITING)
async def region_save(request: web.Request) -> web.StreamResponse:
    """Save a region; a save based on an outdated revision is refused and the input shown again."""
    slug = request.match_info["slug"]
    record, revision, _ = await _stored(request, REGIONS, slug)
    form = await request.post()
    values = _region_posted(form)
    try:
        data = _region_from_form(form, slug)
        actor = actor_of(request)
        await save(request, REGIONS, data, actor=actor, note="edited in the admin", revision=expected_revision(form))
    except Invalid as problem:
        return await _region_form(request, record, values, error=(problem.message, problem.values), status=400)
    except StaleEditError:
        values["revision"] = str(revision)
        return await _region_form(request, record, values, error=(STALE, {}), status=409)
    await flash(request, "Saved the region {slug}.", slug=slug)
    raise redirect(f"/places/regions/{slug}")


# Municipalities


def _town_values(record: MunicipalityFile | None, revision: int, region: str = "") -> dict[str, Any]:
    if record is None:
        return {
            "slug": "",
            "name": "",
            "region": region,
            "county": "",
            "code": "",
            "website": "",
            "terms": {},
            "revision": "",
        }
    return {
        "slug": record.slug,
        "name": record.name,
        "region": record.region,
        "county": record.county or "",
        "code": record.code or "",
        "website": record.website or "",
        "terms": terms_text(record.search_terms),
        "revision": str(revision),
    }


def _town_posted(form: Form) -> dict[str, Any]:
    return {
        "slug": posted(form, "slug"),
        "name": posted(form, "name"),
        "region": posted(form, "region"),
        "county": posted(form, "county"),
        "code": posted(form, "code"),
        "website": posted(form, "website"),
        "terms": {code: posted(form, f"terms-{code}") for code in CODES},
        "revision": posted(form, "revision"),
    }


async def _check_code(request: web.Request, town: MunicipalityFile) -> None:
    """Refuse a municipality code another municipality has, or one outside the town's county (the mapping check of
    `vagvisare content check`, said in the form)."""
    if town.code is None:
        return
    async with request.app[SERVICES].sessions() as session:
        others = [t for t in await list_municipalities(session=session) if t.code == town.code and t.slug != town.slug]
    if others:
        raise Invalid(N_("The municipality code {code} is already {name}'s."), code=town.code, name=others[0].name)
    county = COUNTY_CODES.get(town.county or "")
    if county is not None and not town.code.startswith(county):
        raise Invalid(
            N_("The municipality code {code} is not in {county}: its codes begin with {prefix}."),
            code=town.code,
            county=town.county,
            prefix=county,
        )


def _town_from_form(form: Form, slug: str, regions: list[Region]) -> MunicipalityFile:
    name = text(form, "name", limit=200)
    if not name:
        raise Invalid(N_("The name is required."))
    region = text(form, "region", limit=60)
    if region not in {r.slug for r in regions}:
        raise Invalid(N_("Choose a region from the list."))
    website = optional(form, "website", limit=500)
    if website is not None and not website.startswith(("https://", "http://")):
        raise Invalid(N_("The website must be an address starting with https:// (or http://)."))
    code = optional(form, "code", limit=20)
    if code is not None and not re.fullmatch(r"[0-9]{4}", code):
        raise Invalid(N_("The municipality code must be four digits, as Statistics Sweden writes it: 2480."))
    data = {
        "slug": slug,
        "name": name,
        "region": region,
        "county": optional(form, "county", limit=200),
        "code": code,
        "website": website,
        "search_terms": terms(form, "terms"),
    }
    record = validated(MunicipalityFile, data)
    assert isinstance(record, MunicipalityFile)
    return record


async def _town_form(
    request: web.Request,
    record: MunicipalityFile | None,
    values: dict[str, Any],
    regions: list[Region],
    *,
    error: tuple[str, dict[str, str]] | None = None,
    status: int = 200,
) -> web.Response:
    context = {
        "record": record,
        "figures": await _key_figures(request, record.slug) if record else [],
        "figure_names": _figure_names(),
        "values": values,
        "regions": regions,
        "languages": languages_for_forms(),
        "error": error,
    }
    return await render(request, "places/municipality.html", context, status=status)


def _figure_names() -> dict[str, str]:
    from content.opendata.kolada import BY_KPI

    return {kpi: kind.name for kpi, kind in BY_KPI.items()}


async def _key_figures(request: web.Request, slug: str) -> list[KeyFigure]:
    """The municipality's key figures from Kolada, as the bot shows them (read-only here)."""
    from content.repository.opendata import key_figures

    async with request.app[SERVICES].sessions() as session:
        town = await by_slug(session, Municipality, slug)
        return await key_figures(session, town.id or 0) if town else []


@routes.get("/places/municipalities/new")
@allow(EDITING)
async def municipality_new(request: web.Request) -> web.StreamResponse:
    """Show the form for a new municipality (in the region given by `?region=`, if any)."""
    _, _, regions = await _stored(request, MUNICIPALITIES, None)
    values = _town_values(None, 0, request.query.get("region", ""))
    return await _town_form(request, None, values, regions)


@routes.post("/places/municipalities/new")
@allow(EDITING)
async def municipality_create(request: web.Request) -> web.StreamResponse:
    """Create a municipality."""
    _, _, regions = await _stored(request, MUNICIPALITIES, None)
    form = await request.post()
    try:
        slug = slug_of_new(form)
        data = _town_from_form(form, slug, regions)
        await _check_code(request, data)
        await save(request, MUNICIPALITIES, data, actor=actor_of(request), note="created in the admin", revision=None)
    except Invalid as problem:
        error = (problem.message, problem.values)
        return await _town_form(request, None, _town_posted(form), regions, error=error, status=400)
    await flash(request, "Created the municipality {slug}.", slug=slug)
    raise redirect(f"/places/municipalities/{slug}")


@routes.get("/places/municipalities/{slug}")
@allow(EDITING)
async def municipality_edit(request: web.Request) -> web.StreamResponse:
    """Show a municipality's form."""
    record, revision, regions = await _stored(request, MUNICIPALITIES, request.match_info["slug"])
    return await _town_form(request, record, _town_values(record, revision), regions)


@routes.post("/places/municipalities/{slug}")
@allow(EDITING)
async def municipality_save(request: web.Request) -> web.StreamResponse:
    """Save a municipality; a save based on an outdated revision is refused and the input shown again."""
    slug = request.match_info["slug"]
    record, revision, regions = await _stored(request, MUNICIPALITIES, slug)
    form = await request.post()
    values = _town_posted(form)
    try:
        data = _town_from_form(form, slug, regions)
        await _check_code(request, data)
        actor = actor_of(request)
        await save(
            request, MUNICIPALITIES, data, actor=actor, note="edited in the admin", revision=expected_revision(form)
        )
    except Invalid as problem:
        error = (problem.message, problem.values)
        return await _town_form(request, record, values, regions, error=error, status=400)
    except StaleEditError:
        values["revision"] = str(revision)
        return await _town_form(request, record, values, regions, error=(STALE, {}), status=409)
    await flash(request, "Saved the municipality {slug}.", slug=slug)
    raise redirect(f"/places/municipalities/{slug}")
