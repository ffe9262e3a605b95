"""Import and export: the content repository as a .zip of the files `vagvisare content export` writes."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

from aiohttp import web

from admin.access import EDITING, allow
from admin.render import SERVICES, actor_of, flash, redirect, render
from content.files.archive import ArchiveError, unpack_zip, zip_files
from content.files.repository import Bundle, apply_bundle, export_files, read_bundle
from content.files.yaml_io import ContentFileError, Problem
from content.models import utcnow
from content.repository.records import ContentError
from translations.catalogs import N_

routes = web.RouteTableDef()
MAX_UPLOAD = 16 * 1024 * 1024
FOLDER = "content"  # the archive is unpacked into <temporary>/content, so problems name `content/...`


@routes.get("/transfer")
@allow(EDITING)
async def transfer(request: web.Request) -> web.StreamResponse:
    """The page with the export link and the import form."""
    return await _page(request)


async def _page(
    request: web.Request,
    *,
    status: int = 200,
    error: str | None = None,
    detail: str = "",
    problems: list[Problem] | None = None,
) -> web.StreamResponse:
    # `error` is a message id; `detail` is the archive's or loader's own (English) explanation.
    context: dict[str, Any] = {"error": error, "detail": detail, "problems": problems or []}
    context["max_mb"] = MAX_UPLOAD // 1024 // 1024
    context["where"] = lambda problem: str(problem.path).removeprefix(FOLDER + "/")
    return await render(request, "transfer/transfer.html", context, status=status)


@routes.get("/transfer/export.zip")
@allow(EDITING)
async def export(request: web.Request) -> web.StreamResponse:
    """Download the whole content repository as a .zip."""
    async with request.app[SERVICES].sessions() as session:
        files = await export_files(session=session)
    body = await asyncio.to_thread(zip_files, files)
    name = f"vagvisare-content-{utcnow():%Y-%m-%d}.zip"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return web.Response(body=body, content_type="application/zip", headers=headers)


@routes.post("/transfer/import")
@allow(EDITING)
async def import_archive(request: web.Request) -> web.StreamResponse:
    """Check every file of an uploaded .zip, then load all of them in one transaction, or nothing."""
    form = await request.post()
    upload = form.get("archive")
    if isinstance(upload, web.FileField):
        data = upload.file.read(MAX_UPLOAD + 1)
    else:
        return await _page(request, status=400, error=N_("Choose a .zip file to import."))
    if len(data) > MAX_UPLOAD:
        return await _page(request, status=400, error=N_("The file is too large."))
    try:
        bundle = await asyncio.to_thread(_read_archive, data)
    except ArchiveError as problem:
        return await _page(request, status=400, error=N_("Nothing was imported."), detail=str(problem))
    except ContentFileError as invalid:
        return await _page(
            request, status=400, error=N_("Nothing was imported: the files have problems."), problems=invalid.problems
        )
    services = request.app[SERVICES]
    try:
        async with services.sessions() as session, session.begin():
            summary = await apply_bundle(session=session, bundle=bundle, actor=actor_of(request), note="import")
    except ContentError as failed:  # the transaction was rolled back: nothing changed
        return await _page(request, status=400, error=N_("Nothing was imported."), detail=str(failed))
    services.cache.changed()
    for entity, counts in summary.counts.items():
        await flash(
            request,
            "{entity}: {created} created, {updated} updated, {unchanged} unchanged.",
            entity=entity,
            created=counts["created"],
            updated=counts["updated"],
            unchanged=counts["unchanged"],
        )
    await flash(request, "The import is done.")
    raise redirect("/transfer")


def _read_archive(data: bytes) -> Bundle:
    with tempfile.TemporaryDirectory(prefix="vagvisare-import-") as folder:
        root = Path(folder) / FOLDER
        root.mkdir()
        unpack_zip(data, root)
        return read_bundle(root)
