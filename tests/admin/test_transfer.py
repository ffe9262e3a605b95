"""Import and export: the content repository as a .zip, checked completely before anything is loaded."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from content.files.archive import MAX_FILE_BYTES, ArchiveError, unpack_zip
from content.files.repository import DEFAULT_ROOT, export_files
from content.models import Role
from content.repository.records import content_generation
from tests.admin.conftest import Client, Login


def _zip(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


async def _upload(person: Client, data: bytes, name: str = "content.zip") -> tuple[int, str]:
    await person.get("/transfer")
    form = aiohttp.FormData()
    form.add_field("csrf_token", person.token)
    form.add_field("archive", data, filename=name, content_type="application/zip")
    async with person.http.post(person.base + "/transfer/import", data=form) as response:
        return response.status, await response.text()


async def _english_editor(login_as: Login) -> Client:
    editor = await login_as(Role.EDITOR)
    await editor.post("/language", {"lang": "en", "next": "/"})
    return editor


async def _export(person: Client) -> bytes:
    response = await person.response("GET", "/transfer/export.zip")
    assert response.status == 200
    assert response.content_type == "application/zip"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="vagvisare-content-')
    return await response.read()


async def test_the_export_holds_the_files_content_export_writes(
    login_as: Login, admin_sessions: async_sessionmaker[AsyncSession]
) -> None:
    editor = await login_as(Role.EDITOR)
    with zipfile.ZipFile(io.BytesIO(await _export(editor))) as archive:
        exported = {name: archive.read(name).decode() for name in archive.namelist()}
    async with admin_sessions() as session:
        assert exported == await export_files(session=session)
    assert exported["articles/sfi.yaml"] == (DEFAULT_ROOT / "articles" / "sfi.yaml").read_text()


async def test_an_exported_zip_imports_again_without_changing_anything(
    login_as: Login, admin_sessions: async_sessionmaker[AsyncSession]
) -> None:
    editor = await _english_editor(login_as)
    async with admin_sessions() as session:
        before = await content_generation(session=session)
    status, page = await _upload(editor, await _export(editor))
    assert status == 200
    assert "The import is done." in page
    assert "article: 0 created, 0 updated" in page
    async with admin_sessions() as session:
        assert await content_generation(session=session) == before


async def test_an_import_from_a_zipped_folder_updates_what_changed_and_says_so(
    login_as: Login, admin_sessions: async_sessionmaker[AsyncSession]
) -> None:
    editor = await _english_editor(login_as)
    sfi = (DEFAULT_ROOT / "articles" / "sfi.yaml").read_text()
    changed = sfi.replace("review_due: 2027-05-23", "review_due: 2027-06-30")
    assert changed != sfi
    status, page = await _upload(editor, _zip({"data/articles/sfi.yaml": changed, "data/notes.txt": "ignored"}))
    assert status == 200
    assert "article: 0 created, 1 updated, 0 unchanged." in page
    async with admin_sessions() as session:
        assert (await export_files(session=session))["articles/sfi.yaml"] == changed


async def test_an_import_with_one_broken_file_changes_nothing_and_names_the_problem(
    login_as: Login, admin_sessions: async_sessionmaker[AsyncSession]
) -> None:
    editor = await _english_editor(login_as)
    with zipfile.ZipFile(io.BytesIO(await _export(editor))) as archive:
        files: dict[str, str | bytes] = {name: archive.read(name) for name in archive.namelist()}
    files["articles/sfi.yaml"] = "slug: sfi\nkind: faq\nsource: x\ntranslations: {}\n"
    files["municipalities.yaml"] = files["municipalities.yaml"].replace(b"region: ", b"region: atlantis-", 1)  # type: ignore[union-attr]
    async with admin_sessions() as session:
        before = await content_generation(session=session)
    status, page = await _upload(editor, _zip(files))
    assert status == 400
    assert "Nothing was imported" in page
    assert "<code>articles/sfi.yaml</code></td><td>4</td><td><code>translations</code>" in page
    assert "<code>municipalities.yaml</code>" in page
    assert "2 problems" in page
    async with admin_sessions() as session:
        assert await content_generation(session=session) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"this is not a zip", "This is not a .zip file."),
        (_zip({"../regions.yaml": "[]"}), "points outside"),
        (_zip({"/etc/regions.yaml": "[]"}), "points outside"),
        (_zip({"notes/other.yaml": "[]"}), "is not a file of a content repository"),
        (_zip({"README.txt": "hello"}), "holds no content files"),
        (_zip({"articles/big.yaml": "x" * (MAX_FILE_BYTES + 1)}), "larger than"),
    ],
)
async def test_an_unusable_upload_is_refused_politely(login_as: Login, data: bytes, message: str) -> None:
    editor = await _english_editor(login_as)
    status, page = await _upload(editor, data)
    assert status == 400
    assert "Nothing was imported" in page
    assert message in page


async def test_an_import_without_a_file_is_refused(login_as: Login) -> None:
    editor = await _english_editor(login_as)
    status, page = await editor.post("/transfer/import", {"archive": "not a file"})
    assert (status, "Choose a .zip file to import." in page) == (400, True)


async def test_import_and_export_are_for_editors_and_administrators(
    login_as: Login, client: Callable[[], Client]
) -> None:
    for role in (Role.TRANSLATOR, Role.BROADCASTER):
        person = await login_as(role, ["ar"] if role == Role.TRANSLATOR else None)
        assert (await person.get("/transfer"))[0] == 403
        assert (await person.response("GET", "/transfer/export.zip")).status == 403
    assert (await (await login_as(Role.ADMINISTRATOR)).get("/transfer"))[0] == 200


def test_a_link_in_an_archive_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("regions.yaml")
        link.external_attr = 0o120777 << 16
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(ArchiveError, match="is a link"):
        unpack_zip(buffer.getvalue(), tmp_path)
    assert list(tmp_path.iterdir()) == []
