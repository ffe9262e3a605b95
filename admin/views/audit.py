"""The audit log: who changed what, when; newest first, filtered by person and kind of record."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from admin.access import ADMINISTRATION, allow
from admin.render import SERVICES, render
from content.repository.audit import audit_choices, search_audit

routes = web.RouteTableDef()
PAGE_SIZE = 50


@routes.get("/audit")
@allow(ADMINISTRATION)
async def audit(request: web.Request) -> web.StreamResponse:
    """Show one page of the audit log."""
    actor = request.query.get("actor", "").strip()[:254]
    entity = request.query.get("entity", "").strip()[:32]
    slug = request.query.get("slug", "").strip()[:48]
    try:
        page = max(1, min(int(request.query.get("page", "1")), 100_000))
    except ValueError:
        page = 1
    async with request.app[SERVICES].sessions() as session:
        entries, total = await search_audit(
            session=session, actor=actor, entity=entity, slug=slug, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
        )
        actors, entities = await audit_choices(session=session)
    pages = max(1, -(-total // PAGE_SIZE))
    filters = {key: value for key, value in (("actor", actor), ("entity", entity), ("slug", slug)) if value}

    def page_url(number: int) -> str:
        return "/audit?" + urlencode({**filters, "page": number})

    context = {
        "entries": entries,
        "total": total,
        "page": page,
        "pages": pages,
        "page_url": page_url,
        "actor": actor,
        "entity": entity,
        "slug": slug,
        "actors": actors,
        "entities": entities,
    }
    return await render(request, "audit/audit.html", context)
