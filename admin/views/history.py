"""History of regions, municipalities, occupations and events: every saved revision, the changes between two,
and restoring one (articles have their own pages with the same three)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from admin.access import EDITING, allow
from admin.render import SERVICES, actor_of, flash, redirect, render
from admin.views.article_forms import diff_lines
from content.files.repository import ADAPTERS
from content.repository.records import ContentError, list_revisions, restore_revision
from translations.catalogs import N_

routes = web.RouteTableDef()
# Each kind of record: where its edit page is, and what its history page calls it.
KINDS = {
    "region": ("/places/regions/{slug}", N_("Region")),
    "municipality": ("/places/municipalities/{slug}", N_("Municipality")),
    "occupation": ("/occupations/{slug}", N_("Occupation")),
    "event": ("/events/{slug}", N_("Event")),
}


async def _revisions(request: web.Request) -> tuple[str, str, list[Any]]:
    entity, slug = request.match_info["entity"], request.match_info["slug"]
    if entity not in KINDS:
        raise web.HTTPNotFound()
    async with request.app[SERVICES].sessions() as session:
        revisions = await list_revisions(session=session, entity=entity, slug=slug)
    if not revisions:
        raise web.HTTPNotFound()
    return entity, slug, revisions


def _number(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


async def _page(request: web.Request, error: str | None = None, status: int = 200) -> web.StreamResponse:
    entity, slug, revisions = await _revisions(request)
    context = {
        "entity": entity,
        "slug": slug,
        "kind_name": KINDS[entity][1],
        "edit_url": KINDS[entity][0].format(slug=slug),
        "revisions": revisions,
        "error": error,
    }
    return await render(request, "history/revisions.html", context, status=status)


@routes.get("/history/{entity}/{slug}")
@allow(EDITING)
async def history(request: web.Request) -> web.StreamResponse:
    """Every saved version of a record: who, when, why."""
    return await _page(request)


@routes.get("/history/{entity}/{slug}/diff")
@allow(EDITING)
async def changes(request: web.Request) -> web.StreamResponse:
    """What changed between two revisions (by number; by default the newest and the one before it)."""
    entity, slug, revisions = await _revisions(request)
    by_number = {revision.number: revision for revision in revisions}
    newest = max(by_number)
    b = _number(request.query.get("b", newest))
    a = _number(request.query.get("a", (b or 1) - 1))
    if a is None or b is None or b not in by_number or (a not in by_number and a != 0):
        return await _page(request, N_("There is no such revision."), status=400)
    context = {
        "entity": entity,
        "slug": slug,
        "kind_name": KINDS[entity][1],
        "a": a,
        "b": b,
        "newest": newest,
        "lines": diff_lines(by_number[a].data if a in by_number else None, by_number[b].data),
    }
    return await render(request, "history/diff.html", context)


@routes.post("/history/{entity}/{slug}/restore")
@allow(EDITING)
async def restore(request: web.Request) -> web.StreamResponse:
    """Make an old revision current again (the restore is itself a new revision; a deleted record comes back)."""
    entity, slug, revisions = await _revisions(request)
    wanted = _number((await request.post()).get("revision"))
    numbers = {revision.id: revision.number for revision in revisions}
    try:
        if wanted is None or wanted not in numbers:
            raise ContentError("no such revision")
        async with request.app[SERVICES].sessions() as session, session.begin():
            await restore_revision(ADAPTERS, session=session, revision_id=wanted, actor=actor_of(request))
    except ContentError:
        return await _page(request, N_("That revision cannot be restored."), status=400)
    request.app[SERVICES].cache.changed()
    await flash(request, "Restored revision {number}; it is now the newest revision.", number=numbers[wanted])
    raise redirect(f"/history/{entity}/{slug}")
